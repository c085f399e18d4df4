import { z } from 'zod'
import { AgentEventsError } from './errors.js'

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback)
const port = z.coerce.number().int().min(0).max(65_535)
const flag = z.enum(['true', 'false']).default('false')
const optionalText = z.string().min(1).optional()
const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )

/** OTLP headers (`key=value,key2=value2`, values percent-encoded), as the OpenTelemetry specification defines them. */
const otlpHeaders = z
  .string()
  .optional()
  .transform((text, context) => {
    const headers: Record<string, string> = {}
    for (const pair of (text ?? '').split(',')) {
      if (pair.trim() === '') continue
      const separator = pair.indexOf('=')
      const key = pair.slice(0, separator).trim()
      let value: string | undefined
      try {
        value = separator > 0 ? decodeURIComponent(pair.slice(separator + 1).trim()) : undefined
      } catch {
        value = undefined
      }
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key) || value === undefined) {
        context.issues.push({
          code: 'custom',
          input: text,
          message: 'must be key=value pairs separated by commas',
        })
        return z.NEVER
      }
      headers[key] = value
    }
    return headers
  })

/**
 * Every environment variable the project reads, with its default. This module is the only one that
 * reads `process.env`; README.md's configuration table and `.env.example` mirror it.
 */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  MONGODB_URI: z.string().min(1).default('mongodb://127.0.0.1:27017/agent_events'),
  /** Prefix of every Redis key of ours, the shards' BullMQ queues included. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _, . and -')
    .default('ae'),
  QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _, . and -')
    .default('agent-events'),
  SHARD_COUNT: z.coerce.number().int().min(1).max(1024).default(1),

  // Producers (the emitter).
  RECENT_BUFFER_SIZE: integer(100, 1),
  RECENT_BUFFER_TTL_SECONDS: integer(86_400, 1),
  SEQUENCE_TTL_SECONDS: integer(30 * 86_400, 1),
  OUTBOX_LIMIT: integer(10_000, 1),
  MAX_EVENT_BYTES: integer(1_048_576, 1024),
  EMIT_BATCH_SIZE: integer(500, 1),
  EMIT_PIPELINE_DEPTH: integer(4, 1),
  EMIT_ACK_TIMEOUT_MS: integer(25, 0),
  REDIS_COMMAND_TIMEOUT_MS: integer(2_000, 100),
  THINKING_EVENTS_PER_SECOND: integer(0, 0),

  // Persistence workers.
  PERSIST_ATTEMPTS: integer(8, 1),
  PERSIST_BACKOFF_MS: integer(500, 1),
  WORKER_CONCURRENCY: integer(16, 1),
  WORKER_BATCH_SIZE: integer(5000, 1),
  WORKER_BATCH_LINGER_MS: integer(5, 0),
  WORKER_SUMMARY_LEASE_MS: integer(10_000, 100),
  STORE_PROBE_INTERVAL_MS: integer(1_000, 10),
  PUMP_JOB_EVENTS: integer(500, 1),
  PUMP_LINGER_MS: integer(500, 0),
  PUMP_CLAIM_IDLE_MS: integer(10_000, 100),
  WORKER_LOCK_DURATION_MS: integer(30_000, 1_000),
  WORKER_STALLED_INTERVAL_MS: integer(30_000, 1_000),
  WORKER_MAX_STALLED_COUNT: integer(10, 1),
  WORKER_METRICS_PORT: port.optional(),
  WORKER_SHUTDOWN_GRACE_MS: integer(30_000, 0),

  // Web nodes. PORT is accepted too (platforms set it); WS_PORT wins when both are set.
  WS_PORT: port.optional(),
  PORT: port.optional(),
  HOST: optionalText,
  HEARTBEAT_INTERVAL_MS: integer(30_000, 1),
  CLIENT_TIMEOUT_MS: integer(60_000, 1),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: integer(100, 1),
  MAX_REPLAYS_PER_CONNECTION: integer(4, 1),
  CLIENT_BUFFER_LIMIT_BYTES: integer(1_048_576, 1024),
  REPLAY_WAIT_MS: integer(2_000, 0),
  MAX_MESSAGE_BYTES: integer(65_536, 1024),
  MESSAGES_PER_SECOND: integer(50, 1),
  MESSAGE_BURST: integer(100, 1),
  RATE_LIMIT_DISCONNECT_SECONDS: integer(3, 1),
  MAX_CONNECTIONS_PER_IP: integer(256, 0),
  TRUST_PROXY: flag,
  ALLOWED_ORIGINS: commaList,
  SHUTDOWN_GRACE_MS: integer(10_000, 0),
  /** The built dashboard app a web node serves at `/`; unset: this package's `dist/dashboard/`. */
  DASHBOARD_DIR: optionalText,

  // OpenTelemetry trace export of the persistence workers (off unless an endpoint is set).
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: otlpHeaders,
  OTEL_EXPORTER_OTLP_TIMEOUT: z.coerce.number().int().min(1).optional(),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: z.coerce.number().int().min(1).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('agent-events'),
  TRACE_EXPORT_ATTEMPTS: integer(10, 1),
  TRACE_EXPORT_BACKOFF_MS: integer(1_000, 1),

  // The command-line client (`agent-events`).
  AGENT_EVENTS_URL: z.url().default('http://localhost:3001'),
  AGENT_EVENTS_TOKEN: optionalText,
  NO_COLOR: z.string().optional(),

  // Authentication of web node clients (src/auth/auth-options.ts reads these).
  AUTH_JWT_SECRET: optionalText,
  AUTH_PUBLIC_KEY_FILE: optionalText,
  AUTH_JWKS_FILE: optionalText,
  AUTH_ALGORITHMS: optionalText,
  AUTH_ISSUER: optionalText,
  AUTH_AUDIENCE: optionalText,
  AUTH_DISABLED: z.string().optional(),
})

