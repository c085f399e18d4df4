import { describe, expect, inject, it } from 'vitest'
import { startBalancedDashboardNodes } from '../support/balanced-dashboard-nodes.js'
import { browserForFile, saveScreenshot } from '../support/browser.js'
import { expectState, expectText, runSnapshot } from '../support/dashboard-page.js'
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

/**
 * The page reaches the web nodes through a loopback TCP proxy, as a browser reaches a fleet through
 * its load balancer: when the node behind it is SIGKILLed, the test points the proxy at the other
 * node, and the page's client reconnects to the same address, now served by a live node.
 */
describe('the run view when its web node dies', () => {
  it('reconnects through the balancer to another node and recovers exactly the state of the run', async () => {
    const stack = names()
    const { first, second, proxy } = await startBalancedDashboardNodes(stack)
    await startWorkerProcess(stack)
    const emitter = await startTestEmitter(stack)
    const plan = scriptedOrchestration(uniqueName('exec'), uniqueName('conv'))
    const events = orchestrationEvents(plan)
    const totals = orchestrationTotals(plan)
    const third = Math.floor(events.length / 3)
    const { page, errors } = await browser.open(`${proxy.url}/#/runs/${plan.executionId}`)
    await expectState(page, 'link-state', 'live')
    await emitInOrder(emitter, events.slice(0, third))
    await expectText(page, 'run-event-count', String(third))

    expect(await first.process.kill('SIGKILL')).toBe(null)
    await expectState(page, 'link-state', 'reconnecting')
    // Events of the run go on while the page has no node: it must get them when it resumes.
    await emitInOrder(emitter, events.slice(third, 2 * third))
    expect(await page.getByTestId('run-event-count').textContent()).toBe(String(third))
    proxy.retarget(second.port)

    await expectText(page, 'resume-count', 'resumed 1 time')
    await expectState(page, 'link-state', 'live')
    await expectText(page, 'run-event-count', String(2 * third))
    await emitInOrder(emitter, events.slice(2 * third))
    await expectText(page, 'run-event-count', String(totals.events))
    await expectState(page, 'run-state', 'completed')
    await saveScreenshot(page, 'run-view-after-failover')

    const seqs = Array.from({ length: totals.events }, (_, i) => totals.events - i).join(',')
    const recovered = await runSnapshot(page)
    expect(recovered['log-seqs']).toBe(seqs)
    expect(await page.getByTestId('missing-range').count()).toBe(0)
    expect(await page.getByTestId('gaps').count()).toBe(0)
    // The same run opened afresh on the surviving node: the recovered page shows exactly the same.
    const fresh = await browser.open(`${second.url}/#/runs/${plan.executionId}`)
    await expectText(fresh.page, 'run-event-count', String(totals.events))
    expect(await runSnapshot(fresh.page)).toEqual(recovered)
    expect(errors).toEqual([])
    expect(fresh.errors).toEqual([])
  }, 120_000)
})
