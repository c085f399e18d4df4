import type { AccessClaims, Grant } from '../auth/access-claims.js'
import { isAgentEventsError } from '../errors.js'
import type { RunAnalytics } from '../store/analytics-queries.js'
import type { EventStore } from '../store/event-store.js'
import type { ExecutionScope, ListedExecution } from '../store/execution-listing.js'
import type { AnalyticsGroupBy, RunGroup } from '../store/run-statistics.js'
import type { AnalyticsCache } from './analytics-cache.js'
import { failure, fromStore, ok, StoreReadError, type ApiAnswer } from './http-api-answers.js'
import { encodeExecutionsCursor } from './http-api-parameters.js'
import type { AnalyticsRequest, ExecutionsListRequest } from './http-api-run-requests.js'

/** `200` of `GET /api/executions`; on the wire, Dates are ISO strings. */
export interface ExecutionsListPage {
  /** Newest first: by `startedAt`, then `executionId`, both descending. */
  readonly executions: readonly ListedExecution[]
  /** The (opaque) `before` of the next page, or null when this page is the last. */
  readonly nextBefore: string | null
}

/** `200` of `GET /api/analytics`. */
export interface AnalyticsAnswer {
  /** null: every project. */
  readonly projectId: string | null
  /** ISO times of the window: runs that ended at or after `from` and before `to`. */
  readonly from: string
  readonly to: string
  readonly groupBy: AnalyticsGroupBy
  /** Ordered by key. */
  readonly groups: readonly RunGroup[]
  /** Rollup documents the query read. */
  readonly scannedRuns: number
}

/**
 * The runs list of what the claims may watch: executions listed in `executions`, or in a listed
 * conversation or project (`*` grants every one of a kind); a token that grants nothing gets an
 * empty list.
 * @example const { status, body } = await answerExecutionsList(store, claims, request)
 */
export async function answerExecutionsList(
  store: EventStore,
  claims: AccessClaims,
  request: ExecutionsListRequest,
): Promise<ApiAnswer> {
  const { route: _route, ...filters } = request
  const executions = await fromStore(() => store.listExecutions({ ...filters, scope: scopeOf(claims) }))
  const last = executions.length === request.limit ? executions.at(-1) : undefined
  return ok<ExecutionsListPage>({
    executions,
    nextBefore: last?.startedAt
      ? encodeExecutionsCursor({ startedAt: last.startedAt, executionId: last.executionId })
      : null,
  })
}

/**
 * A project's analytics, for a token that grants the project; every project's (no `projectId`) for
 * a token that grants every project. Answers are shared through the cache for a few seconds.
 * @example const { status, body } = await answerAnalytics(store, claims, request, cache)
 */
export async function answerAnalytics(
  store: EventStore,
  claims: AccessClaims,
  request: AnalyticsRequest,
  cache: AnalyticsCache,
): Promise<ApiAnswer> {
  const { route: _route, ...query } = request
  if (query.projectId === undefined) {
    if (claims.projects !== '*')
      return failure('invalid_request', '`projectId` is required unless the token grants every project')
  } else if (claims.projects !== '*' && !claims.projects.has(query.projectId)) {
    return failure('forbidden', 'The access token does not grant this project')
  }
  let analytics: RunAnalytics
  try {
    analytics = await cache.get(query, () => store.getRunAnalytics(query))
  } catch (error) {
    // A window too wide to scan is the request's fault, and says which parameters to narrow.
    if (isAgentEventsError(error) && error.code === 'invalid_request')
      return failure('invalid_request', error.message)
    throw new StoreReadError(error)
  }
  return ok<AnalyticsAnswer>({
    projectId: query.projectId ?? null,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    groupBy: query.groupBy,
    groups: analytics.groups,
    scannedRuns: analytics.scannedRuns,
  })
}

function scopeOf(claims: AccessClaims): ExecutionScope {
  const ids = (grant: Grant): '*' | string[] => (grant === '*' ? '*' : [...grant])
  return {
    executionIds: ids(claims.executions),
    conversationIds: ids(claims.conversations),
    projectIds: ids(claims.projects),
  }
}
