import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { browserForFile, saveScreenshot } from '../support/browser.js'
import { startTsProcess } from '../support/child-process.js'
import { buildDashboard } from '../support/dashboard-build.js'
import { SCREEN_TIMEOUT_MS } from '../support/dashboard-page.js'
import { databaseUrl, uniqueName } from '../support/names.js'

const browser = browserForFile()

describe('npm start in a browser', () => {
  it('prints the dashboard address first, and that page shows the demo running', async () => {
    const stack = startTsProcess('scripts/local-stack.ts', {
      env: {
        REDIS_URL: inject('redisUrl'),
        MONGODB_URI: databaseUrl(inject('mongoUrl')),
        LOG_LEVEL: 'warn',
        // Its own keys and queue: the demo's conversation id is the same in every stack.
        REDIS_KEY_PREFIX: uniqueName('ae'),
        QUEUE_NAME: uniqueName('queue'),
        // Any free port: another test may run the local stack on 3001 at the same time.
        WS_PORT: '0',
        DASHBOARD_DIR: await buildDashboard(),
      },
    })
    onTestFinished(async () => void (await stack.kill('SIGKILL')))
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
