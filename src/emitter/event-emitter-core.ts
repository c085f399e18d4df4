import { EventEmitter } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { AgentEventsError, isAgentEventsError } from '../errors.js'
import type { AgentEvent, AgentEventInput, AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import { exceedsJsonBytes } from '../events/json-size.js'
import { validateAgentEvent } from '../events/validate.js'
import { getLogger } from '../logger.js'
import { EventStamper } from '../redis/event-stamper.js'
import { checkShardCount } from '../redis/shard-count-check.js'
import { emitterMetrics } from '../metrics/emitter-metrics.js'
import { resolveEmitterOptions, type EmitterOptions } from './emitter-options.js'
import { LocalListeners, type AgentEventListener } from './local-listeners.js'
import { Outbox, OutboxEntry } from './outbox.js'
import { sendPipelined } from './pipelined-sending.js'
import { prepareEvent } from './prepare-event.js'
import { ThinkingCoalescer } from './thinking-coalescer.js'

/** What became of one `emitAgentEvent` call. It never throws. */
export type EmitResult =
  /** Published live, buffered and recorded for persistence, in one atomic step, with its seq. */
  | { readonly status: 'sent'; readonly event: StampedAgentEvent }
  /** Accepted into the outbox; it is sent, in order, as soon as Redis takes it. */
  | { readonly status: 'queued'; readonly event: AgentEvent & { readonly id: string } }
  /** Accepted, then dropped from a full outbox during a Redis outage. */
  | { readonly status: 'dropped'; readonly event: AgentEvent & { readonly id: string } }
  /** An agent-thinking event replaced by a later one of its agent before it was sent (`thinkingEventsPerSecond`). */
  | { readonly status: 'coalesced'; readonly event: AgentEvent & { readonly id: string } }
  /** Refused: invalid, too large, or emitted after close(). */
  | { readonly status: 'rejected'; readonly error: AgentEventsError }

export type { AgentEventListener } from './local-listeners.js'

export interface EmitterStats {
  accepted: number
  rejected: number
  sent: number
  dropped: number
  coalesced: number
}

interface EmitterEvents {
  error: [AgentEventsError]
}

const MAX_RETRY_DELAY_MS = 2000
const log = getLogger('emitter')

/**
 * Validates, stamps and sends agent events: one round trip per batch of events emitted in the same
 * tick, to the emit-step script that stamps, publishes and records them for persistence atomically;
 * up to `pipelineDepth` batches are in flight at once. Emission never breaks the agent: failures are
 * values (`EmitResult`), reported on the `error` event and in the log.
 */
export class EventEmitterCore extends EventEmitter<EmitterEvents> {
  readonly options: EmitterOptions
  readonly stats: EmitterStats = { accepted: 0, rejected: 0, sent: 0, dropped: 0, coalesced: 0 }
  private readonly outbox: Outbox
  private readonly thinking: ThinkingCoalescer | undefined
  private readonly localListeners = new LocalListeners()
  private connection: { redis: Redis; stamper: EventStamper } | undefined
  /** Whether this connection's shard count was checked against the deployment's since it last became ready. */
  private layoutChecked = false
  private initializing: Promise<void> | undefined
  private closing: Promise<void> | undefined
  private flushing = false
  private flushScheduled = false
  private consecutiveFailures = 0
  private idleWaiters: (() => void)[] = []
  private lastDropLog = 0

  constructor(options: Partial<EmitterOptions> = {}) {
    super()
    this.options = resolveEmitterOptions(options)
    this.outbox = new Outbox(this.options.outboxLimit)
    this.thinking =
      this.options.thinkingEventsPerSecond > 0
        ? new ThinkingCoalescer(this.options.thinkingEventsPerSecond, (entry) => this.enqueue(entry))
        : undefined
  }

  /**
   * Connects to Redis (`redisUrl`, else the emitter's option, else REDIS_URL). Resolves once Redis
   * answers or its first connection attempt fails; events emitted meanwhile wait in the outbox.
   * @example await getEventEmitter().initialize('redis://localhost:6379')
   */
  initialize(redisUrl?: string): Promise<void> {
    this.initializing ??= this.connect(redisUrl ?? this.options.redisUrl)
    return this.initializing
  }

  /**
   * Listens to every valid event emitted by this process, of one type or all (`'*'`). The event has
   * its `id`; its `seq` is on the `EmitResult`. Returns the function that unsubscribes.
   * @example const off = emitter.subscribe('agent-start', (e) => console.log(e.agentName))
   */
  subscribe<T extends AgentEventType>(
    type: T,
    listener: AgentEventListener<Extract<AgentEvent, { type: T }>>,
  ): () => void
  subscribe(type: '*', listener: AgentEventListener): () => void
  subscribe(type: AgentEventType | '*', listener: AgentEventListener<never>): () => void {
    return this.localListeners.add(type, listener as AgentEventListener)
  }

  /**
   * Validates and stamps an event, then publishes it live and queues it for persistence. Resolves
   * within `ackTimeoutMs` whatever the state of Redis; never throws.
   * @example await emitter.emitAgentEvent({ type: 'department-start', executionId: 'exec-1', department: 'story' })
   */
  async emitAgentEvent(input: AgentEventInput): Promise<EmitResult> {
    if (this.closing)
      return this.reject(new AgentEventsError('closed', 'emitAgentEvent was called after close()'))
    if (exceedsJsonBytes(input, this.options.maxEventBytes)) {
      const limit = `the limit is ${this.options.maxEventBytes} bytes (MAX_EVENT_BYTES)`
      return this.reject(new AgentEventsError('event_too_large', `The event is larger than ${limit}`))
    }
    const validated = validateAgentEvent(input)
    if (!validated.ok) return this.reject(validated.error)
    const prepared = prepareEvent(validated.event, this.options)
    if (!prepared.ok) return this.reject(prepared.error)

    const entry = new OutboxEntry(prepared.prepared)
    const event = entry.prepared.event
    this.stats.accepted += 1
    emitterMetrics().emitted.inc({ type: event.type })
    this.localListeners.notify(event)
    const admission = this.thinking?.admit(entry) ?? 'send'
    if (admission !== 'send') {
      if ((await admission) === 'superseded') {
        this.stats.coalesced += 1
        emitterMetrics().coalesced.inc()
        return { status: 'coalesced', event }
      }
    } else {
      this.enqueue(entry)
    }
    if (!this.isRedisReady() || this.options.ackTimeoutMs === 0) return { status: 'queued', event }
    const timeout = delay(this.options.ackTimeoutMs, 'timeout' as const, { ref: false })
    const outcome = await Promise.race([entry.sent, timeout])
    if (outcome === 'timeout') return { status: 'queued', event }
    return outcome ? { status: 'sent', event: outcome } : { status: 'dropped', event }
  }

  /** Resolves true once every accepted event is in Redis, false if that takes longer than `timeoutMs`. */
  async flush(timeoutMs = this.options.closeTimeoutMs): Promise<boolean> {
    this.thinking?.releaseAll()
    if (this.isIdle()) return true
    const idle = new Promise<true>((resolve) => this.idleWaiters.push(() => resolve(true)))
    return Promise.race([idle, delay(timeoutMs, false, { ref: false })])
  }

  /** Number of events accepted but not yet in Redis. */
  get pending(): number {
    return this.outbox.size
  }

  /** Flushes the outbox (bounded by `closeTimeoutMs`), then closes the connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    const drained = this.connection ? await this.flush() : this.outbox.size === 0
    if (!drained) log.error({ lost: this.outbox.size }, 'closing with events still in the outbox')
    if (!this.connection) return
    const { redis } = this.connection
    await redis.quit().catch(() => redis.disconnect())
  }

  private async connect(redisUrl: string): Promise<void> {
    const redis = new Redis(redisUrl, {
      enableOfflineQueue: false,
      commandTimeout: this.options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, MAX_RETRY_DELAY_MS),
    })
    this.connection = { redis, stamper: new EventStamper(redis, this.options) }
    let lastErrorLog = 0
    redis.on('error', (error) => {
      if (Date.now() - lastErrorLog > 1000) log.warn({ err: error, pending: this.outbox.size }, 'redis error')
      lastErrorLog = Date.now()
    })
    redis.on('close', () => (this.layoutChecked = false))
    const checked = new Promise<void>((resolve) => {
      redis.on('ready', () => void this.checkLayout(redis).finally(resolve))
      redis.once('error', () => resolve())
    })
    await checked
  }

  /** Checks the shard count on every (re)connection before anything is sent, then flushes. */
  private async checkLayout(redis: Redis): Promise<void> {
    try {
      await checkShardCount(redis, this.options)
      this.layoutChecked = true
      this.scheduleFlush()
    } catch (error) {
      if (!isAgentEventsError(error)) return void log.warn({ err: error }, 'shard count check failed')
      log.error({ code: error.code }, error.message)
      this.report(error)
    }
  }

  private enqueue(entry: OutboxEntry): void {
    const dropped = this.outbox.push(entry)
    if (dropped) this.drop(dropped)
    emitterMetrics().outbox.set(this.outbox.size)
    this.scheduleFlush()
  }

  private isRedisReady(): boolean {
    return this.connection?.redis.status === 'ready' && this.layoutChecked
  }

  private isIdle(): boolean {
    return this.outbox.size === 0 && !this.flushing
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      void this.flushLoop()
    })
  }

  private async flushLoop(): Promise<void> {
    if (this.flushing) return
    this.flushing = true
    try {
      const failed = await sendPipelined({
        take: () => (this.outbox.size > 0 ? this.outbox.take(this.options.batchSize) : undefined),
        canSend: () => this.isRedisReady(),
        depth: this.options.pipelineDepth,
        send: (batch) => this.send(batch),
      })
      if (failed) {
        for (const dropped of this.outbox.restore(failed.batches.flat())) this.drop(dropped)
        await this.backOff(failed.error)
      } else {
        this.consecutiveFailures = 0
      }
    } finally {
      this.flushing = false
    }
    if (this.isIdle()) for (const wake of this.idleWaiters.splice(0)) wake()
    else if (this.isRedisReady()) this.scheduleFlush()
  }

  private async send(batch: readonly OutboxEntry[]): Promise<void> {
    const connection = this.connection
    if (!connection) throw new AgentEventsError('not_initialized')
    const seqs = await connection.stamper.stamp(batch.map((entry) => entry.prepared))
    batch.forEach((entry, index) => entry.markSent(seqs[index] ?? 0))
    this.stats.sent += batch.length
    emitterMetrics().published.inc(batch.length)
    emitterMetrics().outbox.set(this.outbox.size)
  }

  private async backOff(error: unknown): Promise<void> {
    this.consecutiveFailures += 1
    if (this.consecutiveFailures === 1 || this.consecutiveFailures % 20 === 0) {
      log.warn(
        { err: error, pending: this.outbox.size, failures: this.consecutiveFailures },
        'sending to redis failed',
      )
    }
    // A disconnected client calls scheduleFlush on `ready`; only a connected one that failed waits here.
    if (!this.isRedisReady()) return
    await delay(Math.min(25 * 2 ** this.consecutiveFailures, MAX_RETRY_DELAY_MS))
  }

  private drop(entry: OutboxEntry): void {
    entry.markDropped()
    this.stats.dropped += 1
    emitterMetrics().dropped.inc()
    const now = Date.now()
    if (now - this.lastDropLog > 1000) {
      this.lastDropLog = now
      log.error(
        { dropped: this.stats.dropped, limit: this.options.outboxLimit },
        'outbox full: dropped the oldest events',
      )
    }
    this.report(
      new AgentEventsError('outbox_overflow', `Dropped event ${entry.prepared.id}: the outbox is full`),
    )
  }

  private reject(error: AgentEventsError): EmitResult {
    this.stats.rejected += 1
    emitterMetrics().rejected.inc({ reason: error.code })
    log.warn({ code: error.code, details: error.details }, error.message)
    this.report(error)
    return { status: 'rejected', error }
  }

  private report(error: AgentEventsError): void {
    // An `error` event with no listener would throw in the agent's process.
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }
}
