import { describe, expect, it } from 'vitest'
import { browserForFile, saveScreenshot } from '../support/browser.js'
import { buildDashboard } from '../support/dashboard-build.js'
import { SCREEN_TIMEOUT_MS } from '../support/dashboard-page.js'
import { startIsolatedLocalStack } from '../support/local-stack-process.js'

const browser = browserForFile()

describe('npm start in a browser', () => {
  it('prints the dashboard address first, and that page shows the demo running', async () => {
    const stack = startIsolatedLocalStack({ DASHBOARD_DIR: await buildDashboard() })
    const line = await stack.waitForLine(/^dashboard\s+http:\/\/localhost:\d+\//, 60_000)
    const url = /(http:\/\/localhost:\S+)/.exec(line)?.[1] ?? ''
    // Nothing of the stack's own comes before it (log lines go to stderr, not to this banner).
    expect(
      stack
        .output()
        .split('\n')
        .find((text) => text.trim() !== '' && !text.startsWith('{')),
    ).toBe(line)

    const { page, errors } = await browser.open(url)

    const running = page.locator('[data-testid^="conversation-run-"][data-status="running"]')
    await running.first().waitFor({ timeout: SCREEN_TIMEOUT_MS })
    await page.locator('progress').first().waitFor({ timeout: SCREEN_TIMEOUT_MS })
    await expect
      .poll(() => page.getByTestId('conversation-link-state').getAttribute('data-state'), {
        timeout: SCREEN_TIMEOUT_MS,
      })
      .toBe('live')
    await saveScreenshot(page, 'demo-conversation')
    expect(errors).toEqual([])
    expect(await stack.kill('SIGINT')).toBe(0)
  }, 120_000)
})
