import { describe, expect, inject, it, onTestFinished } from 'vitest'
import type { AgentEventInput } from '../../src/events/schemas.js'
import { browserForFile, saveScreenshot } from '../support/browser.js'
import { buildDashboard } from '../support/dashboard-build.js'
import { expectState, expectText, runSnapshot, SCREEN_TIMEOUT_MS, textOf } from '../support/dashboard-page.js'
import { eventually } from '../support/eventually.js'
import { startTcpProxy } from '../support/tcp-proxy.js'
import { uniqueName } from '../support/names.js'
import {
  emitInOrder,
  orchestrationEvents,
  orchestrationTotals,
  scriptedOrchestration,
} from '../support/scripted-orchestration.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter } from '../support/web-node-stack.js'

/**
 * Replay in the dashboard, over the server's `replay` and the client's `replayExecution`.
 */
const browser = browserForFile()
const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
/** How late the node's answers reach the page behind the delaying proxy: far longer than a key press. */
const ANSWER_DELAY_MS = 500

/** The events with timestamps one second apart, ending a minute ago: a 1x replay lasts as long. */
function spacedOneSecondApart(events: readonly AgentEventInput[]): AgentEventInput[] {
  const start = Date.now() - 60_000 - events.length * 1000
  return events.map((event, index) => ({ ...event, timestamp: new Date(start + index * 1000).toISOString() }))
}

async function storedRunStack(recentBufferSize: number) {
  const stack = names()
  const web = await startWebProcess(stack, { DASHBOARD_DIR: await buildDashboard() })
  await startWorkerProcess(stack)
  const emitter = await startTestEmitter(stack, { recentBufferSize })
  const plan = scriptedOrchestration(uniqueName('exec'), uniqueName('conv'))
  return { web, emitter, plan, events: spacedOneSecondApart(orchestrationEvents(plan)) }
}

async function waitUntilStored(url: string, executionId: string, eventCount: number): Promise<void> {
  await eventually(
    async () => {
      const body = (await (await fetch(`${url}/api/executions/${executionId}`)).json()) as {
        execution?: { eventCount: number }
      }
      return body.execution?.eventCount === eventCount
    },
    { what: `${executionId} to be stored` },
  )
}

describe('replay in the dashboard', () => {
  it('replays a finished run older than the recent buffer at full speed into the same state as the live view', async () => {
    const { web, emitter, plan, events } = await storedRunStack(5)
    const totals = orchestrationTotals(plan)
    await emitInOrder(emitter, events)
    await waitUntilStored(web.url, plan.executionId, totals.events)
    const live = await browser.open(`${web.url}/#/runs/${plan.executionId}`)
    await expectText(live.page, 'run-event-count', String(totals.events))

    const { page, errors } = await browser.open(`${web.url}/#/runs/${plan.executionId}/replay`)
    await page.getByTestId('replay-speed-max').click()

    await expectText(page, 'replay-phase', 'ended')
    await expectText(page, 'run-event-count', String(totals.events))
    expect(await runSnapshot(page)).toEqual(await runSnapshot(live.page))
    await saveScreenshot(page, 'replay-ended')
    expect(errors).toEqual([])
  }, 120_000)

  it('pauses, seeks back and forth over the seqs, and resumes to the end', async () => {
    const { web, emitter, plan, events } = await storedRunStack(100)
    const totals = orchestrationTotals(plan)
    await emitInOrder(emitter, events)
    await waitUntilStored(web.url, plan.executionId, totals.events)

    const { page, errors } = await browser.open(`${web.url}/#/runs/${plan.executionId}/replay`)
    await expect
      .poll(async () => Number(await textOf(page, 'run-event-count')), { timeout: SCREEN_TIMEOUT_MS })
      .toBeGreaterThan(0)
    await page.getByTestId('replay-toggle').click()
    await expectText(page, 'replay-phase', 'paused')
    const paused = Number(await textOf(page, 'run-event-count'))
    expect(paused).toBeLessThan(totals.events)

    const slider = page.getByTestId('replay-seek')
    await slider.focus()
    await page.keyboard.press('Home')
    await expectText(page, 'run-event-count', '0')
    for (let step = 0; step < 5; step++) await page.keyboard.press('ArrowRight')
    await expectText(page, 'run-event-count', '5')
    await expectText(page, 'replay-position', `seq 5 / ${totals.events}`)
    await expectState(page, 'agent-story-head', 'running')

    await page.getByTestId('replay-speed-max').click()
    await page.getByTestId('replay-toggle').click()
    await expectText(page, 'replay-phase', 'ended')
    await expectText(page, 'run-event-count', String(totals.events))
    await expectState(page, 'run-state', 'completed')

    // A finished replay can still be sought: it plays again from there, paused.
    await slider.focus()
    await page.keyboard.press('Home')
    await expectText(page, 'replay-phase', 'paused')
    await expectText(page, 'run-event-count', '0')
    expect(errors).toEqual([])
  }, 120_000)

  it('seeks one seq per key press when the node answers each seek only after the next press', async () => {
    const { web, emitter, plan, events } = await storedRunStack(100)
    const totals = orchestrationTotals(plan)
    await emitInOrder(emitter, events)
    await waitUntilStored(web.url, plan.executionId, totals.events)
    const proxy = await startTcpProxy(web.port, { downstreamDelayMs: ANSWER_DELAY_MS })
    onTestFinished(() => proxy.close())

    const { page, errors } = await browser.open(`${proxy.url}/#/runs/${plan.executionId}/replay`)
    await expect
      .poll(async () => Number(await textOf(page, 'run-event-count')), { timeout: SCREEN_TIMEOUT_MS })
      .toBeGreaterThan(0)
    await page.getByTestId('replay-toggle').click()
    await expectText(page, 'replay-phase', 'paused')
    const slider = page.getByTestId('replay-seek')
    await slider.focus()
    await page.keyboard.press('Home')
    await expectText(page, 'run-event-count', '0')

    // Five presses within the delay: each seek's events and answer arrive after the presses that follow it.
    for (let step = 0; step < 5; step++) await page.keyboard.press('ArrowRight')
    expect(await slider.inputValue()).toBe('5')
    await expectText(page, 'run-event-count', '5')
    await expectText(page, 'replay-position', `seq 5 / ${totals.events}`)
    expect(await slider.inputValue()).toBe('5')
    expect(errors).toEqual([])
  }, 120_000)

  it('replays a running run to its last event, then follows it live', async () => {
    const { web, emitter, plan, events } = await storedRunStack(100)
    const totals = orchestrationTotals(plan)
    const half = Math.floor(events.length / 2)
    await emitInOrder(emitter, events.slice(0, half))

    const { page, errors } = await browser.open(`${web.url}/#/runs/${plan.executionId}/replay`)
    await page.getByTestId('replay-speed-max').click()
    await expectText(page, 'replay-phase', 'following')
    await expectText(page, 'run-event-count', String(half))
    await emitInOrder(emitter, events.slice(half))

    await expectText(page, 'run-event-count', String(totals.events))
    await expectState(page, 'run-state', 'completed')

    // A seek leaves the live view for the replay, which held the events up to `half`: two seqs on.
    await page.getByTestId('replay-seek').focus()
    for (let step = 0; step < 2; step++) await page.keyboard.press('ArrowRight')
    await expectText(page, 'replay-phase', 'paused')
    await expectText(page, 'run-event-count', String(half + 2))
    expect(errors).toEqual([])
  }, 120_000)
})
