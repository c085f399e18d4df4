import type { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { parseConfig, type Config } from '../../src/config.js'
import type { EmitterOptions } from '../../src/emitter/emitter-options.js'
import { openPersistenceQueues, type PersistJobData } from '../../src/queue/persistence-queue.js'
import type { KeyLayout } from '../../src/redis/keys.js'
import { EventStore } from '../../src/store/event-store.js'
import { PersistenceWorker } from '../../workers/persistence-worker.js'
import { databaseUrl, uniqueName } from './names.js'

export { databaseUrl, uniqueName } from './names.js'

/** Names that isolate one test's emitter, queue and workers from every other test's. */
export interface DurableNames {
  readonly redisUrl: string
  readonly mongoUri: string
  readonly queueName: string
  readonly keyPrefix: string
}

export function durableNames(redisUrl: string, mongoUrl: string): DurableNames {
  return {
    redisUrl,
    mongoUri: databaseUrl(mongoUrl),
    queueName: uniqueName('queue'),
    keyPrefix: uniqueName('ae'),
  }
}

export function emitterOptions(
  names: DurableNames,
  overrides: Partial<EmitterOptions> = {},
): Partial<EmitterOptions> {
  return { redisUrl: names.redisUrl, keyPrefix: names.keyPrefix, ...overrides }
}

/** The environment of a producer or worker child process for these names. */
export function processEnv(names: DurableNames, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: names.redisUrl,
    MONGODB_URI: names.mongoUri,
    QUEUE_NAME: names.queueName,
    REDIS_KEY_PREFIX: names.keyPrefix,
    LOG_LEVEL: 'warn',
    ...extra,
  }
}

export function workerConfig(names: DurableNames, extra: Record<string, string> = {}): Config {
  return parseConfig(processEnv(names, extra))
}

/** An in-process persistence worker with its own store; both closed at the end of the test process. */
export async function startInProcessWorker(
  names: DurableNames,
  extra: Record<string, string> = {},
  storeOptions: { serverSelectionTimeoutMS?: number } = {},
): Promise<{ worker: PersistenceWorker; store: EventStore; close: () => Promise<void> }> {
  const store = await EventStore.open(names.mongoUri, storeOptions)
  const worker = new PersistenceWorker(store, workerConfig(names, extra))
  await worker.start()
  const close = async (): Promise<void> => {
    await worker.close()
    await store.close()
  }
  return { worker, store, close }
}

/** The key layout of these names (one shard unless a test says otherwise). */
export const layoutOf = (names: DurableNames, shardCount = 1): KeyLayout => ({
  keyPrefix: names.keyPrefix,
  shardCount,
})

/** BullMQ handles on the test's persistence queues (one per shard), to inspect jobs and dead letters. */
export function openQueues(
  names: DurableNames,
  shardCount = 1,
): { queues: Queue<PersistJobData>[]; close: () => Promise<void> } {
  const connection = new Redis(names.redisUrl, { maxRetriesPerRequest: null })
  const queues = openPersistenceQueues(connection, layoutOf(names, shardCount), names.queueName)
  const close = async (): Promise<void> => {
    await Promise.all(queues.map((queue) => queue.close()))
    connection.disconnect()
  }
  return { queues, close }
}
