import type { ExecutionStatus } from '../store/models.js'
import type { AnalyticsGroupBy } from '../store/run-statistics.js'
import {
  choiceParameter,
  cursorParameter,
  idParameter,
  integerParameter,
  InvalidParameter,
  MAX_ID_LENGTH,
  numberParameter,
  singleParameter,
  timeParameter,
  type ExecutionPosition,
} from './http-api-parameters.js'

/** `GET /api/executions?projectId=&conversationId=&status=&q=&limit=50&before=`: the runs list. */
export interface ExecutionsListRequest {
  readonly route: 'executions'
  readonly projectId?: string
  readonly conversationId?: string
  readonly status?: ExecutionStatus
  /** An execution id prefix (`q`). */
  readonly idPrefix?: string
  /** Only executions after this position (`before`, the `nextBefore` of the previous page). */
  readonly before?: ExecutionPosition
  /** At most this many executions (`limit`, 1..1000, default 50). */
  readonly limit: number
}

/** `GET /api/analytics?projectId=&from=&to=&groupBy=&passScore=`: statistics per agent or department. */
export interface AnalyticsRequest {
  readonly route: 'analytics'
  /** Absent: every project (only for a token that grants every project). */
  readonly projectId?: string
  /** `from`, default `to` minus 7 days. */
  readonly from: Date
  /** `to`, default now (rounded up to 5 s, so that dashboards asking together share an answer). */
  readonly to: Date
  /** `groupBy`, default `agent`. */
  readonly groupBy: AnalyticsGroupBy
  /** `passScore`: the threshold of scores without a verdict; by default 0.7, or 70 above 1. */
  readonly passScore?: number
}

export const DEFAULT_EXECUTIONS_LIMIT = 50
export const MAX_EXECUTIONS_LIMIT = 1000
/** The default analytics window. */
export const DEFAULT_ANALYTICS_DAYS = 7
const DAY_MS = 86_400_000
const DEFAULT_TO_GRANULARITY_MS = 5000
const STATUSES: readonly ExecutionStatus[] = ['running', 'completed', 'failed']
const GROUP_BYS: readonly AnalyticsGroupBy[] = ['department', 'agent']

/**
 * Reads the runs list's query; throws {@link InvalidParameter} naming a wrong parameter.
 * @example parseExecutionsList(new URLSearchParams('projectId=proj-7&status=failed'))
 */
export function parseExecutionsList(query: URLSearchParams): ExecutionsListRequest {
  const projectId = idParameter(query, 'projectId')
  const conversationId = idParameter(query, 'conversationId')
  const status = choiceParameter(query, 'status', STATUSES)
  const idPrefix = singleParameter(query, 'q')
  if (idPrefix !== undefined && (idPrefix.length === 0 || idPrefix.length > MAX_ID_LENGTH))
    throw new InvalidParameter(`\`q\` must be 1 to ${MAX_ID_LENGTH} characters of an execution id`)
  const before = cursorParameter(query, 'before', 'nextBefore')
  return {
    route: 'executions',
    ...(projectId === undefined ? {} : { projectId }),
    ...(conversationId === undefined ? {} : { conversationId }),
    ...(status === undefined ? {} : { status }),
    ...(idPrefix === undefined ? {} : { idPrefix }),
    ...(before === undefined ? {} : { before }),
    limit: integerParameter(query, 'limit', 1, MAX_EXECUTIONS_LIMIT) ?? DEFAULT_EXECUTIONS_LIMIT,
  }
}

/**
 * Reads the analytics query; throws {@link InvalidParameter} naming a wrong parameter.
 * @example parseAnalytics(new URLSearchParams('projectId=proj-7&groupBy=department'), Date.now())
 */
export function parseAnalytics(query: URLSearchParams, now: number): AnalyticsRequest {
  const projectId = idParameter(query, 'projectId')
  const to =
    timeParameter(query, 'to') ??
    new Date(Math.ceil(now / DEFAULT_TO_GRANULARITY_MS) * DEFAULT_TO_GRANULARITY_MS)
  const from = timeParameter(query, 'from') ?? new Date(to.getTime() - DEFAULT_ANALYTICS_DAYS * DAY_MS)
  if (from >= to) throw new InvalidParameter('`from` must be before `to`')
  const passScore = numberParameter(query, 'passScore')
  return {
    route: 'analytics',
    ...(projectId === undefined ? {} : { projectId }),
    from,
    to,
    groupBy: choiceParameter(query, 'groupBy', GROUP_BYS) ?? 'agent',
    ...(passScore === undefined ? {} : { passScore }),
  }
}
