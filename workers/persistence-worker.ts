import { UnrecoverableError, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { Config } from '../src/config.js'
import type { StampedAgentEvent } from '../src/events/schemas.js'
import { validateAgentEvent } from '../src/events/validate.js'
import { getLogger } from '../src/logger.js'
import { workerMetrics } from '../src/metrics/worker-metrics.js'
import type { PersistJobData } from '../src/queue/persistence-queue.js'
import type { EventStore, PersistOutcome } from '../src/store/event-store.js'
import { BatchCoalescer } from './batch-coalescer.js'

export type PersistenceWorkerOptions = Pick<
  Config,
  | 'redisUrl'
  | 'queueName'
  | 'workerConcurrency'
  | 'workerBatchSize'
  | 'workerBatchLingerMs'
  | 'workerLockDurationMs'
  | 'workerStalledIntervalMs'
  | 'workerMaxStalledCount'
>

/** Told of the events each batch stored (newly or already: redeliveries count), before their jobs complete. */
export interface PersistedEventsListener {
  onPersisted(events: readonly StampedAgentEvent[]): Promise<void>
}

const log = getLogger('persistence-worker')

/**
 * Consumes the `agent-events` queue and writes events to MongoDB in batches. Delivery is
 * at-least-once (BullMQ redelivers after a crash or a stall); the store makes the effect exactly
 * once. Transient failures are retried by BullMQ with exponential backoff; an event the store
 * refuses fails at once, and a failed job stays in the failed set: the dead-letter queue.
 */
export class PersistenceWorker {
  private readonly worker: Worker<PersistJobData>
  private readonly connection: Redis
  private readonly coalescer: BatchCoalescer<StampedAgentEvent, PersistOutcome>
  private closing: Promise<void> | undefined

  constructor(
    private readonly store: EventStore,
    options: PersistenceWorkerOptions,
    private readonly persisted?: PersistedEventsListener,
  ) {
    this.coalescer = new BatchCoalescer((events) => this.persistBatch(events), {
      maxBatchSize: Math.min(options.workerBatchSize, options.workerConcurrency),
      lingerMs: options.workerBatchLingerMs,
    })
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null })
    this.connection.on('error', (error) => log.warn({ err: error }, 'redis error'))
    this.worker = new Worker<PersistJobData>(options.queueName, (job) => this.process(job), {
      connection: this.connection,
      concurrency: options.workerConcurrency,
      lockDuration: options.workerLockDurationMs,
      stalledInterval: options.workerStalledIntervalMs,
      maxStalledCount: options.workerMaxStalledCount,
      autorun: false,
    })
    this.worker.on('error', (error) => log.warn({ err: error }, 'worker error'))
    this.worker.on('failed', (job, error) => {
      const final =
        !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError
      const fields = { jobId: job?.id, attempt: job?.attemptsMade, reason: error.message }
      if (final) {
        workerMetrics().deadLettered.inc()
        log.error(fields, 'event dead-lettered')
      } else {
        log.debug(fields, 'event persistence failed; will retry')
      }
    })
  }

  /** Starts consuming; resolves once the worker is connected. */
  async start(): Promise<void> {
    void this.worker.run().catch((error: unknown) => log.error({ err: error }, 'worker stopped'))
    await this.worker.waitUntilReady()
  }

  /** Whether the worker's Redis connection is up (readiness). */
  async ping(): Promise<void> {
    await this.connection.ping()
  }

  /** Finishes the jobs in flight, then stops. Idempotent. */
  close(): Promise<void> {
    // BullMQ leaves a connection it was given open.
    this.closing ??= this.worker.close().then(() =>
      this.connection.quit().then(
        () => undefined,
        () => this.connection.disconnect(),
      ),
    )
    return this.closing
  }

  private async persistBatch(events: StampedAgentEvent[]): Promise<PersistOutcome[]> {
    const metrics = workerMetrics()
    const endTimer = metrics.batchSeconds.startTimer()
    try {
      const outcomes = await this.store.persistBatch(events)
      await this.persisted?.onPersisted(events.filter((_, index) => outcomes[index]?.status !== 'rejected'))
      metrics.batchSize.observe(events.length)
      for (const outcome of outcomes) metrics.persisted.inc({ outcome: outcome.status })
      return outcomes
    } catch (error) {
      metrics.batchFailures.inc()
      log.warn({ err: error, events: events.length }, 'batch write failed; its jobs will be retried')
      throw error
    } finally {
      endTimer()
    }
  }

  private async process(job: Job<PersistJobData>): Promise<PersistOutcome['status']> {
    const validated = validateAgentEvent(job.data)
    if (!validated.ok) throw new UnrecoverableError(`${validated.error.code}: ${validated.error.message}`)
    const { id, seq } = validated.event
    if (id === undefined || seq === undefined)
      throw new UnrecoverableError('invalid_event: the job carries an unstamped event')
    const outcome = await this.coalescer.submit({ ...validated.event, id, seq })
    if (outcome.status === 'rejected')
      throw new UnrecoverableError(`${outcome.error.code}: ${outcome.error.message}`)
    return outcome.status
  }
}
