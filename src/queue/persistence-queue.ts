import type { JobsOptions } from 'bullmq'
import type { StampedAgentEvent } from '../events/schemas.js'

/** The BullMQ job that carries one stamped event to the persistence workers. */
export const PERSIST_JOB_NAME = 'persist-event'

export type PersistJobData = StampedAgentEvent

/**
 * The job id of an event's persistence job. Deriving it from the event id makes a re-sent `addBulk`
 * idempotent while the first job still exists; BullMQ forbids purely numeric ids, hence the prefix.
 */
export const persistJobId = (eventId: string): string => `evt_${eventId}`

export interface PersistJobPolicy {
  readonly attempts: number
  readonly backoffMs: number
}

/**
 * Retries back off exponentially; a job that exhausts its attempts stays in the queue's failed set,
 * which is the dead-letter queue (see `workers/dead-letters.ts`).
 */
export function persistJobOptions(eventId: string, policy: PersistJobPolicy): JobsOptions {
  return {
    jobId: persistJobId(eventId),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: true,
    removeOnFail: false,
  }
}
