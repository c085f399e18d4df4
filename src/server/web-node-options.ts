import type { RequestListener } from 'node:http'
import { z } from 'zod'
import { parseAuthOptions, type AuthOptions } from '../auth/auth-options.js'
import { invalidConfig, loadConfig } from '../config.js'
import { AgentEventsError } from '../errors.js'

/** Options of {@link startWebSocketServer}; every one has a default, most from the environment. */
export interface WebNodeOptions {
  /** TCP port of the node (Socket.IO, raw WebSocket and HTTP); 0 picks a free one. @default WS_PORT, PORT, 3001 */
  readonly port?: number
  /** Interface to listen on. @default HOST, else every interface */
  readonly host?: string
  /** @default REDIS_URL */
  readonly redisUrl?: string
  /**
   * MongoDB of the persistence workers: replays of events older than the recent buffer, and the HTTP
   * API. Without it such a replay answers with the `missing` range and the API with 503. @default none
   */
  readonly mongoUri?: string
  /** Prefix of our Redis keys; must be the emitters'. @default REDIS_KEY_PREFIX ('ae') */
  readonly keyPrefix?: string
  /** Shards of the deployment; must be the emitters'. @default SHARD_COUNT (1) */
  readonly shardCount?: number
  /** The persistence queues, whose depth and lag `/metrics` reports. @default QUEUE_NAME */
  readonly queueName?: string
  /** The node pings every client this often (Socket.IO `pingInterval`, raw WebSocket pings), in ms. @default 30000 */
  readonly heartbeatInterval?: number
  /**
   * A client silent for this long is dropped, in ms (Socket.IO `pingTimeout` is this minus
   * `heartbeatInterval`, at least 1000). @default 60000
   */
  readonly clientTimeout?: number
  /** Subscriptions one connection may hold; past it `subscribe` fails with `too_many_subscriptions`. @default 100 */
  readonly maxSubscriptionsPerConnection?: number
  /** Replays one connection may run (playing or paused) at once; past it `replay` fails with `too_many_replays`. @default 4 */
  readonly maxReplaysPerConnection?: number
  /** Bytes queued for a client that does not read, past which it is dropped as `slow_consumer`. @default 1048576 */
  readonly clientBufferLimit?: number
  /** How long a replay waits for the store to catch up with the recent buffer, in ms. @default 2000 */
  readonly replayWaitMs?: number
  /** Live events held per execution while its replay is read, past which the client is dropped as `slow_consumer`. @default 10000 */
  readonly maxHeldEvents?: number
  /**
   * Largest request a client may send, in bytes: a larger one is refused with `message_too_large`
   * and the connection stays. A frame over 16 times this is cut off by the transport. @default 65536
   */
  readonly maxMessageBytes?: number
  /** Requests one connection may send per second on average; beyond, `rate_limited`. @default 50 */
  readonly messagesPerSecond?: number
  /** Requests one connection may send at once before the per-second rate applies. @default 100 */
  readonly messageBurst?: number
  /** A connection refused for its rate this many seconds in a row is disconnected. @default 3 */
  readonly rateLimitDisconnectSeconds?: number
  /** Open connections (both protocols) per client address; 0 for no limit. @default 256 */
  readonly maxConnectionsPerIp?: number
  /** Take the client address from `X-Forwarded-For` (behind a proxy you trust). @default false */
  readonly trustProxy?: boolean
  /**
   * Origins (`https://app.example.com`) whose pages may connect; `*` allows any. Requests without an
   * Origin header (not from a browser) are always allowed. @default ALLOWED_ORIGINS, else `*` outside
   * production and none in production
   */
  readonly allowedOrigins?: readonly string[]
  /** Client authentication. @default from the AUTH_* variables (see README); production refuses to start without */
  readonly auth?: AuthOptions
  /** How long `close()` gives clients to leave before it cuts them off, in ms. @default 10000 */
  readonly shutdownGraceMs?: number
  /** How long startup waits for Redis and for its first broadcast to come back, in ms. @default 10000 */
  readonly startTimeoutMs?: number
  /** The built dashboard app served at `/`. @default DASHBOARD_DIR, else this package's `dist/dashboard/` */
  readonly dashboardDir?: string
  /** Handles plain HTTP requests the node does not serve itself (/api, /healthz, /readyz, /metrics, the dashboard). @default 404 */
  readonly requestListener?: RequestListener
}

