import type { EmitResult } from '../../../src/emitter/event-emitter-core.js'
import { getEventEmitter } from '../../../src/index.js'
import {
  isProducerCommand,
  type AcknowledgedEvent,
  type ProducerCommand,
  type ProducerReport,
} from './producer-protocol.js'

/**
 * A producer process for the fault-injection suite: on `start` it emits agent-thinking events at a
 * steady rate (EVENTS_PER_SECOND, round robin over the comma-separated EXECUTION_IDS), each carrying
 * its own counter `n` (per execution, from 1); on `stop` it flushes and reports which events were
 * acknowledged. Emits are never awaited one by one: a Redis outage must not slow the schedule, as it
 * would not slow an agent.
 */
const executionIds = (process.env.EXECUTION_IDS ?? 'exec').split(',')
const eventsPerSecond = Number(process.env.EVENTS_PER_SECOND ?? 200)
const FLUSH_TIMEOUT_MS = 30_000
const TICK_MS = 10

const emitter = getEventEmitter()
await emitter.initialize()

/** Resolves on the first IPC command of this type. */
const command = (type: ProducerCommand['type']): Promise<void> =>
  new Promise((resolve) => {
    const listener = (message: unknown): void => {
      if (!isProducerCommand(message) || message.type !== type) return
      process.off('message', listener)
      resolve()
    }
    process.on('message', listener)
  })

const started = command('start')
process.send?.({ type: 'ready' })
await started

const counters = new Map(executionIds.map((executionId) => [executionId, 0]))
const statuses: Record<string, number> = {}
const sent: AcknowledgedEvent[] = []
const queued: AcknowledgedEvent[] = []
const inFlight = new Set<Promise<void>>()
let emitted = 0

function record(result: EmitResult, executionId: string, n: number): void {
  statuses[result.status] = (statuses[result.status] ?? 0) + 1
  if (result.status === 'sent') sent.push({ id: result.event.id, executionId, n, seq: result.event.seq })
  else if (result.status === 'queued') queued.push({ id: result.event.id, executionId, n })
}

function emitOne(): void {
  const executionId = executionIds[emitted % executionIds.length] ?? 'exec'
  emitted += 1
  const n = (counters.get(executionId) ?? 0) + 1
  counters.set(executionId, n)
  const emitting = emitter
    .emitAgentEvent({
      type: 'agent-thinking',
      executionId,
      agentId: 'sequenced-producer',
      currentStep: `step ${n}`,
      n,
    })
    .then((result) => record(result, executionId, n))
  inFlight.add(emitting)
  void emitting.finally(() => inFlight.delete(emitting))
}

const startedAt = performance.now()
const schedule = setInterval(() => {
  const due = Math.floor(((performance.now() - startedAt) * eventsPerSecond) / 1000)
  while (emitted < due) emitOne()
}, TICK_MS)

await command('stop')
clearInterval(schedule)
await Promise.all(inFlight)
const flushed = await emitter.flush(FLUSH_TIMEOUT_MS)
const dropped = emitter.stats.dropped
const report: ProducerReport = {
  type: 'report',
  accepted: emitter.stats.accepted,
  statuses,
  flushed,
  dropped,
  acknowledged: flushed && dropped === 0 ? [...sent, ...queued] : sent,
}
process.send?.(report, () => {
  void emitter.close().then(() => process.disconnect?.())
})
