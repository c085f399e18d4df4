import type { StampedAgentEvent } from 'agent-events/client'
import type { ApiClient } from './http-client.js'

/** The stored summary of an execution as the HTTP API sends it (dates as ISO strings). */
export interface ExecutionSummary {
  readonly executionId: string
  readonly conversationId?: string
  readonly projectId?: string
  readonly status: 'running' | 'completed' | 'failed'
  readonly startedAt?: string
  readonly completedAt?: string
  readonly lastEventAt?: string
  readonly departments: readonly string[]
  readonly agents: readonly string[]
  readonly tokenUsage: { readonly input: number; readonly output: number; readonly total: number }
  readonly quality: {
    readonly count: number
    readonly sum: number
    readonly min?: number
    readonly max?: number
    readonly passed: number
    readonly failed: number
  }
  readonly eventCount: number
  readonly lastSeq: number
  /** `GET /api/executions` adds it: completedAt, else lastEventAt, minus startedAt. */
  readonly durationMs?: number
}

export type ExecutionStatus = ExecutionSummary['status']

/** The filters of the runs list (`GET /api/executions`). */
export interface RunsQuery {
  readonly projectId?: string
  readonly conversationId?: string
  readonly status?: ExecutionStatus
  /** An execution id prefix. */
  readonly q?: string
  readonly limit?: number
  readonly before?: string
}

export interface RunsPage {
  /** Newest first. */
  readonly executions: readonly ExecutionSummary[]
  /** The cursor of the next (older) page, or null on the last. */
  readonly nextBefore: string | null
}

/** Executions of a conversation the conversation page reads at most. */
const CONVERSATION_EXECUTIONS_LIMIT = 1000

/**
 * A page of the runs list (`GET /api/executions`), newest first.
 * @example const page = await listRuns(api, { conversationId: 'conv-1', q: 'exec-4' })
 */
export function listRuns(api: ApiClient, query: RunsQuery): Promise<RunsPage> {
  return api.get<RunsPage>('/api/executions', { ...query })
}

/** Every execution of a conversation (up to 1000), via `GET /api/conversations/:id/executions`. */
export async function conversationExecutions(
  api: ApiClient,
  conversationId: string,
): Promise<ExecutionSummary[]> {
  const executions: ExecutionSummary[] = []
  let after: string | undefined
  do {
    const page = await api.get<{ executions: ExecutionSummary[]; nextAfter: string | null }>(
      `/api/conversations/${encodeURIComponent(conversationId)}/executions`,
      { limit: 1000, after },
    )
    executions.push(...page.executions)
    after = page.nextAfter ?? undefined
  } while (after !== undefined && executions.length < CONVERSATION_EXECUTIONS_LIMIT)
  return executions
}

/** The stored summary of one execution (`GET /api/executions/:id`). */
export async function getExecution(api: ApiClient, executionId: string): Promise<ExecutionSummary> {
  const answer = await api.get<{ execution: ExecutionSummary }>(
    `/api/executions/${encodeURIComponent(executionId)}`,
  )
  return answer.execution
}

/**
 * Stored events of an execution in (after, upTo], in seq order, page by page.
 * @example const events = await storedEvents(api, 'exec-1', 40, 80)
 */
export async function storedEvents(
  api: ApiClient,
  executionId: string,
  after: number,
  upTo = Number.MAX_SAFE_INTEGER,
): Promise<StampedAgentEvent[]> {
  const events: StampedAgentEvent[] = []
  let cursor: number | null = after
  while (cursor !== null && cursor < upTo) {
    const page: { events: StampedAgentEvent[]; nextAfter: number | null } = await api.get(
      `/api/executions/${encodeURIComponent(executionId)}/events`,
      { after: cursor, limit: 1000 },
    )
    events.push(...page.events.filter((event) => event.seq <= upTo))
    cursor = page.nextAfter
  }
  return events
}

/** Duration of an execution: the API's `durationMs`, else from its times (a running one: until its last event). */
export function durationOf(execution: ExecutionSummary): number | undefined {
  if (execution.durationMs !== undefined) return execution.durationMs
  if (execution.startedAt === undefined) return undefined
  const end = execution.completedAt ?? execution.lastEventAt
  return end === undefined ? undefined : Date.parse(end) - Date.parse(execution.startedAt)
}
