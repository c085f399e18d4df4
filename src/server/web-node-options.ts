import type { RequestListener } from 'node:http'
import { z } from 'zod'
import { loadConfig } from '../config.js'
import { AgentEventsError } from '../errors.js'

/** Options of {@link startWebSocketServer}; every one has a default. */
export interface WebNodeOptions {
  /** TCP port of the node (Socket.IO, raw WebSocket and HTTP); 0 picks a free one. @default 3001 */
  readonly port?: number
  /** Interface to listen on. @default every interface */
  readonly host?: string
  /** @default REDIS_URL */
  readonly redisUrl?: string
  /**
   * MongoDB of the persistence workers, read when a resuming client asks for events older than the
   * recent buffer. Without it such a replay answers with the `missing` range. @default none
   */
  readonly mongoUri?: string
  /** Prefix of our Redis keys; must be the emitters'. @default REDIS_KEY_PREFIX ('ae') */
  readonly keyPrefix?: string
  /** The node pings every client this often (Socket.IO `pingInterval`, raw WebSocket pings), in ms. @default 30000 */
  readonly heartbeatInterval?: number
  /**
   * A client silent for this long is dropped, in ms (Socket.IO `pingTimeout` is this minus
   * `heartbeatInterval`, at least 1000). @default 60000
   */
  readonly clientTimeout?: number
  /** Subscriptions one connection may hold; past it `subscribe` fails with `too_many_subscriptions`. @default 100 */
  readonly maxSubscriptionsPerConnection?: number
  /** Bytes queued for a client that does not read, past which it is dropped as `slow_consumer`. @default 1048576 */
  readonly clientBufferLimit?: number
  /** How long a replay waits for the store to catch up with the recent buffer, in ms. @default 2000 */
  readonly replayWaitMs?: number
  /** Live events held per execution while its replay is read, past which the client is dropped as `slow_consumer`. @default 10000 */
  readonly maxHeldEvents?: number
  /** Largest message a client may send, in bytes (Socket.IO `maxHttpBufferSize`, raw `maxPayload`). @default 65536 */
  readonly maxMessageBytes?: number
  /** How long startup waits for Redis and for its first broadcast to come back, in ms. @default 10000 */
  readonly startTimeoutMs?: number
  /** Handles plain HTTP requests (the HTTP API, the dashboard). @default answers 404 */
  readonly requestListener?: RequestListener
}

export type ResolvedWebNodeOptions = Required<Omit<WebNodeOptions, 'host' | 'mongoUri' | 'requestListener'>> &
  Pick<WebNodeOptions, 'host' | 'mongoUri' | 'requestListener'>

const milliseconds = z.number().int().min(1)

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(3001),
  host: z.string().min(1).optional(),
  redisUrl: z.string().min(1).optional(),
  mongoUri: z.string().min(1).optional(),
  keyPrefix: z.string().min(1).optional(),
  heartbeatInterval: milliseconds.default(30_000),
  clientTimeout: milliseconds.default(60_000),
  maxSubscriptionsPerConnection: z.number().int().min(1).default(100),
  clientBufferLimit: z.number().int().min(1024).default(1_048_576),
  replayWaitMs: z.number().int().min(0).default(2000),
  maxHeldEvents: z.number().int().min(1).default(10_000),
  maxMessageBytes: z.number().int().min(1024).default(65_536),
  startTimeoutMs: milliseconds.default(10_000),
})

/** Applies the defaults and validates; throws `invalid_config` naming every bad option. */
export function resolveWebNodeOptions(options: WebNodeOptions): ResolvedWebNodeOptions {
  const { requestListener, ...plain } = options
  const defined = Object.fromEntries(Object.entries(plain).filter(([, value]) => value !== undefined))
  const parsed = optionsSchema.safeParse(defined)
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }))
    const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ')
    throw new AgentEventsError('invalid_config', `Invalid web node options: ${summary}`, details)
  }
  const resolved = parsed.data
  if (resolved.clientTimeout <= resolved.heartbeatInterval) {
    throw new AgentEventsError('invalid_config', 'clientTimeout must be longer than heartbeatInterval', [
      { path: 'clientTimeout', message: 'must be greater than heartbeatInterval' },
    ])
  }
  return Object.freeze({
    ...resolved,
    redisUrl: resolved.redisUrl ?? loadConfig().redisUrl,
    keyPrefix: resolved.keyPrefix ?? loadConfig().redisKeyPrefix,
    requestListener,
  })
}

/** Socket.IO's `pingTimeout`: the part of `clientTimeout` after the ping is sent, at least 1 s. */
export function socketIoPingTimeout(
  options: Pick<ResolvedWebNodeOptions, 'heartbeatInterval' | 'clientTimeout'>,
): number {
  return Math.max(options.clientTimeout - options.heartbeatInterval, 1000)
}
