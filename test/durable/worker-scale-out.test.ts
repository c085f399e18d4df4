import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { EventStore } from '../../src/store/event-store.js'
import { durableNames, emitterOptions, uniqueName } from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'
import { sampleValue } from '../support/prometheus-text.js'
import { startWorkerProcess } from '../support/stack-processes.js'

const WORKERS = 4
const BURSTS = 40
const PER_BURST = 100

/** The contribution of the i-th event: alternately an agent-complete with tokens and a score, and a quality check. */
function expectedTotals(count: number) {
  const totals = { input: 0, output: 0, qualityCount: 0, qualitySum: 0, passed: 0, failed: 0 }
  const scores: number[] = []
  for (let i = 0; i < count; i += 1) {
    const score = i % 2 === 0 ? (i % 10) / 10 : (i % 4) / 4
    scores.push(score)
    totals.qualityCount += 1
    totals.qualitySum += score
    if (i % 2 === 0) {
      totals.input += i % 7
      totals.output += i % 5
    } else if (i % 3 === 0) {
      totals.passed += 1
    } else {
      totals.failed += 1
    }
  }
  return { ...totals, min: Math.min(...scores), max: Math.max(...scores) }
}

describe('four workers persisting one execution at once', () => {
  it('share its jobs and keep its summary exact', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const workers = await Promise.all(
      Array.from({ length: WORKERS }, () =>
        startWorkerProcess(names, { WORKER_METRICS_PORT: '0', PUMP_LINGER_MS: '0' }),
      ),
    )
    const store = await EventStore.open(names.mongoUri)
    onTestFinished(() => store.close())
    const emitter = new AgentEventEmitter(emitterOptions(names))
    onTestFinished(() => emitter.close())
    await emitter.initialize()
    const executionId = uniqueName('exec')

    let i = 0
    for (let burst = 0; burst < BURSTS; burst += 1) {
      await Promise.all(
        Array.from({ length: PER_BURST }, () => {
          const n = i++
          return n % 2 === 0
            ? emitter.emitAgentComplete(
                executionId,
                `agent-${n % 3}`,
                'Agent',
                'story',
                'ok',
                (n % 10) / 10,
                5,
                {
                  input: n % 7,
                  output: n % 5,
                  total: (n % 7) + (n % 5),
                },
              )
            : emitter.emitQualityCheck(executionId, (n % 4) / 4, n % 3 === 0, `agent-${n % 3}`, 'story')
        }),
      )
    }
    expect(await emitter.flush()).toBe(true)
    const total = BURSTS * PER_BURST

    const summary = await eventually(
      async () => {
        const current = await store.getExecution(executionId)
        return current?.eventCount === total ? current : undefined
      },
      { timeoutMs: 60_000, what: `${total} events counted` },
    )
    const expected = expectedTotals(total)
    expect(summary.lastSeq).toBe(total)
    expect(summary.tokenUsage).toEqual({
      input: expected.input,
      output: expected.output,
      total: expected.input + expected.output,
    })
    expect(summary.quality).toMatchObject({
      count: expected.qualityCount,
      passed: expected.passed,
      failed: expected.failed,
      min: expected.min,
      max: expected.max,
    })
    expect(summary.quality.sum).toBeCloseTo(expected.qualitySum, 6)
    expect(await store.countExecutionEvents(executionId)).toBe(total)

    const persistedBy = await Promise.all(
      workers.map(async ({ metricsUrl }) => {
        const text = await (await fetch(`${metricsUrl}/metrics`)).text()
        return sampleValue(text, 'agent_events_persisted_total', { outcome: 'stored' }) ?? 0
      }),
    )
    expect(persistedBy.reduce((sum, stored) => sum + stored, 0)).toBe(total)
    expect(persistedBy.filter((stored) => stored > 0).length).toBeGreaterThanOrEqual(2)
  }, 120_000)
})
