import { mayWatchConversation, mayWatchExecution, type AccessClaims } from '../auth/access-claims.js'
import type { StampedAgentEvent } from '../events/schemas.js'
import type { EventStore, ExecutionSummary } from '../store/event-store.js'
import type { AnalyticsCache } from './analytics-cache.js'
import { failure, fromStore, ok, type ApiAnswer } from './http-api-answers.js'
import { encodeExecutionsCursor } from './http-api-parameters.js'
import type { ApiRequest } from './http-api-requests.js'
import { answerAnalytics, answerExecutionsList } from './http-api-run-answers.js'

export type { ApiAnswer } from './http-api-answers.js'

/** `200` of `GET /api/executions/:id/events`. */
export interface ExecutionEventsPage {
  readonly executionId: string
  /** In seq order. */
  readonly events: readonly StampedAgentEvent[]
  /** The `after` of the next page, or null when this page is the last (fewer than `limit` events). */
  readonly nextAfter: number | null
}

/** `200` of `GET /api/executions/:id`; on the wire, the summary's Dates are ISO strings. */
export interface ExecutionAnswer {
  readonly execution: ExecutionSummary
}

/** `200` of `GET /api/conversations/:id/executions`; on the wire, Dates are ISO strings. */
export interface ConversationExecutionsPage {
  readonly conversationId: string
  /** Ordered by `startedAt`, then `executionId`. */
  readonly executions: readonly ExecutionSummary[]
  /** The (opaque) `after` of the next page, or null when this page is the last. */
  readonly nextAfter: string | null
}

/**
 * Answers an authenticated, validated request: authorizes it against what the store knows of the
 * execution or conversation, then reads it. Authorization comes before any answer that depends on
 * existence, so a forbidden request cannot tell an unknown execution from another tenant's.
 * Throws `StoreReadError` when the store fails.
 * @example const { status, body } = await answerApiRequest(store, claims, parsed.request, cache)
 */
export async function answerApiRequest(
  store: EventStore,
  claims: AccessClaims,
  request: ApiRequest,
  analyticsCache: AnalyticsCache,
): Promise<ApiAnswer> {
  switch (request.route) {
    case 'executions':
      return answerExecutionsList(store, claims, request)
    case 'analytics':
      return answerAnalytics(store, claims, request, analyticsCache)
    case 'execution': {
      const summary = await readableExecution(store, claims, request.executionId)
      if ('error' in summary) return summary.error
      return ok<ExecutionAnswer>({ execution: summary.execution })
    }
    case 'execution-events': {
      const summary = await readableExecution(store, claims, request.executionId)
      if ('error' in summary) return summary.error
      const events = await fromStore(() =>
        store.getExecutionEvents(request.executionId, {
          afterSeq: request.afterSeq,
          limit: request.limit,
          ...(request.types === undefined ? {} : { types: request.types }),
        }),
      )
      const last = events.length === request.limit ? events.at(-1) : undefined
      return ok<ExecutionEventsPage>({
        executionId: request.executionId,
        events,
        nextAfter: last ? last.seq : null,
      })
    }
    case 'conversation-executions': {
      const { conversationId } = request
      const projects = await fromStore(() => store.getConversationProjects(conversationId))
      if (!mayReadConversation(claims, conversationId, projects)) return failure('forbidden')
      const executions = await fromStore(() =>
        store.listConversationExecutions(conversationId, {
          limit: request.limit,
          ...(request.after === undefined ? {} : { after: request.after }),
        }),
      )
      const last = executions.length === request.limit ? executions.at(-1) : undefined
      return ok<ConversationExecutionsPage>({
        conversationId,
        executions,
        nextAfter: last ? encodeExecutionsCursor(positionOf(last)) : null,
      })
    }
  }
}

/** The execution's summary when the claims may read it; `forbidden` comes before `not_found`. */
async function readableExecution(
  store: EventStore,
  claims: AccessClaims,
  executionId: string,
): Promise<{ execution: ExecutionSummary } | { error: ApiAnswer }> {
  const summary = await fromStore(() => store.getExecution(executionId))
  const context = {
    executionId,
    ...(summary?.conversationId === undefined ? {} : { conversationId: summary.conversationId }),
    ...(summary?.projectId === undefined ? {} : { projectId: summary.projectId }),
  }
  if (!mayWatchExecution(claims, context)) return { error: failure('forbidden') }
  if (!summary)
    return { error: failure('not_found', `There is no stored execution ${JSON.stringify(executionId)}`) }
  return { execution: summary }
}

/**
 * A conversation is readable through a grant of the conversation itself, or of its project; when its
 * executions name several projects, every one of them must be granted, so a project grant never
 * opens another tenant's executions that share the conversation id.
 */
function mayReadConversation(
  claims: AccessClaims,
  conversationId: string,
  projects: readonly string[],
): boolean {
  if (projects.length === 0) return mayWatchConversation(claims, { conversationId })
  return projects.every((projectId) => mayWatchConversation(claims, { conversationId, projectId }))
}

function positionOf(summary: ExecutionSummary): { startedAt: Date; executionId: string } {
  // The upsert that creates a summary sets startedAt: a summary without one is a corrupt document.
  if (!summary.startedAt) throw new Error(`the summary of ${summary.executionId} has no startedAt`)
  return { startedAt: summary.startedAt, executionId: summary.executionId }
}
