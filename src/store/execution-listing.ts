import type { ExecutionDocument, ExecutionStatus, StoreModels } from './models.js'

/** Which executions a reader may see: by id, by conversation, by project; `'*'` for every one of a kind. */
export interface ExecutionScope {
  readonly executionIds: '*' | readonly string[]
  readonly conversationIds: '*' | readonly string[]
  readonly projectIds: '*' | readonly string[]
}

/** A position in the runs list, which is ordered by `startedAt`, then `executionId`, both descending. */
export interface ExecutionsCursor {
  readonly startedAt: Date
  readonly executionId: string
}

export interface ExecutionListQuery {
  /** Only what the reader may see: executions listed, or in a listed conversation or project. */
  readonly scope: ExecutionScope
  readonly projectId?: string
  readonly conversationId?: string
  readonly status?: ExecutionStatus
  /** Only executions whose id starts with this. */
  readonly idPrefix?: string
  /** Only executions after this one in the order of the list (the last one of the previous page). */
  readonly before?: ExecutionsCursor
  /** At most this many. @default 50, at most 1000 */
  readonly limit?: number
}

/** An execution summary in the runs list: the stored summary and its duration so far. */
export type ListedExecution = Omit<ExecutionDocument, '_id' | 'ledger'> & {
  /** `completedAt` (else `lastEventAt`) minus `startedAt`, in ms; null when a time is missing. */
  readonly durationMs: number | null
}

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1000

/**
 * The summaries the scope allows, newest first (by `startedAt`, then `executionId`), filtered and
 * paged; an empty scope lists nothing. Indexed by `{projectId, startedAt, _id}` and `{startedAt, _id}`
 * (and `{conversationId, startedAt}` for a conversation).
 * @example const page = await listExecutions(models, { scope, projectId: 'proj-7', status: 'failed' })
 */
export async function listExecutions(
  models: StoreModels,
  query: ExecutionListQuery,
): Promise<ListedExecution[]> {
  const visible = scopeFilter(query.scope)
  if (visible === 'nothing') return []
  const conditions: Record<string, unknown>[] = visible === 'everything' ? [] : [visible]
  if (query.projectId !== undefined) conditions.push({ projectId: query.projectId })
  if (query.conversationId !== undefined) conditions.push({ conversationId: query.conversationId })
  if (query.status !== undefined) conditions.push({ status: query.status })
  if (query.idPrefix !== undefined) conditions.push({ _id: { $regex: `^${escapeRegExp(query.idPrefix)}` } })
  if (query.before) {
    const { startedAt, executionId } = query.before
    conditions.push({ $or: [{ startedAt: { $lt: startedAt } }, { startedAt, _id: { $lt: executionId } }] })
  }
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT)
  const documents = await models.executions
    .find(conditions.length === 0 ? {} : { $and: conditions }, { ledger: 0 })
    .sort({ startedAt: -1, _id: -1 })
    .limit(limit)
    .lean()
  return documents.map(({ _id: _ignored, ...summary }) => ({ ...summary, durationMs: durationOf(summary) }))
}

/** A filter of the scope, or what it allows when no filter is needed. */
function scopeFilter(scope: ExecutionScope): Record<string, unknown> | 'everything' | 'nothing' {
  if (scope.executionIds === '*') return 'everything'
  const clauses: Record<string, unknown>[] = []
  if (scope.executionIds.length > 0) clauses.push({ _id: { $in: [...scope.executionIds] } })
  for (const [field, ids] of [
    ['conversationId', scope.conversationIds],
    ['projectId', scope.projectIds],
  ] as const) {
    // A grant of every conversation (project) covers the executions that name one.
    if (ids === '*') clauses.push({ [field]: { $exists: true } })
    else if (ids.length > 0) clauses.push({ [field]: { $in: [...ids] } })
  }
  if (clauses.length === 0) return 'nothing'
  return clauses.length === 1 ? (clauses[0] ?? 'nothing') : { $or: clauses }
}

function durationOf(summary: { startedAt?: Date; completedAt?: Date; lastEventAt?: Date }): number | null {
  const end = summary.completedAt ?? summary.lastEventAt
  if (!summary.startedAt || !end) return null
  return Math.max(0, end.getTime() - summary.startedAt.getTime())
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
