import mongoose from 'mongoose'
import { cpuSecondsOf } from './fanout/process-cpu.js'
import { loadConfig } from '../src/config.js'
import { EventStore } from '../src/store/event-store.js'
import { EVENTS_COLLECTION, eventDocumentOf, type EventDocument } from '../src/store/models.js'
import { startTsProcess, type NodeProcess } from '../test/support/child-process.js'
import { flushed, withEmitter, type BenchContext } from './emit-cases.js'
import { pollUntil, secondsSince } from './measure.js'
import { databaseUri, type CaseNamespace } from './namespaces.js'
import { executionIdsOf, spreadEvents, stampEvents } from './workload.js'

/** Documents per `insertMany` in (e): the worker's largest write (WORKER_BATCH_SIZE). */
export const INSERT_BATCH_SIZE = loadConfig().workerBatchSize

/** A persistence run: wall-clock seconds, and CPU seconds of the workers (or inserter) and of the store. */
export interface PersistenceRun {
  readonly seconds: number
  readonly workerCpuSeconds: number | undefined
  readonly storeCpuSeconds: number | undefined
}

const POLL_INTERVAL_MS = 50
const WORKER_READY_TIMEOUT_MS = 60_000

/**
 * (c) Emit to stored: N events emitted as in (a), timed until MongoDB holds all N and every
 * execution's summary counts all of its events. `workers` persistence workers (`workers/main.ts`)
 * run in their own processes, as deployed, started and connected before the clock starts.
 */
export async function emitToStored(
  context: BenchContext,
  namespace: CaseNamespace,
  workers: number,
  storePid: number | undefined,
): Promise<PersistenceRun> {
  const mongoUri = databaseUri(context.mongoUrl, namespace.dbName)
  const executionIds = executionIdsOf(namespace.executionId)
  const events = spreadEvents(executionIds, namespace.conversationId, context.events)
  const store = await EventStore.open(mongoUri)
  const processes: NodeProcess[] = []
  try {
    for (let i = 0; i < workers; i += 1)
      processes.push(await startWorker(context.redisUrl, mongoUri, namespace))
    const pids = processes.map((child) => child.pid)
    return await withEmitter(context, namespace, async (emitter) => {
      const cpuBefore = { workers: cpuSecondsOf(pids), store: cpuOf(storePid) }
      const start = performance.now()
      await Promise.all(events.map((event) => emitter.emitAgentEvent(event)))
      await flushed(emitter)
      await pollUntil(
        `${events.length} events stored and counted in the summaries`,
        async () => {
          const summaries = await Promise.all(executionIds.map((id) => store.getExecution(id)))
          return summaries.every(
            (summary, index) => summary?.eventCount === countOf(index, events.length, executionIds.length),
          )
        },
        POLL_INTERVAL_MS,
        60_000 + events.length * 20,
      )
      const run = {
        seconds: secondsSince(start),
        workerCpuSeconds: difference(cpuSecondsOf(pids), cpuBefore.workers),
        storeCpuSeconds: difference(cpuOf(storePid), cpuBefore.store),
      }
      // Verified after the readings: counting scans the collection on some stores.
      const counted = await Promise.all(executionIds.map((id) => store.countExecutionEvents(id)))
      if (counted.reduce((sum, count) => sum + count, 0) !== events.length)
        throw new Error(`stored ${counted.join('+')} documents for ${events.length} events`)
      return run
    })
  } finally {
    for (const child of processes) await stopWorker(child)
    await store.close()
  }
}

/**
 * (e) The floor for (c): the documents the workers write, inserted with `insertMany` (`ordered:
 * false`) in batches of {@link INSERT_BATCH_SIZE}, one batch after the other, into a fresh collection
 * with the events collection's indexes.
 */
