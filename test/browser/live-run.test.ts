import { describe, expect, inject, it } from 'vitest'
import { browserForFile, saveScreenshot } from '../support/browser.js'
import { buildDashboard } from '../support/dashboard-build.js'
import { attributeOf, expectState, expectText, SCREEN_TIMEOUT_MS, textOf } from '../support/dashboard-page.js'
import { eventually } from '../support/eventually.js'
import { uniqueName } from '../support/names.js'
import {
  emitInOrder,
  orchestrationEvents,
  orchestrationTotals,
  scriptedOrchestration,
} from '../support/scripted-orchestration.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter } from '../support/web-node-stack.js'

const browser = browserForFile()
const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const formatted = (value: number): string => new Intl.NumberFormat('en-US').format(value)

describe('the run view, live', () => {
  it('shows the orchestration as it runs: tree, live states, progress, current step, counts; then the finished run', async () => {
    const stack = names()
    const web = await startWebProcess(stack, { DASHBOARD_DIR: await buildDashboard() })
    await startWorkerProcess(stack)
    const emitter = await startTestEmitter(stack)
    const plan = scriptedOrchestration(uniqueName('exec'), uniqueName('conv'))
    const events = orchestrationEvents(plan)
    const totals = orchestrationTotals(plan)
    const { page, errors, failedResponses } = await browser.open(`${web.url}/#/runs/${plan.executionId}`)
    await expectState(page, 'link-state', 'live')

    // Up to the first tool call of the second department.
    const split = events.findIndex((e) => e.type === 'tool-call' && e.agentId === 'character-head') + 1
    await emitInOrder(emitter, events.slice(0, split))

    await expectText(page, 'run-event-count', String(split))
    await expectState(page, 'run-state', 'running')
    await expectState(page, 'department-story', 'completed')
    await expectState(page, 'department-character', 'running')
    expect(await page.getByTestId('department-dialogue').count()).toBe(0)
    await expectState(page, 'agent-story-head', 'completed')
    await expectState(page, 'agent-character-head', 'running')
    expect(await attributeOf(page, 'agent-progress-character-head', 'data-value')).toBe('33')
    expect(await attributeOf(page, 'agent-progress-story-head', 'data-value')).toBe('100')
    expect(await textOf(page, 'agent-step-character-head')).toBe('character step 1 of 2')
    expect(await textOf(page, 'agent-tool-count-story-head')).toBe('3 tool calls')
    expect(await textOf(page, 'agent-tool-count-character-head')).toBe('1 tool call')
    const openCall = page.locator('[data-testid^="tool-character-head#"]')
    expect(await openCall.getAttribute('data-state')).toBe('running')
    expect(await textOf(page, 'department-review-status-story')).toBe('approved')
    expect(await textOf(page, 'run-tokens')).toBe(formatted(1600))
    expect(await page.locator('[data-testid^="timeline-bar-"]').count()).toBe(1 + 1 + 3 + 1 + 1 + 1)
    await saveScreenshot(page, 'run-view-running')

    await emitInOrder(emitter, events.slice(split))

    await expectText(page, 'run-event-count', String(totals.events))
    await expectState(page, 'run-state', 'completed')
    for (const d of plan.departments) {
      await expectState(page, `department-${d.department}`, 'completed')
      expect(await attributeOf(page, `agent-${d.agentId}`, 'data-state')).toBe('completed')
      expect(await attributeOf(page, `agent-progress-${d.agentId}`, 'data-value')).toBe('100')
      expect(await textOf(page, `department-review-status-${d.department}`)).toBe(d.review)
      expect(await textOf(page, `department-tokens-${d.department}`)).toBe(formatted(d.tokens.total))
      expect(await textOf(page, `agent-quality-${d.agentId}`)).toBe(`quality ${d.score.toFixed(1)}`)
      expect(await textOf(page, `department-quality-${d.department}`)).toBe(
        `${d.score.toFixed(1)} ${d.passed ? 'passed' : 'failed'}`,
      )
    }
    expect(await textOf(page, 'run-tokens')).toBe(formatted(totals.tokens.total))
    expect(await textOf(page, 'run-quality')).toBe(totals.qualityAverage.toFixed(1))
    expect(await textOf(page, 'run-agent-count')).toBe(String(plan.departments.length))
    expect(await page.locator('[data-testid^="tool-"][data-state="completed"]').count()).toBe(
      totals.toolCalls,
    )
    expect(await page.locator('[data-testid^="timeline-bar-"]').count()).toBe(
      plan.departments.length * 2 + totals.toolCalls,
    )
    expect(await textOf(page, 'log-count')).toBe(`${totals.events} of ${totals.events} events`)
    expect(await page.locator('[data-testid="log-rows"] tr').count()).toBe(totals.events)
    await saveScreenshot(page, 'run-view')

    await page.getByTestId('log-type-tool-call').click()
    await expectText(page, 'log-count', `${totals.toolCalls} of ${totals.events} events`)
    await page.getByTestId('log-department').selectOption('story')
    await expectText(page, 'log-count', '3 of 44 events')
    expect(await page.locator('[data-testid="log-rows"] tr[data-type="tool-call"]').count()).toBe(3)
    expect(errors).toEqual([])
    // Its summary, asked for when the page opened, before any event of the run was stored.
    expect(failedResponses).toEqual([`404 /api/executions/${plan.executionId}`])
  })

  it('shows a finished run whole when opened afterwards, its older events read from the store', async () => {
    const stack = names()
    const web = await startWebProcess(stack, {
      DASHBOARD_DIR: await buildDashboard(),
      REPLAY_WAIT_MS: '5000',
    })
    await startWorkerProcess(stack)
    const emitter = await startTestEmitter(stack, { recentBufferSize: 5 })
    const plan = scriptedOrchestration(uniqueName('exec'), uniqueName('conv'))
    const totals = orchestrationTotals(plan)
    await emitInOrder(emitter, orchestrationEvents(plan))
    await eventually(
      async () => {
        const answer = await fetch(`${web.url}/api/executions/${plan.executionId}`)
        const body = (await answer.json()) as { execution?: { eventCount: number } }
        return body.execution?.eventCount === totals.events
      },
      { what: 'the worker to store the whole run' },
    )

    const { page, errors, failedResponses } = await browser.open(`${web.url}/#/runs/${plan.executionId}`)

    await expectText(page, 'run-event-count', String(totals.events))
    await expectState(page, 'link-state', 'live')
    expect(await page.getByTestId('missing-range').count()).toBe(0)
    expect(await textOf(page, 'run-quality')).toBe(totals.qualityAverage.toFixed(1))
    expect(await page.locator('[data-testid="log-rows"] tr').count()).toBe(totals.events)
    expect(await textOf(page, 'run-conversation-link')).toBe(`conversation ${plan.conversationId}`)
    expect(errors).toEqual([])
    expect(failedResponses).toEqual([])
  })

  it('shows a range the node could not replay, then fills it from the stored history once it is there', async () => {
    const stack = names()
    const web = await startWebProcess(stack, { DASHBOARD_DIR: await buildDashboard(), REPLAY_WAIT_MS: '200' })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 5 })
    const plan = scriptedOrchestration(uniqueName('exec'), uniqueName('conv'))
    const totals = orchestrationTotals(plan)
    // No worker yet: the store has none of it, the recent buffer only the last 5 events.
    await emitInOrder(emitter, orchestrationEvents(plan))
    const missing = `${totals.events - 5}`

    const { page, errors } = await browser.open(`${web.url}/#/runs/${plan.executionId}`)

    await expectText(page, 'run-event-count', '5')
    await expect
      .poll(() => textOf(page, 'missing-range'), { timeout: SCREEN_TIMEOUT_MS })
      .toContain(`Events 1–${missing} could not be replayed by the node.`)
    await expectText(page, 'gaps', `Missing now: 1–${missing}`)
    await startWorkerProcess(stack)
    await expect
      .poll(() => textOf(page, 'missing-range'), { timeout: SCREEN_TIMEOUT_MS })
      .toContain(`All ${missing} were recovered from the stored history.`)
    await expectText(page, 'run-event-count', String(totals.events))
    expect(await page.getByTestId('gaps').count()).toBe(0)
    expect(await textOf(page, 'run-quality')).toBe(totals.qualityAverage.toFixed(1))
    expect(errors).toEqual([])
  })
})
