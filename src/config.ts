import { z } from 'zod'
import { AgentEventsError } from './errors.js'

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback)

/**
 * Every environment variable the project reads, with its default. This module is the only one that
 * reads `process.env`; README.md's configuration table mirrors it.
 */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  MONGODB_URI: z.string().min(1).default('mongodb://127.0.0.1:27017/agent_events'),
  /** Prefix of every Redis key of ours (not BullMQ's, which uses its own `bull:` prefix). */
  REDIS_KEY_PREFIX: z.string().min(1).default('ae'),
  QUEUE_NAME: z.string().min(1).default('agent-events'),
  RECENT_BUFFER_SIZE: integer(100, 1),
  RECENT_BUFFER_TTL_SECONDS: integer(86_400, 1),
  SEQUENCE_TTL_SECONDS: integer(30 * 86_400, 1),
  OUTBOX_LIMIT: integer(10_000, 1),
  MAX_EVENT_BYTES: integer(1_048_576, 1024),
  EMIT_BATCH_SIZE: integer(500, 1),
  EMIT_ACK_TIMEOUT_MS: integer(25, 0),
  REDIS_COMMAND_TIMEOUT_MS: integer(2_000, 100),
  PERSIST_ATTEMPTS: integer(8, 1),
  PERSIST_BACKOFF_MS: integer(500, 1),
  WORKER_CONCURRENCY: integer(500, 1),
  WORKER_BATCH_SIZE: integer(500, 1),
  WORKER_BATCH_LINGER_MS: integer(5, 0),
  WORKER_LOCK_DURATION_MS: integer(30_000, 1_000),
  WORKER_STALLED_INTERVAL_MS: integer(30_000, 1_000),
  WORKER_MAX_STALLED_COUNT: integer(10, 1),
})

export interface Config {
  readonly nodeEnv: 'development' | 'production' | 'test'
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  readonly redisUrl: string
  readonly mongodbUri: string
  readonly redisKeyPrefix: string
  readonly queueName: string
  readonly recentBufferSize: number
  readonly recentBufferTtlSeconds: number
  readonly sequenceTtlSeconds: number
  readonly outboxLimit: number
  readonly maxEventBytes: number
  readonly emitBatchSize: number
  readonly emitAckTimeoutMs: number
  readonly redisCommandTimeoutMs: number
  readonly persistAttempts: number
  readonly persistBackoffMs: number
  readonly workerConcurrency: number
  readonly workerBatchSize: number
  readonly workerBatchLingerMs: number
  readonly workerLockDurationMs: number
  readonly workerStalledIntervalMs: number
  readonly workerMaxStalledCount: number
}

/** Parses and validates a set of environment variables; throws `invalid_config` naming every bad one. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = environmentSchema.safeParse(present)
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }))
    const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ')
    throw new AgentEventsError('invalid_config', `Invalid configuration: ${summary}`, details)
  }
  const e = parsed.data
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    mongodbUri: e.MONGODB_URI,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    queueName: e.QUEUE_NAME,
    recentBufferSize: e.RECENT_BUFFER_SIZE,
    recentBufferTtlSeconds: e.RECENT_BUFFER_TTL_SECONDS,
    sequenceTtlSeconds: e.SEQUENCE_TTL_SECONDS,
    outboxLimit: e.OUTBOX_LIMIT,
    maxEventBytes: e.MAX_EVENT_BYTES,
    emitBatchSize: e.EMIT_BATCH_SIZE,
    emitAckTimeoutMs: e.EMIT_ACK_TIMEOUT_MS,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    persistAttempts: e.PERSIST_ATTEMPTS,
    persistBackoffMs: e.PERSIST_BACKOFF_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerBatchSize: e.WORKER_BATCH_SIZE,
    workerBatchLingerMs: e.WORKER_BATCH_LINGER_MS,
    workerLockDurationMs: e.WORKER_LOCK_DURATION_MS,
    workerStalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    workerMaxStalledCount: e.WORKER_MAX_STALLED_COUNT,
  })
}

let processConfig: Config | undefined

/** The configuration of this process, read from the environment once and then frozen. */
export function loadConfig(): Config {
  processConfig ??= parseConfig(process.env)
  return processConfig
}

/** The service URLs the environment names explicitly (the local stack starts servers for the others). */
export function explicitServiceUrls(): { redisUrl?: string; mongodbUri?: string } {
  const { REDIS_URL: redisUrl, MONGODB_URI: mongodbUri } = process.env
  return { ...(redisUrl ? { redisUrl } : {}), ...(mongodbUri ? { mongodbUri } : {}) }
}
