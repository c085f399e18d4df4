import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq'
import { Redis } from 'ioredis'
import type { Config } from '../src/config.js'
import type { AgentEventsError } from '../src/errors.js'
import { parseRecordedEvent, type RecordedEvent } from '../src/events/recorded-event.js'
import type { StampedAgentEvent } from '../src/events/schemas.js'
import { getLogger } from '../src/logger.js'
import { workerMetrics } from '../src/metrics/worker-metrics.js'
import {
  DEAD_LETTER_JOB_NAME,
  deadLetterJobOptions,
  openPersistenceQueues,
  type PersistJobData,
} from '../src/queue/persistence-queue.js'
import { ExecutionLease } from '../src/redis/execution-lease.js'
import { shardInboxKey } from '../src/redis/keys.js'
import { isRedisOutage } from '../src/redis/redis-errors.js'
import { checkShardCount } from '../src/redis/shard-count-check.js'
import type { EventStore, PersistOutcome } from '../src/store/event-store.js'
import { isStoreOutage } from '../src/store/store-errors.js'
import { BatchCoalescer } from './batch-coalescer.js'
import { InboxPump } from './inbox-pump.js'
import { OutageWaiter, OutageWaitAbortedError } from './outage-waiter.js'

export type PersistenceWorkerOptions = Pick<
  Config,
  | 'redisUrl'
  | 'redisKeyPrefix'
  | 'shardCount'
  | 'queueName'
  | 'persistAttempts'
  | 'persistBackoffMs'
  | 'workerConcurrency'
  | 'workerBatchSize'
  | 'workerBatchLingerMs'
  | 'workerLockDurationMs'
  | 'workerStalledIntervalMs'
  | 'workerMaxStalledCount'
  | 'workerSummaryLeaseMs'
  | 'storeProbeIntervalMs'
  | 'pumpJobEvents'
  | 'pumpLingerMs'
  | 'pumpClaimIdleMs'
>

/** Told of every batch the worker stored, before its jobs complete (the OpenTelemetry exporter). */
export interface PersistedEventsListener {
  onPersisted(events: readonly StampedAgentEvent[]): Promise<void>
}

export interface PersistenceWorkerParts {
  /** What the worker does: move inboxes into the queues, persist the queues' jobs, or both. @default both */
  readonly roles?: { readonly pump: boolean; readonly persist: boolean }
  /** Told of every stored batch (duplicates included) before its jobs complete. */
  readonly persisted?: PersistedEventsListener
}

/** An event a job carried that will not be stored: refused by the store, or unusable. */
interface Refusal {
  readonly json: string
  readonly eventId: string
  readonly error: AgentEventsError
}

const log = getLogger('persistence-worker')

/**
 * A persistence worker: for every shard, a pump that moves the shard's inbox into its persistence
 * queue, and a BullMQ worker that writes the queue's jobs to MongoDB. Jobs of one process share a
 * group commit (one write at a time; what arrives meanwhile forms the next). Delivery is
 * at-least-once (BullMQ redelivers after a crash or a stall) into an idempotent store. An outage of
 * the store or Redis is waited out without spending attempts; an event the store refuses is
 * dead-lettered alone and the rest of its job is stored.
 */
export class PersistenceWorker {
  private readonly connection: Redis
  private readonly queues: Queue<PersistJobData>[]
  private readonly workers: Worker<PersistJobData>[] = []
  private readonly pumps: { pump: InboxPump; reader: Redis }[] = []
  private readonly coalescer: BatchCoalescer<RecordedEvent, PersistOutcome>
  private readonly waiter: OutageWaiter
  private readonly lease: ExecutionLease
  private closing: Promise<void> | undefined

