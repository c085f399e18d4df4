/**
 * Every Redis key, channel and Socket.IO room name of agent-events, declared in one place.
 *
 * Executions are spread over a fixed number of shards. Every key that the atomic emit step touches
 * (an execution's counter, recent buffer and id window, its shard's inbox) and every key of the
 * shard's BullMQ queue carries the shard's hash tag `{<prefix>:s<n>}`, so that on Redis Cluster one
 * shard lives in one slot and the emit step stays one atomic call per shard.
 */

/** How a deployment lays its keys out: the same in every producer, web node and worker. */
export interface KeyLayout {
  /** Prefix of every key and channel of the deployment (`REDIS_KEY_PREFIX`). */
  readonly keyPrefix: string
  /** Number of shards (`SHARD_COUNT`); fixed for the life of the deployment's data. */
  readonly shardCount: number
}

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

/**
 * The shard of an execution: FNV-1a (32 bits) of its id's UTF-8 bytes, modulo the shard count.
 * Every process of a deployment must agree on it, so it never changes.
 */
export function shardOf(executionId: string, shardCount: number): number {
  if (shardCount === 1) return 0
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(executionId, 'utf8')) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % shardCount
}

/** Every shard number of a layout, 0 to shardCount − 1. */
export const shardsOf = (layout: KeyLayout): number[] =>
  Array.from({ length: layout.shardCount }, (_, i) => i)

/** The prefix of every key of a shard: `<prefix>:{<prefix>:s<n>}`; the braces make the hash tag. */
export const shardKeyBase = (keyPrefix: string, shard: number): string =>
  `${keyPrefix}:{${keyPrefix}:s${shard}}`

export interface ExecutionKeys {
  /** The execution's shard. */
  readonly shard: number
  /** INCR counter: the last sequence number assigned in the execution. */
  readonly sequence: string
  /** Sorted set of the most recent events (JSON with `seq`), scored by seq: the replay buffer. */
  readonly recent: string
  /** Sorted set of recently stamped event ids, scored by seq: makes a re-sent emit idempotent. */
  readonly stampedIds: string
  /** String holding the token of the worker that folds the execution's summary right now. */
  readonly summaryLease: string
}

export function executionKeys(layout: KeyLayout, executionId: string): ExecutionKeys {
  const shard = shardOf(executionId, layout.shardCount)
  const base = `${shardKeyBase(layout.keyPrefix, shard)}:exec:${executionId}`
  return {
    shard,
    sequence: `${base}:seq`,
    recent: `${base}:recent`,
    stampedIds: `${base}:ids`,
    summaryLease: `${base}:summary-lease`,
  }
}

/**
 * A shard's inbox: a stream with one entry per stamped batch (field `events`: the events' JSON, one
 * per line), appended by the emit step and moved into the shard's BullMQ queue by the workers' pumps.
 */
export const shardInboxKey = (keyPrefix: string, shard: number): string =>
  `${shardKeyBase(keyPrefix, shard)}:inbox`

/** The consumer group of the pumps on every inbox. */
export const INBOX_CONSUMER_GROUP = 'pumps'

/** The field of an inbox entry that holds its events. */
export const INBOX_EVENTS_FIELD = 'events'

/**
 * The BullMQ `prefix` of a shard's persistence queue; its keys are `<this>:<QUEUE_NAME>:…`, in the
 * shard's slot.
 */
export const shardQueuePrefix = (keyPrefix: string, shard: number): string => shardKeyBase(keyPrefix, shard)

/**
 * String holding the shard count the deployment's data was laid out with; every process checks its
 * own `SHARD_COUNT` against it at start (the first one to start writes it).
 */
export const shardCountKey = (keyPrefix: string): string => `${keyPrefix}:shard-count`

/**
 * Hash of the web nodes that report themselves (field: node id, value: its presence as JSON), for
 * the broker-wide stats of `GET /api/stats` and `agent-events stats`.
 */
export const nodesKey = (keyPrefix: string): string => `${keyPrefix}:nodes`

/**
 * Sorted set of the executions of one conversation, each scored by the time (ms since the epoch) an
 * emitter first saw it with that conversation id; written by the emitter before the events are
 * stamped (src/redis/conversation-index.ts). Its own hash tag: a conversation spans executions.
 */
export const conversationExecutionsKey = (prefix: string, conversationId: string): string =>
  `${prefix}:{conv:${conversationId}}:executions`
