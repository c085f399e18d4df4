import type { Queue } from 'bullmq'
import type { PersistJobData } from '../src/queue/persistence-queue.js'

/**
 * The dead-letter queue is the persistence queue's failed set: a job lands there when it exhausts
 * its attempts, when the store refuses its event, or when it stalls too often. BullMQ moves it
 * there atomically, so no event falls between the queue and its dead letters.
 */
export interface DeadLetter {
  readonly jobId: string
  readonly eventId: string | undefined
  readonly executionId: string | undefined
  readonly seq: number | undefined
  readonly type: string | undefined
  readonly reason: string
  readonly attemptsMade: number
  readonly failedAt: Date | undefined
}

export async function listDeadLetters(queue: Queue<PersistJobData>, limit = 100): Promise<DeadLetter[]> {
  const jobs = await queue.getFailed(0, Math.max(limit, 1) - 1)
  return jobs.map((job) => ({
    jobId: job.id ?? '',
    eventId: job.data.id,
    executionId: job.data.executionId,
    seq: job.data.seq,
    type: job.data.type,
    reason: job.failedReason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn),
  }))
}

export function countDeadLetters(queue: Queue<PersistJobData>): Promise<number> {
  return queue.getFailedCount()
}

/** Moves dead letters (all, or those with the given job ids) back to the queue with fresh attempts. */
export async function redriveDeadLetters(
  queue: Queue<PersistJobData>,
  jobIds?: readonly string[],
): Promise<number> {
  const jobs = jobIds
    ? (await Promise.all(jobIds.map((id) => queue.getJob(id)))).filter((job) => job !== undefined)
    : await queue.getFailed(0, -1)
  let redriven = 0
  for (const job of jobs) {
    if (!(await job.isFailed())) continue
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
    redriven += 1
  }
  return redriven
}
