import type { Queue } from 'bullmq'
import type { QueueState } from '../metrics/web-metrics.js'

/** Scrapes closer together than this share one reading of the queue. */
const CACHE_MS = 1000

/**
 * Reads the persistence queue's depth and lag for `/metrics`, at most once a second.
 * @example const state = await readQueueState() // { waiting: 12, failed: 0, oldestWaitingSeconds: 0.4, ... }
 */
export function queueStateReader(queue: Queue): () => Promise<QueueState> {
  let cached: { at: number; state: Promise<QueueState> } | undefined
  return () => {
    const now = Date.now()
    if (!cached || now - cached.at > CACHE_MS) {
      cached = { at: now, state: read(queue) }
      cached.state.catch(() => (cached = undefined))
    }
    return cached.state
  }
}

async function read(queue: Queue): Promise<QueueState> {
  const [counts, oldest] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    queue.getJobs(['waiting'], 0, 0, true),
  ])
  const enqueuedAt = oldest[0]?.timestamp
  return {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    oldestWaitingSeconds: enqueuedAt === undefined ? 0 : Math.max(Date.now() - enqueuedAt, 0) / 1000,
  }
}
