import type { ChainableCommander, Redis } from 'ioredis'
import { conversationExecutionsKey } from './keys.js'

/**
 * The executions of each conversation, as the emitter sees them: one sorted set per conversation
 * (`<prefix>:{conv:<id>}:executions`), every execution scored by the time it was first seen. Web
 * nodes read it to resume conversation subscriptions per execution; the stored summaries cover the
 * executions it no longer holds.
 */

/** Executions kept per conversation: past it the ones first seen longest ago are dropped. */
export const CONVERSATION_INDEX_LIMIT = 1000

export interface ConversationIndexOptions {
  readonly keyPrefix: string
  /** The index expires after this long without an event of the conversation (as the recent buffer). */
  readonly recentBufferTtlSeconds: number
}

/** What the index needs of an event: its execution and, when it has one, its conversation. */
export interface ConversationMember {
  readonly executionId: string
  readonly conversationId?: string
}

/**
 * Adds to `pipeline` the commands that record each event's execution in its conversation's index
 * (`ZADD NX`: the first-seen time never moves), bound it and refresh its expiry. Queue them before
 * the stamp script in the same pipeline, so that no execution is stamped without being indexed.
 * @example
 * const pipeline = redis.pipeline()
 * indexConversationExecutions(pipeline, options, events)
 * // ...then the stamp script on the same pipeline, and pipeline.exec()
 */
export function indexConversationExecutions(
  pipeline: ChainableCommander,
  options: ConversationIndexOptions,
  events: readonly ConversationMember[],
  firstSeenMs: number = Date.now(),
): void {
  const byConversation = new Map<string, Set<string>>()
  for (const { conversationId, executionId } of events) {
    if (conversationId === undefined) continue
    const executions = byConversation.get(conversationId) ?? new Set<string>()
    executions.add(executionId)
    byConversation.set(conversationId, executions)
  }
  for (const [conversationId, executions] of byConversation) {
    const key = conversationExecutionsKey(options.keyPrefix, conversationId)
    const members = [...executions].flatMap((executionId) => [firstSeenMs, executionId])
    pipeline.zadd(key, 'NX', ...members)
    pipeline.zremrangebyrank(key, 0, -(CONVERSATION_INDEX_LIMIT + 1))
    pipeline.expire(key, options.recentBufferTtlSeconds)
  }
}

/** The executions the index holds for a conversation, first seen first. */
export function readConversationIndex(
  redis: Redis,
  keyPrefix: string,
  conversationId: string,
): Promise<string[]> {
  return redis.zrange(conversationExecutionsKey(keyPrefix, conversationId), 0, -1)
}
