import { setTimeout as delay } from 'node:timers/promises'
import { cpuSecondsOf } from './fanout/process-cpu.js'
import { EventStore } from '../src/store/event-store.js'
import type { BenchContext } from './emit-cases.js'
import { withEmitter } from './emit-cases.js'
import { pollUntil } from './measure.js'
import { databaseUri, type CaseNamespace } from './namespaces.js'
import {
  cpuOf,
  difference,
  processCpuSeconds,
  startWorker,
  stopWorker,
  storedDocuments,
  withEventsCollection,
} from './persistence-cases.js'
import { executionIdsOf, spreadEvents } from './workload.js'

/** The steady rate of the cost cases, events per second, and how long they run. */
export const STEADY_RATE = 100
export const STEADY_SECONDS = 10

/** CPU seconds spent per event by what persists them (worker or inserter, and the store). */
export interface SteadyCost {
  readonly events: number
  readonly persisterCpuSeconds: number | undefined
  readonly storeCpuSeconds: number | undefined
}

const TICK_MS = 10

/**
 * (f) A producer emitting {@link STEADY_RATE} events per second for {@link STEADY_SECONDS} s, one
 * worker process persisting them: the CPU the worker and the store spend until every event is
 * stored and counted.
 */
export async function steadyEmitToStored(
  context: BenchContext,
  namespace: CaseNamespace,
  storePid: number | undefined,
): Promise<SteadyCost> {
  const mongoUri = databaseUri(context.mongoUrl, namespace.dbName)
  const executionIds = executionIdsOf(namespace.executionId)
  const events = spreadEvents(executionIds, namespace.conversationId, STEADY_RATE * STEADY_SECONDS)
  const store = await EventStore.open(mongoUri)
  const worker = await startWorker(context.redisUrl, mongoUri, namespace)
  try {
    return await withEmitter(context, namespace, async (emitter) => {
      const before = { worker: cpuSecondsOf([worker.pid]), store: cpuOf(storePid) }
      const emits: Promise<unknown>[] = []
      await paced(events.length, (index) => {
        const event = events[index]
        if (event) emits.push(emitter.emitAgentEvent(event))
      })
      await Promise.all(emits)
      await pollUntil(
        `${events.length} events stored and counted`,
        async () => {
          const summaries = await Promise.all(executionIds.map((id) => store.getExecution(id)))
          return summaries.reduce((sum, summary) => sum + (summary?.eventCount ?? 0), 0) === events.length
        },
        // Polled slowly: the polls' reads are store CPU too, counted against the case.
        250,
        60_000,
      )
      return {
        events: events.length,
        persisterCpuSeconds: difference(cpuSecondsOf([worker.pid]), before.worker),
        storeCpuSeconds: difference(cpuOf(storePid), before.store),
      }
    })
  } finally {
    await stopWorker(worker)
    await store.close()
  }
}

/**
 * (g) The floor for (f): the same documents inserted one by one with `insertOne` as they come, at the
 * same rate, by this process: the CPU the inserter and the store spend.
 */
export async function steadyRawInserts(
  context: BenchContext,
  namespace: CaseNamespace,
  storePid: number | undefined,
): Promise<SteadyCost> {
  const documents = storedDocuments(namespace, STEADY_RATE * STEADY_SECONDS)
  return withEventsCollection(context, namespace, async (collection) => {
    const before = { inserter: processCpuSeconds(), store: cpuOf(storePid) }
    const inserts: Promise<unknown>[] = []
    await paced(documents.length, (index) => {
      const document = documents[index]
      if (document) inserts.push(collection.insertOne(document))
    })
    await Promise.all(inserts)
    return {
      events: documents.length,
      persisterCpuSeconds: processCpuSeconds() - before.inserter,
      storeCpuSeconds: difference(cpuOf(storePid), before.store),
    }
  })
}

/** Calls `send(0..count-1)` at {@link STEADY_RATE} per second, on 10 ms ticks. */
async function paced(count: number, send: (index: number) => void): Promise<void> {
  const start = performance.now()
  let sent = 0
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) * STEADY_RATE) / 1000))
    while (sent < due) send(sent++)
    await delay(TICK_MS)
  }
}
