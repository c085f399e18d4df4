import { z } from 'zod'
import { AgentEventsError } from '../errors.js'
import type { WebNodeOptions } from './web-node-options.js'

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback)
const port = z.coerce.number().int().min(0).max(65_535)

/**
 * The environment variables of the `web` process beyond those of `src/config.ts` (REDIS_URL,
 * MONGODB_URI, REDIS_KEY_PREFIX, LOG_LEVEL). Kept apart until they are folded into config.ts.
 */
const webEnvironmentSchema = z.object({
  /** Port of the node; PORT is accepted too (platforms set it), WS_PORT wins when both are set. */
  WS_PORT: port.optional(),
  PORT: port.optional(),
  HEARTBEAT_INTERVAL_MS: integer(30_000, 1),
  CLIENT_TIMEOUT_MS: integer(60_000, 1),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: integer(100, 1),
  CLIENT_BUFFER_LIMIT_BYTES: integer(1_048_576, 1024),
  REPLAY_WAIT_MS: integer(2_000, 0),
})

/** The web node options the environment sets; Redis, MongoDB and the key prefix come from `loadConfig()`. */
export type WebConfig = Required<
  Pick<
    WebNodeOptions,
    | 'port'
    | 'heartbeatInterval'
    | 'clientTimeout'
    | 'maxSubscriptionsPerConnection'
    | 'clientBufferLimit'
    | 'replayWaitMs'
  >
>

/**
 * Parses and validates the web process's own variables; throws `invalid_config` naming every bad one.
 * @example const { port } = parseWebConfig({ WS_PORT: '3001' })
 */
export function parseWebConfig(env: Record<string, string | undefined>): WebConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = webEnvironmentSchema.safeParse(present)
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
    port: e.WS_PORT ?? e.PORT ?? 3001,
    heartbeatInterval: e.HEARTBEAT_INTERVAL_MS,
    clientTimeout: e.CLIENT_TIMEOUT_MS,
    maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    clientBufferLimit: e.CLIENT_BUFFER_LIMIT_BYTES,
    replayWaitMs: e.REPLAY_WAIT_MS,
  })
}

/** The web configuration of this process, read from the environment. */
export function loadWebConfig(): WebConfig {
  return parseWebConfig(process.env)
}
