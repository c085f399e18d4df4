import mongoose from 'mongoose'
import { EventStore } from '../src/store/event-store.js'
import { EVENTS_COLLECTION, eventDocumentOf, type EventDocument } from '../src/store/models.js'
import { startTsProcess, type NodeProcess } from '../test/support/child-process.js'
import { flushed, withEmitter, type BenchContext } from './emit-cases.js'
import { pollUntil, secondsSince } from './measure.js'
import { databaseUri, type CaseNamespace } from './namespaces.js'
import { agentEvents, stampEvents } from './workload.js'

/** The concurrency the persistence worker runs with in (d). */
export const WORKER_CONCURRENCY = 500
/** Documents per `insertMany` in (e), the worker's largest batch. */
export const INSERT_BATCH_SIZE = 500

const POLL_INTERVAL_MS = 50
const WORKER_READY_TIMEOUT_MS = 60_000

/**
 * (d) Emit to stored: N events emitted as in (a), timed until MongoDB holds all N and the
 * execution's summary counts all N. One persistence worker (`workers/main.ts`) runs in its own
 * process, as deployed, started and connected before the clock starts.
 */
export async function emitToStored(context: BenchContext, namespace: CaseNamespace): Promise<number> {
  const mongoUri = databaseUri(context.mongoUrl, namespace.dbName)
  const events = agentEvents(namespace.executionId, namespace.conversationId, context.events)
  const store = await EventStore.open(mongoUri)
  let worker: NodeProcess | undefined
  try {
    worker = await startWorker(context.redisUrl, mongoUri, namespace.queueName)
    return await withEmitter(context, namespace, async (emitter) => {
      const start = performance.now()
      await Promise.all(events.map((event) => emitter.emitAgentEvent(event)))
      await flushed(emitter)
      // The summary is a lookup by _id; counting scans on some backends, so it is asked last.
      await pollUntil(
        `${events.length} events stored and counted in the summary`,
        async () =>
          (await store.getExecution(namespace.executionId))?.eventCount === events.length &&
          (await store.countExecutionEvents(namespace.executionId)) === events.length,
        POLL_INTERVAL_MS,
        60_000 + events.length * 20,
      )
      return secondsSince(start)
    })
  } finally {
    await stopWorker(worker)
    await store.close()
  }
}

/**
 * (e) The floor for (d): the documents the worker would write, inserted with `insertMany`
 * (`ordered: false`) in batches of {@link INSERT_BATCH_SIZE}, one batch after the other, into a
 * fresh collection with the events collection's indexes.
 */
export async function rawInsertMany(context: BenchContext, namespace: CaseNamespace): Promise<number> {
  const storedAt = new Date()
  const documents = stampEvents(
    agentEvents(namespace.executionId, namespace.conversationId, context.events),
  ).map((event) => eventDocumentOf(event, storedAt))
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
    const start = performance.now()
    for (let offset = 0; offset < documents.length; offset += INSERT_BATCH_SIZE) {
      await collection.insertMany(documents.slice(offset, offset + INSERT_BATCH_SIZE), { ordered: false })
    }
    const seconds = secondsSince(start)
    const stored = await collection.countDocuments({ executionId: namespace.executionId })
    if (stored !== documents.length)
      throw new Error(`insertMany stored ${stored} of ${documents.length} documents`)
    return seconds
  } finally {
    await connection.close()
  }
}

async function startWorker(redisUrl: string, mongoUri: string, queueName: string): Promise<NodeProcess> {
  const worker = startTsProcess('workers/main.ts', {
    env: {
      REDIS_URL: redisUrl,
      MONGODB_URI: mongoUri,
      QUEUE_NAME: queueName,
      WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
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

async function stopWorker(worker: NodeProcess | undefined): Promise<void> {
  if (worker === undefined) return
  const code = await worker.kill('SIGTERM')
  // Shown rather than thrown: the measurement is already verified, and a throw here would hide its error.
  const logged = worker.output().trim()
  if (code !== 0 || logged !== '')
    console.warn(`persistence worker exited with code ${code}; its log:\n${logged}`)
}

function isReadyMessage(message: unknown): message is { type: 'ready' } {
  return typeof message === 'object' && message !== null && 'type' in message && message.type === 'ready'
}