export async function rawInsertMany(
  context: BenchContext,
  namespace: CaseNamespace,
  storePid: number | undefined,
): Promise<PersistenceRun> {
  const documents = storedDocuments(namespace, context.events)
  return withEventsCollection(context, namespace, async (collection) => {
    const cpuBefore = { inserter: processCpuSeconds(), store: cpuOf(storePid) }
    const start = performance.now()
    for (let offset = 0; offset < documents.length; offset += INSERT_BATCH_SIZE) {
      await collection.insertMany(documents.slice(offset, offset + INSERT_BATCH_SIZE), { ordered: false })
    }
    const seconds = secondsSince(start)
    const stored = await collection.countDocuments()
    if (stored !== documents.length)
      throw new Error(`insertMany stored ${stored} of ${documents.length} documents`)
    return {
      seconds,
      workerCpuSeconds: processCpuSeconds() - cpuBefore.inserter,
      storeCpuSeconds: difference(cpuOf(storePid), cpuBefore.store),
    }
  })
}

/** The documents the workers store for `count` events of the case, as the store builds them. */
export function storedDocuments(namespace: CaseNamespace, count: number): EventDocument[] {
  const storedAt = new Date()
  return stampEvents(
    spreadEvents(executionIdsOf(namespace.executionId), namespace.conversationId, count),
  ).map((event) => eventDocumentOf({ event, json: JSON.stringify(event) }, storedAt))
}

/** Runs `use` with the case's events collection, created fresh with the store's indexes. */
export async function withEventsCollection<T>(
  context: BenchContext,
  namespace: CaseNamespace,
  use: (collection: mongoose.mongo.Collection<EventDocument>) => Promise<T>,
): Promise<T> {
  const connection = mongoose.createConnection(databaseUri(context.mongoUrl, namespace.dbName), {
    serverSelectionTimeoutMS: 10_000,
  })
  try {
    await connection.asPromise()
    const collection = connection
      .getClient()
      .db(namespace.dbName)
      .collection<EventDocument>(EVENTS_COLLECTION)
    await collection.createIndexes([
      { key: { executionId: 1, seq: 1 } },
      { key: { conversationId: 1, timestamp: 1 } },
    ])
    return await use(collection)
  } finally {
    await connection.close()
  }
}

/** Starts a worker process for the case's names; resolves once it serves. */
export async function startWorker(
  redisUrl: string,
  mongoUri: string,
  namespace: CaseNamespace,
): Promise<NodeProcess> {
  const worker = startTsProcess('workers/main.ts', {
    env: {
      REDIS_URL: redisUrl,
      MONGODB_URI: mongoUri,
      QUEUE_NAME: namespace.queueName,
      REDIS_KEY_PREFIX: namespace.keyPrefix,
      LOG_LEVEL: 'warn',
    },
  })
  try {
    await worker.waitForMessage(isReadyMessage, WORKER_READY_TIMEOUT_MS)
    return worker
  } catch (error) {
    await worker.kill('SIGKILL')
    throw error
  }
}

/** Stops a worker with SIGTERM; what it logged is shown (not thrown: the measurement is already made). */
export async function stopWorker(worker: NodeProcess): Promise<void> {
  const code = await worker.kill('SIGTERM')
  const logged = worker.output().trim()
  if (code !== 0 || logged !== '')
    console.warn(`persistence worker exited with code ${code}; its log:\n${logged}`)
}

/** CPU seconds this process has used so far. */
export function processCpuSeconds(): number {
  const used = process.cpuUsage()
  return (used.user + used.system) / 1e6
}

export const cpuOf = (pid: number | undefined): number | undefined =>
  pid === undefined ? undefined : cpuSecondsOf([pid])

export const difference = (after: number | undefined, before: number | undefined): number | undefined =>
  after === undefined || before === undefined ? undefined : after - before

/** Events of the index-th of `executions` executions when `total` are spread round robin over them. */
function countOf(index: number, total: number, executions: number): number {
  return Math.floor(total / executions) + (index < total % executions ? 1 : 0)
}

function isReadyMessage(message: unknown): message is { type: 'ready' } {
  return typeof message === 'object' && message !== null && 'type' in message && message.type === 'ready'
}
