import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** How long a test waits for the page to show something: events cross Redis, a node and React. */
export const SCREEN_TIMEOUT_MS = 20_000

/** The text of the element with this `data-testid` (trimmed), or undefined when there is none. */
export async function textOf(page: Page, testId: string): Promise<string | undefined> {
  const locator = page.getByTestId(testId)
  if ((await locator.count()) === 0) return undefined
  return (await locator.first().textContent())?.trim()
}

/** An attribute of the element with this `data-testid`, or undefined. */
export async function attributeOf(page: Page, testId: string, name: string): Promise<string | undefined> {
  const locator = page.getByTestId(testId)
  if ((await locator.count()) === 0) return undefined
  return (await locator.first().getAttribute(name)) ?? undefined
}

/**
 * Waits until the element's text is `expected` (polling with a deadline).
 * @example await expectText(page, 'run-event-count', '44')
 */
export async function expectText(
  page: Page,
  testId: string,
  expected: string,
  timeout = SCREEN_TIMEOUT_MS,
): Promise<void> {
  await expect.poll(() => textOf(page, testId), { timeout, message: `text of ${testId}` }).toBe(expected)
}

/** Waits until the element's `data-state` is `expected`. */
export async function expectState(
  page: Page,
  testId: string,
  expected: string,
  timeout = SCREEN_TIMEOUT_MS,
): Promise<void> {
  await expect
    .poll(() => attributeOf(page, testId, 'data-state'), { timeout, message: `data-state of ${testId}` })
    .toBe(expected)
}

/** Test ids whose content depends on the connection or on the wall clock, not on the run. */
const VOLATILE =
  /^(link-state|resume-count|resume-progress|socket-state|run-duration|replay-|mode-|missing-range|gaps)/

/**
 * Everything the run view shows of the run (every `data-testid` in the main area with its text,
 * `data-state` and `data-value`, and the seqs of the event log), without what depends on the
 * connection or the clock: two views of the same run have equal snapshots.
 * @example expect(await runSnapshot(replayPage)).toEqual(await runSnapshot(livePage))
 */
export async function runSnapshot(page: Page): Promise<Record<string, string>> {
  const all = (await page.evaluate(SNAPSHOT_SCRIPT)) as [string, string][]
  return Object.fromEntries(all.filter(([id]) => !VOLATILE.test(id)))
}

/** Runs in the page (a string: the test project has no DOM types): `[testId, "state|value|text"]` pairs. */
const SNAPSHOT_SCRIPT = `(() => {
  const entries = []
  for (const element of document.querySelectorAll('main [data-testid]')) {
    const id = element.getAttribute('data-testid') ?? ''
    const state = element.getAttribute('data-state') ?? ''
    const value = element.getAttribute('data-value') ?? ''
    entries.push([id, state + '|' + value + '|' + (element.textContent ?? '').trim()])
  }
  const seqs = [...document.querySelectorAll('[data-testid="log-rows"] tr')].map((row) => row.getAttribute('data-seq'))
  entries.push(['log-seqs', seqs.join(',')])
  return entries
})()`

/**
 * The `data-testid`s of the elements matching `selector`, in document order.
 * @example await testIdsOf(page, '[data-testid^="run-row-"]')
 */
export async function testIdsOf(page: Page, selector: string): Promise<string[]> {
  const elements = await page.locator(selector).all()
  return Promise.all(elements.map(async (element) => (await element.getAttribute('data-testid')) ?? ''))
}

/** The fragment of the page's address (`#/runs/exec-1`). */
export function fragmentOf(page: Page): string {
  return new URL(page.url()).hash
}
