import {
  grantsBeyondExecutionIds,
  mayWatchConversation,
  mayWatchExecution,
  type AccessClaims,
  type ExecutionContext,
} from '../auth/access-claims.js'
import type { RecentBuffer } from '../redis/recent-buffer.js'
import type { EventStore } from '../store/event-store.js'
import type { SubscriptionTarget } from './protocol.js'

/**
 * Decides whether a client's claims let it subscribe to a target. An execution granted by id needs no
 * lookup; one granted through its conversation or project is looked up (the newest buffered event,
 * else the stored summary), so an execution nothing is known of yet is watchable only by id.
 *
 * @example if (!(await access.allows(subscriber.claims, request))) respond(forbidden)
 */
export class SubscriptionAccess {
  constructor(
    private readonly buffer: RecentBuffer,
    private readonly store: EventStore | undefined,
  ) {}

  /** Throws when Redis (or the store, when it must be asked) cannot be read. */
  async allows(claims: AccessClaims, target: SubscriptionTarget): Promise<boolean> {
    if (target.kind === 'execution') {
      const { executionId } = target
      if (mayWatchExecution(claims, { executionId })) return true
      if (!grantsBeyondExecutionIds(claims)) return false
      return mayWatchExecution(claims, await this.executionContext(executionId))
    }
    const { conversationId } = target
    if (mayWatchConversation(claims, { conversationId })) return true
    if (claims.projects !== '*' && claims.projects.size === 0) return false
    // Every project the conversation's executions name must be granted: one tenant's grant must not
    // open a conversation id that another tenant's executions share.
    const projects = (await this.store?.getConversationProjects(conversationId)) ?? []
    return (
      projects.length > 0 &&
      projects.every((projectId) => mayWatchConversation(claims, { conversationId, projectId }))
    )
  }

  private async executionContext(executionId: string): Promise<ExecutionContext> {
    const newest = await this.buffer.newest(executionId)
    const known = newest ?? (await this.store?.getExecution(executionId))
    return { executionId, conversationId: known?.conversationId, projectId: known?.projectId }
  }
}