function toConfig(e: z.output<typeof environmentSchema>) {
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    mongodbUri: e.MONGODB_URI,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    queueName: e.QUEUE_NAME,
    shardCount: e.SHARD_COUNT,
    recentBufferSize: e.RECENT_BUFFER_SIZE,
    recentBufferTtlSeconds: e.RECENT_BUFFER_TTL_SECONDS,
    sequenceTtlSeconds: e.SEQUENCE_TTL_SECONDS,
    outboxLimit: e.OUTBOX_LIMIT,
    maxEventBytes: e.MAX_EVENT_BYTES,
    emitBatchSize: e.EMIT_BATCH_SIZE,
    emitPipelineDepth: e.EMIT_PIPELINE_DEPTH,
    emitAckTimeoutMs: e.EMIT_ACK_TIMEOUT_MS,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    thinkingEventsPerSecond: e.THINKING_EVENTS_PER_SECOND,
    persistAttempts: e.PERSIST_ATTEMPTS,
    persistBackoffMs: e.PERSIST_BACKOFF_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerBatchSize: e.WORKER_BATCH_SIZE,
    workerBatchLingerMs: e.WORKER_BATCH_LINGER_MS,
    workerSummaryLeaseMs: e.WORKER_SUMMARY_LEASE_MS,
    storeProbeIntervalMs: e.STORE_PROBE_INTERVAL_MS,
    pumpJobEvents: e.PUMP_JOB_EVENTS,
    pumpLingerMs: e.PUMP_LINGER_MS,
    pumpClaimIdleMs: e.PUMP_CLAIM_IDLE_MS,
    workerLockDurationMs: e.WORKER_LOCK_DURATION_MS,
    workerStalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    workerMaxStalledCount: e.WORKER_MAX_STALLED_COUNT,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workerShutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
    web: {
      port: e.WS_PORT ?? e.PORT ?? 3001,
      host: e.HOST,
      heartbeatInterval: e.HEARTBEAT_INTERVAL_MS,
      clientTimeout: e.CLIENT_TIMEOUT_MS,
      maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxReplaysPerConnection: e.MAX_REPLAYS_PER_CONNECTION,
      clientBufferLimit: e.CLIENT_BUFFER_LIMIT_BYTES,
      replayWaitMs: e.REPLAY_WAIT_MS,
      maxMessageBytes: e.MAX_MESSAGE_BYTES,
      messagesPerSecond: e.MESSAGES_PER_SECOND,
      messageBurst: e.MESSAGE_BURST,
      rateLimitDisconnectSeconds: e.RATE_LIMIT_DISCONNECT_SECONDS,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      trustProxy: e.TRUST_PROXY === 'true',
      allowedOrigins: e.ALLOWED_ORIGINS,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      dashboardDir: e.DASHBOARD_DIR,
    },
    otel: {
      tracesEndpoint: tracesEndpointOf(e),
      headers: { ...e.OTEL_EXPORTER_OTLP_HEADERS, ...e.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
      timeoutMs: e.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? e.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000,
      serviceName: e.OTEL_SERVICE_NAME,
      exportAttempts: e.TRACE_EXPORT_ATTEMPTS,
      exportBackoffMs: e.TRACE_EXPORT_BACKOFF_MS,
    },
    cli: {
      url: e.AGENT_EVENTS_URL,
      token: e.AGENT_EVENTS_TOKEN,
      /** https://no-color.org: any value turns colours off. */
      color: e.NO_COLOR === undefined,
    },
    auth: {
      NODE_ENV: e.NODE_ENV,
      AUTH_JWT_SECRET: e.AUTH_JWT_SECRET,
      AUTH_PUBLIC_KEY_FILE: e.AUTH_PUBLIC_KEY_FILE,
      AUTH_JWKS_FILE: e.AUTH_JWKS_FILE,
      AUTH_ALGORITHMS: e.AUTH_ALGORITHMS,
      AUTH_ISSUER: e.AUTH_ISSUER,
      AUTH_AUDIENCE: e.AUTH_AUDIENCE,
      AUTH_DISABLED: e.AUTH_DISABLED,
    },
  }
}

/**
 * Where traces go: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` with
 * `v1/traces` appended (the OpenTelemetry rule); undefined (export off) when neither is set.
 */
function tracesEndpointOf(e: z.output<typeof environmentSchema>): string | undefined {
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  if (!e.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined
  return `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
}

/** The validated, frozen configuration of a process. */
export type Config = Readonly<ReturnType<typeof toConfig>>

/** Parses and validates a set of environment variables; throws `invalid_config` naming every bad one. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = environmentSchema.safeParse(present)
  if (!parsed.success) throw invalidConfig('Invalid configuration', parsed.error)
  const config = toConfig(parsed.data)
  Object.freeze(config.web)
  Object.freeze(config.auth)
  Object.freeze(config.cli)
  Object.freeze(config.otel.headers)
  Object.freeze(config.otel)
  return Object.freeze(config)
}

/**
 * The `invalid_config` error of a failed validation, naming every bad setting.
 * @example if (!parsed.success) throw invalidConfig('Invalid web node options', parsed.error)
 */
export function invalidConfig(subject: string, error: z.ZodError): AgentEventsError {
  const details = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
  const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ')
  return new AgentEventsError('invalid_config', `${subject}: ${summary}`, details)
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
