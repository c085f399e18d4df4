import type { Job, Queue } from 'bullmq'
import type { PersistJobData } from './persistence-queue.js'

/**
 * The dead-letter queue is the failed set of the shards' persistence queues: a job lands there when
 * the store refuses its event (alone: the rest of its batch is stored), when it exhausts its attempts
 * on failures that are not outages, or when it stalls too often. BullMQ moves it there atomically,
 * so no event falls between a queue and its dead letters.
 */
export interface DeadLetter {
  /** The shard whose queue holds the job. */
  readonly shard: number
  readonly jobId: string
  /** Events the job carries (1 for an event refused by the store). */
  readonly events: number
  /** Execution, seq and type of the job's first event, when readable. */
  readonly executionId: string | undefined
  readonly seq: number | undefined
  readonly type: string | undefined
  readonly reason: string
  readonly attemptsMade: number
  readonly failedAt: Date | undefined
}

/** Dead letters of every shard, newest first within a shard, at most `limit` in all. */
export async function listDeadLetters(
  queues: readonly Queue<PersistJobData>[],
  limit = 100,
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = []
  for (const [shard, queue] of queues.entries()) {
    if (letters.length >= limit) break
    const jobs = await queue.getFailed(0, Math.max(limit - letters.length, 1) - 1)
    letters.push(...jobs.map((job) => deadLetterOf(shard, job)))
  }
  return letters
}

/** Dead-lettered jobs in every shard. */
export async function countDeadLetters(queues: readonly Queue<PersistJobData>[]): Promise<number> {
  const counts = await Promise.all(queues.map((queue) => queue.getFailedCount()))
  return counts.reduce((sum, count) => sum + count, 0)
}

/**
 * Moves dead letters (all, or those with the given job ids, in any shard) back to their queue with
 * fresh attempts; returns how many moved.
 */
export async function redriveDeadLetters(
  queues: readonly Queue<PersistJobData>[],
  jobIds?: readonly string[],
): Promise<number> {
  let redriven = 0
  for (const queue of queues) {
    const jobs = jobIds
      ? (await Promise.all(jobIds.map((id) => queue.getJob(id)))).filter((job) => job !== undefined)
      : await queue.getFailed(0, -1)
    for (const job of jobs) {
      if (!(await job.isFailed())) continue
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
      redriven += 1
    }
  }
  return redriven
}

function deadLetterOf(shard: number, job: Job<PersistJobData>): DeadLetter {
  const events = Array.isArray(job.data.events) ? job.data.events : []
  const first = firstEventOf(events)
  return {
    shard,
    jobId: job.id ?? '',
    events: events.length,
    executionId: typeof first.executionId === 'string' ? first.executionId : undefined,
    seq: typeof first.seq === 'number' ? first.seq : undefined,
    type: typeof first.type === 'string' ? first.type : undefined,
    reason: job.failedReason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn),
  }
}

function firstEventOf(events: readonly unknown[]): Record<string, unknown> {
  try {
    const parsed: unknown = typeof events[0] === 'string' ? JSON.parse(events[0]) : undefined
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}
