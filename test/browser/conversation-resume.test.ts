import { describe, expect, inject, it } from 'vitest'
import { startBalancedDashboardNodes } from '../support/balanced-dashboard-nodes.js'
import { browserForFile } from '../support/browser.js'
import { SCREEN_TIMEOUT_MS } from '../support/dashboard-page.js'
import { uniqueName } from '../support/names.js'
import {
  emitInOrder,
  orchestrationEvents,
  orchestrationTotals,
  scriptedOrchestration,
} from '../support/scripted-orchestration.js'
import { stackNames, startTestEmitter } from '../support/web-node-stack.js'

/**
 * Conversation resume: after a reconnection the conversation watch of `agent-events/client`
 * resubscribes with `since` per execution and the node replays what each missed. No worker runs
 * here, so the page cannot fill the hole from the stored history: only the resume can.
 */
const browser = browserForFile()
const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

describe('the conversation view across a node failure, without stored history', () => {
  it('gets every event each run missed while its node was down, per execution, from the resume', async () => {
    const stack = names()
    const { first, second, proxy } = await startBalancedDashboardNodes(stack)
    const emitter = await startTestEmitter(stack)
    const conversationId = uniqueName('conv')
    const runs = ['a', 'b'].map((suffix) =>
      scriptedOrchestration(`${uniqueName('exec')}-${suffix}`, conversationId),
    )
    const streams = runs.map((run) => orchestrationEvents(run))
    const third = Math.floor((streams[0]?.length ?? 0) / 3)
    const events = (run: number) => streams[run] ?? []
    const cardEvents = (executionId: string) =>
      page.getByTestId(`conversation-run-${executionId}`).getByTestId('card-events').textContent()
    const { page, errors } = await browser.open(`${proxy.url}/#/conversations/${conversationId}`)
    const linkState = () => page.getByTestId('conversation-link-state').getAttribute('data-state')
    await expect.poll(linkState, { timeout: SCREEN_TIMEOUT_MS }).toBe('live')
    await emitInOrder(emitter, [...events(0).slice(0, third), ...events(1).slice(0, third)])
    for (const run of runs) {
      await expect
        .poll(() => cardEvents(run.executionId), { timeout: SCREEN_TIMEOUT_MS })
        .toBe(`${third} events`)
    }

    await first.process.kill('SIGKILL')
    await expect.poll(linkState, { timeout: SCREEN_TIMEOUT_MS }).toBe('reconnecting')
    await emitInOrder(emitter, [...events(0).slice(third), ...events(1).slice(third, 2 * third)])
    proxy.retarget(second.port)
    await expect.poll(linkState, { timeout: SCREEN_TIMEOUT_MS }).toBe('live')
    await emitInOrder(emitter, events(1).slice(2 * third))

    const total = orchestrationTotals(runs[0] ?? scriptedOrchestration('x', 'y')).events
    for (const run of runs) {
      await expect
        .poll(() => cardEvents(run.executionId), { timeout: SCREEN_TIMEOUT_MS })
        .toBe(`${total} events`)
      expect(await page.getByTestId(`conversation-run-${run.executionId}`).getAttribute('data-status')).toBe(
        'completed',
      )
    }
    expect(errors).toEqual([])
  }, 120_000)
})
