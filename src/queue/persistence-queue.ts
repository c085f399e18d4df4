import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import { shardQueuePrefix, shardsOf, type KeyLayout } from '../redis/keys.js'

/**
 * The persistence queues: one BullMQ queue per shard (its keys in the shard's slot), whose jobs each
 * carry a batch of stamped events moved there from the shard's inbox by a pump.
 */

/** A job of a pump: the events of one or more inbox entries. */
export const PERSIST_JOB_NAME = 'persist-events'
/** A job holding one event the store refused, alone, so that the rest of its batch is stored: a dead letter. */
export const DEAD_LETTER_JOB_NAME = 'dead-letter'

export interface PersistJobData {
  /** The stamped events, each as the exact JSON text the emit step recorded. */
  readonly events: readonly string[]
}

/**
 * The job id of the inbox entries starting at `firstEntryId` (a stream id, unique in its shard): a
 * move that runs twice adds nothing while the first job exists. BullMQ refuses purely numeric ids.
 */
export const batchJobId = (firstEntryId: string): string => `batch-${firstEntryId}`

/** The job id of the dead letter of an event: an event is dead-lettered at most once at a time. */
export const deadLetterJobId = (eventId: string): string => `dead-${eventId}`

export interface PersistJobPolicy {
  /** Attempts of a job that fails for a reason other than an outage (which is waited out). */
  readonly attempts: number
  /** First retry delay, doubled on every attempt. */
  readonly backoffMs: number
}

/**
 * Retries back off exponentially; a job that exhausts its attempts, or whose event the store refuses,
 * stays in the queue's failed set, which is the dead-letter queue (see `workers/dead-letters.ts`).
 */
export function persistJobOptions(jobId: string, policy: PersistJobPolicy): JobsOptions {
  return {
    jobId,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: true,
    removeOnFail: false,
  }
}

/** Dead letters are not retried: the store refused their event; a re-drive gives them fresh attempts. */
export const deadLetterJobOptions = (eventId: string): JobsOptions => ({
  jobId: deadLetterJobId(eventId),
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: false,
})

/** The persistence queue of one shard. */
export function openPersistenceQueue(
  connection: Redis,
  layout: KeyLayout,
  queueName: string,
  shard: number,
): Queue<PersistJobData> {
  return new Queue<PersistJobData>(queueName, {
    connection,
    prefix: shardQueuePrefix(layout.keyPrefix, shard),
  })
}

/**
 * The persistence queues of every shard, in shard order.
 * @example const queues = openPersistenceQueues(redis, { keyPrefix: 'ae', shardCount: 1 }, 'agent-events')
 */
export function openPersistenceQueues(
  connection: Redis,
  layout: KeyLayout,
  queueName: string,
): Queue<PersistJobData>[] {
  return shardsOf(layout).map((shard) => openPersistenceQueue(connection, layout, queueName, shard))
}