  constructor(
    private readonly store: EventStore,
    private readonly options: PersistenceWorkerOptions,
    private readonly parts: PersistenceWorkerParts = {},
  ) {
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null })
    this.connection.on('error', (error) => log.warn({ err: error }, 'redis error'))
    const layout = { keyPrefix: options.redisKeyPrefix, shardCount: options.shardCount }
    this.queues = openPersistenceQueues(this.connection, layout, options.queueName)
    this.lease = new ExecutionLease(this.connection, layout, { ttlMs: options.workerSummaryLeaseMs })
    this.waiter = new OutageWaiter({
      probe: async () => void (await Promise.all([store.ping(), this.connection.ping()])),
      probeIntervalMs: options.storeProbeIntervalMs,
      isOutage: (error) => isStoreOutage(error) || isRedisOutage(error),
    })
    this.coalescer = new BatchCoalescer((records) => this.waiter.run(() => this.write(records)), {
      maxBatchSize: options.workerBatchSize,
      lingerMs: options.workerBatchLingerMs,
    })
  }

  /** Checks the shard layout, then starts the pumps and the queue workers. */
  async start(): Promise<void> {
    await checkShardCount(this.connection, {
      keyPrefix: this.options.redisKeyPrefix,
      shardCount: this.options.shardCount,
    })
    const roles = this.parts.roles ?? { pump: true, persist: true }
    if (roles.pump) await Promise.all(this.queues.map((queue, shard) => this.startPump(queue, shard)))
    if (roles.persist) await Promise.all(this.queues.map((queue) => this.startWorker(queue)))
  }

  /** Whether the worker's Redis connection is up (readiness). */
  async ping(): Promise<void> {
    await this.connection.ping()
  }

  /** Whether a write is waiting for the store or Redis to come back. */
  get waitingForOutage(): boolean {
    return this.waiter.waiting
  }

  /** Stops the pumps, finishes the jobs in flight, then disconnects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.waiter.close()
      await Promise.all(this.pumps.map(({ pump }) => pump.close()))
      await Promise.all(this.workers.map((worker) => worker.close()))
      await Promise.all(this.queues.map((queue) => queue.close()))
      for (const client of [this.connection, ...this.pumps.map(({ reader }) => reader)]) {
        await client.quit().catch(() => client.disconnect())
      }
    })()
    return this.closing
  }

  private async startPump(queue: Queue<PersistJobData>, shard: number): Promise<void> {
    const reader = new Redis(this.options.redisUrl, { maxRetriesPerRequest: 1 })
    reader.on('error', (error) => log.debug({ err: error }, 'pump redis error'))
    const pump = new InboxPump(reader, shardInboxKey(this.options.redisKeyPrefix, shard), queue, {
      consumer: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      jobEvents: this.options.pumpJobEvents,
      lingerMs: this.options.pumpLingerMs,
      claimIdleMs: this.options.pumpClaimIdleMs,
      attempts: this.options.persistAttempts,
      backoffMs: this.options.persistBackoffMs,
    })
    this.pumps.push({ pump, reader })
    await pump.start()
  }

  private async startWorker(queue: Queue<PersistJobData>): Promise<void> {
    const worker = new Worker<PersistJobData>(queue.name, (job, token) => this.process(job, queue, token), {
      connection: this.connection,
      prefix: queue.opts.prefix,
      concurrency: this.options.workerConcurrency,
      lockDuration: this.options.workerLockDurationMs,
      stalledInterval: this.options.workerStalledIntervalMs,
      maxStalledCount: this.options.workerMaxStalledCount,
      autorun: false,
    })
    worker.on('error', (error) => log.warn({ err: error }, 'worker error'))
    worker.on('failed', (job, error) => {
      const final =
        !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError
      const fields = { jobId: job?.id, events: job?.data.events.length, attempt: job?.attemptsMade }
      if (final) {
        workerMetrics().deadLettered.inc(job?.data.events.length ?? 1)
        log.error({ ...fields, reason: error.message }, 'events dead-lettered')
      } else {
        log.warn({ ...fields, reason: error.message }, 'persistence failed; will retry')
      }
    })
    this.workers.push(worker)
    void worker.run().catch((error: unknown) => log.error({ err: error }, 'worker stopped'))
    await worker.waitUntilReady()
  }

  private async write(records: RecordedEvent[]): Promise<PersistOutcome[]> {
    const metrics = workerMetrics()
    const endTimer = metrics.batchSeconds.startTimer()
    try {
      const outcomes = await this.store.persistRecorded(records, {
        exclusively: (executionId, update) => this.lease.exclusively(executionId, update),
      })
      const persisted = records.filter((_, index) => outcomes[index]?.status !== 'rejected')
      await this.parts.persisted?.onPersisted(persisted.map((record) => record.event))
      metrics.batchSize.observe(records.length)
      for (const outcome of outcomes) metrics.persisted.inc({ outcome: outcome.status })
      return outcomes
    } catch (error) {
      metrics.batchFailures.inc()
      throw error
    } finally {
      endTimer()
    }
  }

  private async process(
    job: Job<PersistJobData>,
    queue: Queue<PersistJobData>,
    token?: string,
  ): Promise<number> {
    const events: unknown = job.data.events
    if (!Array.isArray(events) || events.some((json) => typeof json !== 'string'))
      throw new UnrecoverableError('invalid_event: the job carries no list of recorded events')
    const parsed = (events as string[]).map((json) => ({ json, result: parseRecordedEvent(json) }))
    const records = parsed.flatMap(({ result }) => (result.ok ? [result.record] : []))
    let outcomes: PersistOutcome[]
    try {
      outcomes = await Promise.all(records.map((record) => this.coalescer.submit(record)))
    } catch (error) {
      if (!(error instanceof OutageWaitAbortedError) || token === undefined) throw error
      // Stopping during an outage: back to the queue, no attempt spent.
      await job.moveToDelayed(Date.now(), token)
      throw new DelayedError()
    }
    const refusals: Refusal[] = parsed.flatMap(({ json, result }, index) =>
      result.ok ? [] : [{ json, eventId: `${job.id ?? 'job'}-${index}`, error: result.error }],
    )
    outcomes.forEach((outcome, index) => {
      const record = records[index]
      if (outcome.status === 'rejected' && record)
        refusals.push({ json: record.json, eventId: record.event.id, error: outcome.error })
    })
    const [first] = refusals
    if (!first) return records.length
    if (parsed.length === 1 || job.name === DEAD_LETTER_JOB_NAME)
      throw new UnrecoverableError(`${first.error.code}: ${first.error.message}`)
    for (const refusal of refusals) {
      await queue.add(DEAD_LETTER_JOB_NAME, { events: [refusal.json] }, deadLetterJobOptions(refusal.eventId))
    }
    log.warn(
      { jobId: job.id, refused: refusals.length },
      'events refused by the store were dead-lettered alone',
    )
    return records.length - refusals.length
  }
}
