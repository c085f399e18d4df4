import type { AgentEventType } from 'agent-events/client'

/**
 * The state of one execution as the dashboard shows it, built by {@link reduceRun} from its events in
 * seq order. Normalized (records by id plus orders of first appearance) so that one event touches only
 * the nodes it concerns and React re-renders only what changed.
 */

/** Where a node of the orchestration is. `pending`: known from a later event, never started. */
export type NodeState = 'pending' | 'running' | 'completed' | 'failed'

/** Where the execution is: `waiting` before its first event. */
export type RunStatus = 'waiting' | 'running' | 'completed' | 'failed'

export interface TokenTotals {
  readonly input: number
  readonly output: number
  readonly total: number
}

/** Aggregates over quality scores: `agent-complete` scores and `quality-check` scores, as the store's summary counts them. */
export interface QualityTotals {
  readonly count: number
  readonly sum: number
  readonly min: number | undefined
  readonly max: number | undefined
  /** `quality-check` events with `passed: true`. */
  readonly passed: number
  /** `quality-check` events with `passed: false`. */
  readonly failed: number
}

export interface ToolCallNode {
  /** Unique in the run: the event's `toolCallId` when it has one, else `<agentId>#<seq of the call>`. */
  readonly id: string
  readonly agentId: string
  readonly toolName: string
  readonly state: NodeState
  readonly startedAt: string
  readonly completedAt: string | undefined
  /** The `duration` the result reported, in ms. */
  readonly durationMs: number | undefined
  readonly input: unknown
  readonly result: unknown
  readonly error: unknown
}

export interface AgentNode {
  readonly agentId: string
  readonly agentName: string
  readonly department: string | undefined
  /** The agent that started this one (`parentAgentId` of `agent-start`). */
  readonly parentAgentId: string | undefined
  readonly isDepartmentHead: boolean
  readonly task: string | undefined
  readonly state: NodeState
  /** 0..100, from the latest `agent-thinking` that carried one (100 once completed). */
  readonly progress: number | undefined
  readonly currentStep: string | undefined
  readonly startedAt: string
  readonly completedAt: string | undefined
  readonly output: unknown
  readonly qualityScore: number | undefined
  readonly executionTimeMs: number | undefined
  readonly tokenUsage: TokenTotals | undefined
  readonly error: string | undefined
  /** Its tool calls, in the order they were made. */
  readonly toolCallIds: readonly string[]
}

export interface QualityCheck {
  readonly seq: number
  readonly score: number
  readonly passed: boolean | undefined
  readonly agentId: string | undefined
}

export interface Review {
  readonly status: string
  readonly feedback: unknown
  readonly at: string
}

export interface DepartmentNode {
  readonly name: string
  readonly state: NodeState
  readonly startedAt: string
  readonly completedAt: string | undefined
  /** The agents of the department, in the order they appeared. */
  readonly agentIds: readonly string[]
  readonly qualityChecks: readonly QualityCheck[]
  /** The latest `review-status`. */
  readonly review: Review | undefined
  readonly tokens: TokenTotals
}

export interface RunState {
  readonly executionId: string
  readonly conversationId: string | undefined
  readonly projectId: string | undefined
  readonly status: RunStatus
  readonly startedAt: string | undefined
  readonly completedAt: string | undefined
  readonly lastEventAt: string | undefined
  /** The seq of the last event applied. */
  readonly lastSeq: number
  readonly eventCount: number
  readonly countsByType: Readonly<Partial<Record<AgentEventType, number>>>
  readonly context: unknown
  readonly result: unknown
  readonly departmentOrder: readonly string[]
  readonly departments: Readonly<Record<string, DepartmentNode>>
  readonly agentOrder: readonly string[]
  readonly agents: Readonly<Record<string, AgentNode>>
  readonly toolCalls: Readonly<Record<string, ToolCallNode>>
  readonly tokens: TokenTotals
  readonly quality: QualityTotals
}

export const NO_TOKENS: TokenTotals = { input: 0, output: 0, total: 0 }
export const NO_QUALITY: QualityTotals = {
  count: 0,
  sum: 0,
  min: undefined,
  max: undefined,
  passed: 0,
  failed: 0,
}

/**
 * The state before any event of an execution.
 * @example const state = events.reduce(reduceRun, initialRunState('exec-1'))
 */
export function initialRunState(executionId: string): RunState {
  return {
    executionId,
    conversationId: undefined,
    projectId: undefined,
    status: 'waiting',
    startedAt: undefined,
    completedAt: undefined,
    lastEventAt: undefined,
    lastSeq: 0,
    eventCount: 0,
    countsByType: {},
    context: undefined,
    result: undefined,
    departmentOrder: [],
    departments: {},
    agentOrder: [],
    agents: {},
    toolCalls: {},
    tokens: NO_TOKENS,
    quality: NO_QUALITY,
  }
}

/** The average quality score, or undefined without scores. */
export function qualityAverage(quality: QualityTotals): number | undefined {
  return quality.count === 0 ? undefined : quality.sum / quality.count
}
