import type { Redis } from 'ioredis'
import { getLogger } from '../logger.js'
import type { ClientProtocol } from '../metrics/web-metrics.js'
import { nodesKey } from '../redis/keys.js'

/** What a web node reports of itself every few seconds. */
export interface NodePresence {
  readonly nodeId: string
  /** Where the node says it listens (its own view; behind a proxy, not the public address). */
  readonly url: string
  readonly pid: number
  readonly startedAt: string
  /** When the node last reported, in ms since the epoch. */
  readonly reportedAt: number
  readonly connections: Readonly<Record<ClientProtocol, number>>
  readonly subscriptions: Readonly<Record<'execution' | 'conversation', number>>
}

/** How often a node reports; a node silent for three periods is gone. */
export const PRESENCE_INTERVAL_MS = 5000
const STALE_AFTER_MS = PRESENCE_INTERVAL_MS * 3
const log = getLogger('node-presence')

/**
 * Reports a node's presence now and every {@link PRESENCE_INTERVAL_MS}, until the returned function
 * is called (which removes the node's entry). A failed report is retried at the next period.
 * @example const stop = reportPresence(redis, 'ae', () => presence); ... await stop()
 */
export function reportPresence(
  redis: Redis,
  keyPrefix: string,
  presence: () => Omit<NodePresence, 'reportedAt'>,
): () => Promise<void> {
  const key = nodesKey(keyPrefix)
  const report = (): void => {
    const current = { ...presence(), reportedAt: Date.now() }
    redis.hset(key, current.nodeId, JSON.stringify(current)).catch((error: unknown) => {
      log.debug({ err: error }, 'presence report failed')
    })
  }
  report()
  const timer = setInterval(report, PRESENCE_INTERVAL_MS).unref()
  return async () => {
    clearInterval(timer)
    await redis.hdel(key, presence().nodeId).catch(() => undefined)
  }
}

/**
 * The nodes that reported within the last three periods; older entries (nodes that died) are removed.
 * @example const nodes = await readPresences(redis, 'ae')
 */
export async function readPresences(redis: Redis, keyPrefix: string): Promise<NodePresence[]> {
  const key = nodesKey(keyPrefix)
  const entries = await redis.hgetall(key)
  const now = Date.now()
  const live: NodePresence[] = []
  const gone: string[] = []
  for (const [nodeId, json] of Object.entries(entries)) {
    const presence = parsePresence(json)
    if (presence && now - presence.reportedAt <= STALE_AFTER_MS) live.push(presence)
    else gone.push(nodeId)
  }
  if (gone.length > 0) await redis.hdel(key, ...gone)
  return live.sort((a, b) => a.startedAt.localeCompare(b.startedAt))
}

function parsePresence(json: string): NodePresence | undefined {
  try {
    const value = JSON.parse(json) as Partial<NodePresence>
    return typeof value.nodeId === 'string' && typeof value.reportedAt === 'number'
      ? (value as NodePresence)
      : undefined
  } catch {
    return undefined
  }
}
