import type { Page } from 'playwright-core'
import { describe, expect, inject, it } from 'vitest'
import { startBalancedDashboardNodes } from '../support/balanced-dashboard-nodes.js'
import { browserForFile, saveScreenshot } from '../support/browser.js'
import { SCREEN_TIMEOUT_MS, testIdsOf } from '../support/dashboard-page.js'
import { eventually } from '../support/eventually.js'
import { uniqueName } from '../support/names.js'
import {
  emitInOrder,
  orchestrationEvents,
  orchestrationTotals,
  scriptedOrchestration,
} from '../support/scripted-orchestration.js'
import { startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter } from '../support/web-node-stack.js'

const browser = browserForFile()
const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

/** Each run card of the page: its status and its text. */
async function cards(page: Page): Promise<Record<string, string>> {
  const ids = await testIdsOf(page, '[data-testid^="conversation-run-"]')
  const entries = await Promise.all(
    ids.map(async (id) => {
      const card = page.getByTestId(id)
      return [id, `${await card.getAttribute('data-status')}|${(await card.textContent())?.trim()}`] as const
    }),
  )
  return Object.fromEntries(entries)
}

const cardEvents = (page: Page, executionId: string) =>
  page.getByTestId(`conversation-run-${executionId}`).getByTestId('card-events').textContent()

describe('the conversation view', () => {
  it('shows every run of a conversation live, and recovers exactly after its web node is SIGKILLed', async () => {
    const stack = names()
    const { first, second, proxy } = await startBalancedDashboardNodes(stack)
    await startWorkerProcess(stack)
    const emitter = await startTestEmitter(stack)
    const conversationId = uniqueName('conv')
    const done = scriptedOrchestration(`${uniqueName('exec')}-a`, conversationId)
    const live = scriptedOrchestration(`${uniqueName('exec')}-b`, conversationId)
    const totals = orchestrationTotals(live)
    await emitInOrder(emitter, orchestrationEvents(done))
    await eventually(
      async () => {
        const answer = await fetch(`${first.url}/api/executions/${done.executionId}`)
        return ((await answer.json()) as { execution?: { status: string } }).execution?.status === 'completed'
      },
      { what: 'the finished run to be stored' },
    )

    const { page, errors } = await browser.open(`${proxy.url}/#/conversations/${conversationId}`)
    await expect
      .poll(() => cardEvents(page, done.executionId), { timeout: SCREEN_TIMEOUT_MS })
      .toBe('44 events')
    await expect
      .poll(() => page.getByTestId('conversation-link-state').getAttribute('data-state'), {
        timeout: SCREEN_TIMEOUT_MS,
      })
      .toBe('live')

    const events = orchestrationEvents(live)
    const third = Math.floor(events.length / 3)
    await emitInOrder(emitter, events.slice(0, third))
    await expect
      .poll(() => testIdsOf(page, '[data-testid^="conversation-run-"]'), { timeout: SCREEN_TIMEOUT_MS })
      .toEqual([`conversation-run-${live.executionId}`, `conversation-run-${done.executionId}`])
    await expect
      .poll(() => cardEvents(page, live.executionId), { timeout: SCREEN_TIMEOUT_MS })
      .toBe(`${third} events`)
    expect(await page.getByTestId(`conversation-run-${live.executionId}`).getAttribute('data-status')).toBe(
      'running',
    )

    expect(await first.process.kill('SIGKILL')).toBe(null)
    await expect
      .poll(() => page.getByTestId('conversation-link-state').getAttribute('data-state'), {
        timeout: SCREEN_TIMEOUT_MS,
      })
      .toBe('reconnecting')
    await emitInOrder(emitter, events.slice(third, 2 * third))
    proxy.retarget(second.port)
    await expect
      .poll(() => page.getByTestId('conversation-link-state').getAttribute('data-state'), {
        timeout: SCREEN_TIMEOUT_MS,
      })
      .toBe('live')
    await emitInOrder(emitter, events.slice(2 * third))

    await expect
      .poll(() => cardEvents(page, live.executionId), { timeout: SCREEN_TIMEOUT_MS })
      .toBe(`${totals.events} events`)
    await expect
      .poll(() => page.getByTestId(`conversation-run-${live.executionId}`).getAttribute('data-status'), {
        timeout: SCREEN_TIMEOUT_MS,
      })
      .toBe('completed')
    await saveScreenshot(page, 'conversation-after-failover')
    const fresh = await browser.open(`${second.url}/#/conversations/${conversationId}`)
    await expect
      .poll(() => cardEvents(fresh.page, live.executionId), { timeout: SCREEN_TIMEOUT_MS })
      .toBe(`${totals.events} events`)
    expect(await cards(page)).toEqual(await cards(fresh.page))
    expect(errors).toEqual([])
  }, 120_000)
})
