import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { QueueState } from '../metrics/web-metrics.js'
import { shardInboxKey, shardsOf, type KeyLayout } from '../redis/keys.js'

/** Scrapes closer together than this share one reading of the queues. */
const CACHE_MS = 1000

/**
 * Reads the persistence path's depth and lag for `/metrics`, at most once a second: the shards'
 * inboxes (batches not yet moved into jobs) and their persistence queues.
 * @example const state = await readQueueState() // { waiting: 12, failed: 0, inboxEntries: 0, oldestWaitingSeconds: 0.4, ... }
 */
export function queueStateReader(
  queues: readonly Queue[],
  redis: Redis,
  layout: KeyLayout,
): () => Promise<QueueState> {
  let cached: { at: number; state: Promise<QueueState> } | undefined
  return () => {
    const now = Date.now()
    if (!cached || now - cached.at > CACHE_MS) {
      cached = { at: now, state: read(queues, redis, layout) }
      cached.state.catch(() => (cached = undefined))
    }
    return cached.state
  }
}

async function read(queues: readonly Queue[], redis: Redis, layout: KeyLayout): Promise<QueueState> {
  const [queueReadings, inboxReadings] = await Promise.all([
    Promise.all(
      queues.map(async (queue) => {
        const [counts, oldest] = await Promise.all([
          queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
          queue.getJobs(['waiting'], 0, 0, true),
        ])
        return { counts, oldestAt: oldest[0]?.timestamp }
      }),
    ),
    Promise.all(
      shardsOf(layout).map(async (shard) => {
        const key = shardInboxKey(layout.keyPrefix, shard)
        const [length, first] = await Promise.all([redis.xlen(key), redis.xrange(key, '-', '+', 'COUNT', 1)])
        const firstId = first[0]?.[0]
        return { length, oldestAt: firstId === undefined ? undefined : Number(firstId.split('-')[0]) }
      }),
    ),
  ])
  const total = (state: 'waiting' | 'active' | 'delayed' | 'failed'): number =>
    queueReadings.reduce((sum, reading) => sum + (reading.counts[state] ?? 0), 0)
  const oldestAt = [...queueReadings, ...inboxReadings]
    .map((reading) => reading.oldestAt)
    .filter((at): at is number => at !== undefined)
  const now = Date.now()
  return {
    waiting: total('waiting'),
    active: total('active'),
    delayed: total('delayed'),
    failed: total('failed'),
    inboxEntries: inboxReadings.reduce((sum, reading) => sum + reading.length, 0),
    oldestWaitingSeconds: oldestAt.length === 0 ? 0 : Math.max(now - Math.min(...oldestAt), 0) / 1000,
  }
}
