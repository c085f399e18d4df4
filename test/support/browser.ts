import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import { repoRoot } from './repo-root.js'

/** Debian's Chromium (`apt-get install chromium`; `npm run setup` installs it when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium'
/** Where tests save their screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'screenshots')

/**
 * Flags for a root user on a machine without network: no sandbox (root), and none of Chromium's own
 * background connections, which a closed network refuses.
 */
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** A page of the dashboard, with what went wrong in it: console errors, uncaught errors, CSP refusals. */
export interface DashboardPage {
  readonly page: Page
  /**
   * Console errors (a Content-Security-Policy refusal among them) and uncaught page errors, in order;
   * not the browser's own line for an HTTP error answer: those are in {@link failedResponses}.
   */
  readonly errors: string[]
  /** `<status> <path>` of every answer of 400 or more. */
  readonly failedResponses: string[]
  /** Every URL the page requested, WebSocket upgrades included. */
  readonly requests: string[]
  /** The `Authorization` header of each request to `/api/`, by URL. */
  readonly authorizations: Map<string, string | undefined>
}

export interface BrowserFixture {
  /** A new page (own context: no shared storage) at `url`, closed when the test ends. */
  open(url: string, options?: { width?: number; height?: number }): Promise<DashboardPage>
}

/**
 * One Chromium for the test file: launched before its first test, always closed after its last.
 * @example
 * const browser = browserForFile()
 * it('shows the run', async () => { const { page } = await browser.open(`${url}/#/runs/exec-1`) })
 */
export function browserForFile(): BrowserFixture {
  let browser: Browser | undefined
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
  })
  return {
    async open(url, { width = 1360, height = 900 } = {}) {
      if (!browser)
        throw new Error('the browser is not launched (browserForFile must run at the top of the file)')
      const context = await browser.newContext({ viewport: { width, height } })
      onTestFinished(() => context.close())
      const page = await context.newPage()
      const watched: DashboardPage = {
        page,
        errors: [],
        failedResponses: [],
        requests: [],
        authorizations: new Map(),
      }
      page.on('console', (message) => {
        const text = message.text()
        if (message.type() === 'error' && !text.startsWith('Failed to load resource'))
          watched.errors.push(text)
      })
      page.on('response', (response) => {
        const { pathname } = new URL(response.url())
        if (response.status() >= 400) watched.failedResponses.push(`${response.status()} ${pathname}`)
      })
      page.on('pageerror', (error) => watched.errors.push(`uncaught: ${error.message}`))
      page.on('request', (request) => {
        watched.requests.push(request.url())
        if (new URL(request.url()).pathname.startsWith('/api/')) {
          watched.authorizations.set(request.url(), request.headers().authorization)
        }
      })
      page.on('websocket', (socket) => watched.requests.push(socket.url()))
      await page.goto(url)
      return watched
    },
  }
}

/**
 * Saves a full-page screenshot as `test-results/screenshots/<name>.png` and returns its path.
 * @example await saveScreenshot(page, 'run-view')
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
