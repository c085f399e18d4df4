import { Redis } from 'ioredis'
import { parseConfig } from '../src/config.js'
import { shardInboxKey, shardKeyBase } from '../src/redis/keys.js'
import { EventStore } from '../src/store/event-store.js'
import { PersistenceWorker } from '../workers/persistence-worker.js'
import { flushed, withEmitter, type BenchContext } from './emit-cases.js'
import { pollUntil } from './measure.js'
import { databaseUri, type CaseNamespace } from './namespaces.js'
import { executionIdsOf, spreadEvents } from './workload.js'

/** What events waiting for persistence cost in Redis, in bytes per event (`MEMORY USAGE` of every key). */
export interface QueuedMemory {
  readonly events: number
  /** Stamped and recorded, not yet moved by a pump: the shard's inbox. */
  readonly inboxBytesPerEvent: number
  /** Moved into persistence jobs, not yet persisted: the shard's BullMQ queue. */
  readonly queuedBytesPerEvent: number
  /** Each execution's recent buffer, id window and counter, bounded by RECENT_BUFFER_SIZE whatever waits. */
  readonly bytesPerExecution: number
}

/**
 * (h) N events emitted with no worker running, measured in the inbox; then a pump alone moves them
 * into jobs (nothing persists them), measured in the queue.
 */
export async function queuedMemory(context: BenchContext, namespace: CaseNamespace): Promise<QueuedMemory> {
  const executionIds = executionIdsOf(namespace.executionId)
  const events = spreadEvents(executionIds, namespace.conversationId, context.events)
  const redis = new Redis(context.redisUrl)
  const config = parseConfig({
    REDIS_URL: context.redisUrl,
    REDIS_KEY_PREFIX: namespace.keyPrefix,
    QUEUE_NAME: namespace.queueName,
  })
  const inbox = shardInboxKey(namespace.keyPrefix, 0)
  const queueKeys = `${shardKeyBase(namespace.keyPrefix, 0)}:${namespace.queueName}:*`
  const executionKeys = `${shardKeyBase(namespace.keyPrefix, 0)}:exec:*`
  const store = await EventStore.open(databaseUri(context.mongoUrl, namespace.dbName))
  const pump = new PersistenceWorker(store, config, { roles: { pump: true, persist: false } })
  try {
    await withEmitter(context, namespace, async (emitter) => {
      await Promise.all(events.map((event) => emitter.emitAgentEvent(event)))
      await flushed(emitter)
    })
    const inboxBytes = await memoryUsage(redis, [inbox])
    const perExecution =
      (await memoryUsage(redis, await keysMatching(redis, executionKeys))) / executionIds.length
    await pump.start()
    await pollUntil('the inbox moved into jobs', async () => (await redis.xlen(inbox)) === 0, 20, 60_000)
    const queuedBytes = await memoryUsage(redis, [inbox, ...(await keysMatching(redis, queueKeys))])
    return {
      events: events.length,
      inboxBytesPerEvent: inboxBytes / events.length,
      queuedBytesPerEvent: queuedBytes / events.length,
      bytesPerExecution: perExecution,
    }
  } finally {
    await pump.close()
    await store.close()
    redis.disconnect()
  }
}

async function keysMatching(redis: Redis, match: string): Promise<string[]> {
  const keys: string[] = []
  for await (const found of redis.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>)
    keys.push(...found)
  return keys
}

/** Sum of `MEMORY USAGE key SAMPLES 0` (every element counted) over the keys. */
async function memoryUsage(redis: Redis, keys: readonly string[]): Promise<number> {
  let bytes = 0
  for (const key of keys) bytes += Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0)
  return bytes
}