type Defaulted = Omit<WebNodeOptions, 'host' | 'mongoUri' | 'requestListener' | 'dashboardDir'>
export type ResolvedWebNodeOptions = Required<Defaulted> &
  Pick<WebNodeOptions, 'host' | 'mongoUri' | 'requestListener' | 'dashboardDir'>

const milliseconds = z.number().int().min(1)
const count = z.number().int().min(1)

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  redisUrl: z.string().min(1).optional(),
  mongoUri: z.string().min(1).optional(),
  keyPrefix: z.string().min(1).optional(),
  queueName: z.string().min(1).optional(),
  shardCount: z.number().int().min(1).max(1024).optional(),
  heartbeatInterval: milliseconds.optional(),
  clientTimeout: milliseconds.optional(),
  maxSubscriptionsPerConnection: count.optional(),
  maxReplaysPerConnection: count.optional(),
  clientBufferLimit: z.number().int().min(1024).optional(),
  replayWaitMs: z.number().int().min(0).optional(),
  maxHeldEvents: count.default(10_000),
  maxMessageBytes: z.number().int().min(1024).optional(),
  messagesPerSecond: count.optional(),
  messageBurst: count.optional(),
  rateLimitDisconnectSeconds: count.optional(),
  maxConnectionsPerIp: z.number().int().min(0).optional(),
  trustProxy: z.boolean().optional(),
  allowedOrigins: z.array(z.string().min(1)).optional(),
  shutdownGraceMs: z.number().int().min(0).optional(),
  dashboardDir: z.string().min(1).optional(),
  startTimeoutMs: milliseconds.default(10_000),
})

/** Applies the defaults and validates; throws `invalid_config` naming every bad option. */
export function resolveWebNodeOptions(options: WebNodeOptions): ResolvedWebNodeOptions {
  const { requestListener, auth, ...plain } = options
  const defined = Object.fromEntries(Object.entries(plain).filter(([, value]) => value !== undefined))
  const parsed = optionsSchema.safeParse(defined)
  if (!parsed.success) throw invalidConfig('Invalid web node options', parsed.error)
  const config = loadConfig()
  // The environment's settings, then the options given (zod leaves out those that were not).
  const resolved = {
    ...config.web,
    redisUrl: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    queueName: config.queueName,
    shardCount: config.shardCount,
    allowedOrigins: defaultOrigins(config.web.allowedOrigins, config.nodeEnv),
    ...parsed.data,
    auth: auth ?? parseAuthOptions(config.auth),
    requestListener,
  }
  if (resolved.clientTimeout <= resolved.heartbeatInterval) {
    throw new AgentEventsError('invalid_config', 'clientTimeout must be longer than heartbeatInterval', [
      { path: 'clientTimeout', message: 'must be greater than heartbeatInterval' },
    ])
  }
  return Object.freeze(resolved)
}

/** Browsers of any origin outside production; in production only the origins listed. */
function defaultOrigins(listed: readonly string[], nodeEnv: string): readonly string[] {
  if (listed.length > 0) return listed
  return nodeEnv === 'production' ? [] : ['*']
}

/** Socket.IO's `pingTimeout`: the part of `clientTimeout` after the ping is sent, at least 1 s. */
export function socketIoPingTimeout(
  options: Pick<ResolvedWebNodeOptions, 'heartbeatInterval' | 'clientTimeout'>,
): number {
  return Math.max(options.clientTimeout - options.heartbeatInterval, 1000)
}
