/**
 * Every Redis key, channel and Socket.IO room name of agent-events, declared in one place.
 * Keys of one execution share a hash tag so that they live in one slot.
 */

/** The Socket.IO room of one execution; every event of the execution is broadcast to it. */
export const executionRoom = (executionId: string): string => `execution:${executionId}`

/** The Socket.IO room of one conversation; events carrying that conversationId are broadcast to it. */
export const conversationRoom = (conversationId: string): string => `conversation:${conversationId}`

/**
 * The Socket.IO Redis adapter's `key` of a deployment: its channels carry our key prefix, so that
 * deployments sharing one Redis (or tests with their own prefixes) never see each other's events.
 * A plain Socket.IO server joins in with `createAdapter(pub, sub, { key: adapterKey('ae') })`.
 */
export const adapterKey = (keyPrefix: string): string => `${keyPrefix}:socket.io`

/**
 * The channel prefix the adapter of the default namespace listens on. A broadcast to exactly one
 * room goes to `<prefix><room>#`, to several rooms to `<prefix>` alone.
 */
export const adapterChannelPrefix = (keyPrefix: string): string => `${adapterKey(keyPrefix)}#/#`

export function adapterChannel(keyPrefix: string, rooms: readonly string[]): string {
  const prefix = adapterChannelPrefix(keyPrefix)
  return rooms.length === 1 ? `${prefix}${rooms[0]}#` : prefix
}

export interface ExecutionKeys {
  /** INCR counter: the last sequence number assigned in the execution. */
  readonly sequence: string
  /** Sorted set of the most recent events (JSON with `seq`), scored by seq: the replay buffer. */
  readonly recent: string
  /** Sorted set of recently stamped event ids, scored by seq: makes a re-sent emit idempotent. */
  readonly stampedIds: string
}

export function executionKeys(prefix: string, executionId: string): ExecutionKeys {
  const base = `${prefix}:{exec:${executionId}}`
  return { sequence: `${base}:seq`, recent: `${base}:recent`, stampedIds: `${base}:ids` }
}

/**
 * Sorted set of the executions of one conversation, each scored by the time (ms since the epoch) an
 * emitter first saw it with that conversation id; written by the emitter before the events are
 * stamped (src/redis/conversation-index.ts). Its own hash tag: a conversation spans executions.
 */
export const conversationExecutionsKey = (prefix: string, conversationId: string): string =>
  `${prefix}:{conv:${conversationId}}:executions`
