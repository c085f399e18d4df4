import { loadConfig } from '../config.js'

/** Options of an event emitter. Every field defaults to the process configuration (README.md). */
export interface EmitterOptions {
  /** @default REDIS_URL */
  readonly redisUrl: string
  /** Prefix of our Redis keys. @default REDIS_KEY_PREFIX ('ae') */
  readonly keyPrefix: string
  /** Shards the deployment's executions are spread over; the same in every process. @default SHARD_COUNT (1) */
  readonly shardCount: number
  /** Events kept per execution in Redis for replay. @default RECENT_BUFFER_SIZE (100) */
  readonly recentBufferSize: number
  /** The recent buffer expires after this long without an event. @default RECENT_BUFFER_TTL_SECONDS (86400) */
  readonly recentBufferTtlSeconds: number
  /** The per-execution sequence counter expires after this long without an event. @default 30 days */
  readonly sequenceTtlSeconds: number
  /** Recent event ids remembered per execution so that a re-sent emit keeps its seq. @default 1000 */
  readonly stampedIdWindow: number
  /** Events held in memory while Redis is unreachable; past it the oldest are dropped. @default OUTBOX_LIMIT (10000) */
  readonly outboxLimit: number
  /** Largest serialized event accepted. @default MAX_EVENT_BYTES (1 MiB) */
  readonly maxEventBytes: number
  /** Most events sent to Redis in one round trip. @default EMIT_BATCH_SIZE (500) */
  readonly batchSize: number
  /**
   * Batches in flight at once: the next batch is stamped while the replies of the previous ones are
   * on their way; Redis runs them in the order sent. @default EMIT_PIPELINE_DEPTH (4)
   */
  readonly pipelineDepth: number
  /**
   * How long `emitAgentEvent` waits for Redis to take the event before it resolves with
   * `status: 'queued'` (the event stays in the outbox and is sent later). @default EMIT_ACK_TIMEOUT_MS (25)
   */
  readonly ackTimeoutMs: number
  /** A Redis command without a reply after this long counts as failed and is retried. @default 2000 */
  readonly commandTimeoutMs: number
  /**
   * At most this many `agent-thinking` events per second per agent (execution + agentId): one that
   * comes sooner is held until its slot and replaced by a newer one meanwhile (the latest wins; its
   * emit resolves `coalesced`). No other type is coalesced. 0 turns it off. @default THINKING_EVENTS_PER_SECOND (0)
   */
  readonly thinkingEventsPerSecond: number
  /** How long `close()` waits for the outbox to drain. @default 5000 */
  readonly closeTimeoutMs: number
}

export function resolveEmitterOptions(overrides: Partial<EmitterOptions>): EmitterOptions {
  const config = loadConfig()
  return Object.freeze({
    redisUrl: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    shardCount: config.shardCount,
    recentBufferSize: config.recentBufferSize,
    recentBufferTtlSeconds: config.recentBufferTtlSeconds,
    sequenceTtlSeconds: config.sequenceTtlSeconds,
    stampedIdWindow: 1000,
    outboxLimit: config.outboxLimit,
    maxEventBytes: config.maxEventBytes,
    batchSize: config.emitBatchSize,
    pipelineDepth: config.emitPipelineDepth,
    ackTimeoutMs: config.emitAckTimeoutMs,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    thinkingEventsPerSecond: config.thinkingEventsPerSecond,
    closeTimeoutMs: 5000,
    ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)),
  })
}
