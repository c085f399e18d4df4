import type { StampedAgentEvent } from 'agent-events/client'
import {
  NO_TOKENS,
  type AgentNode,
  type DepartmentNode,
  type NodeState,
  type QualityTotals,
  type RunState,
  type TokenTotals,
  type ToolCallNode,
} from './run-state.js'

/**
 * Applies one event to the state of its execution: a pure function, so that live events, a replay
 * and a history page all build the same state, and a test can check it without a browser. Events
 * must come in seq order; an event at or below `lastSeq` (a duplicate) returns the state unchanged.
 * Fields that newer producers add (`toolCallId`, `parentAgentId`, `status` and `error` of
 * `agent-complete`) are read when present.
 *
 * @example
 * let state = initialRunState('exec-1')
 * for (const event of events) state = reduceRun(state, event)
 */
export function reduceRun(state: RunState, event: StampedAgentEvent): RunState {
  if (event.seq <= state.lastSeq || event.executionId !== state.executionId) return state
  const counted: RunState = {
    ...state,
    conversationId: state.conversationId ?? event.conversationId,
    projectId: state.projectId ?? event.projectId,
    status: state.status === 'waiting' ? 'running' : state.status,
    startedAt: earliest(state.startedAt, event.timestamp),
    lastEventAt: latest(state.lastEventAt, event.timestamp),
    lastSeq: event.seq,
    eventCount: state.eventCount + 1,
    countsByType: { ...state.countsByType, [event.type]: (state.countsByType[event.type] ?? 0) + 1 },
  }
  return applyEvent(counted, event)
}

function applyEvent(state: RunState, event: StampedAgentEvent): RunState {
  const at = event.timestamp
  switch (event.type) {
    case 'orchestration-start':
      return { ...state, context: event.context }
    case 'orchestration-complete':
      return {
        ...state,
        status: event.status === 'failed' || event.status === 'error' ? 'failed' : 'completed',
        completedAt: at,
        result: event.result,
      }
    case 'department-start':
      return withDepartment(state, event.department, at, (department) => ({
        ...department,
        state: 'running',
      }))
    case 'department-complete':
      return withDepartment(state, event.department, at, (department) => ({
        ...department,
        state: 'completed',
        completedAt: at,
      }))
    case 'agent-start': {
      const parentAgentId = stringField(event, 'parentAgentId')
      return withAgent(state, event.agentId, at, event.department, (agent) => ({
        ...agent,
        agentName: event.agentName,
        department: agent.department ?? event.department,
        parentAgentId: parentAgentId ?? agent.parentAgentId,
        isDepartmentHead: event.isDepartmentHead === true,
        task: event.task,
        state: 'running',
        startedAt: at,
      }))
    }
    case 'agent-thinking':
      return withAgent(state, event.agentId, at, undefined, (agent) => ({
        ...agent,
        agentName: agent.agentName === agent.agentId ? (event.agentName ?? agent.agentName) : agent.agentName,
        state: agent.state === 'pending' ? 'running' : agent.state,
        currentStep: event.currentStep,
        progress: event.progress ?? agent.progress,
      }))
    case 'agent-complete':
      return completeAgent(state, event)
    case 'tool-call':
      return startToolCall(state, event)
    case 'tool-result':
      return finishToolCall(state, event)
    case 'quality-check':
      return recordQualityCheck(state, event)
    case 'review-status': {
      const review = { status: event.status, feedback: event.feedback, at }
      return withDepartment(state, event.department, at, (department) => ({ ...department, review }))
    }
  }
}

type EventOf<T extends StampedAgentEvent['type']> = Extract<StampedAgentEvent, { type: T }>

function completeAgent(state: RunState, event: EventOf<'agent-complete'>): RunState {
  const failed = event.status === 'failed'
  const usage = event.tokenUsage
  const tokens = usage ? { input: usage.input, output: usage.output, total: usage.total } : undefined
  let next = withAgent(state, event.agentId, event.timestamp, event.department, (agent) => ({
    ...agent,
    agentName: event.agentName,
    department: agent.department ?? event.department,
    state: failed ? 'failed' : 'completed',
    completedAt: event.timestamp,
    progress: failed ? agent.progress : 100,
    output: event.output,
    qualityScore: event.qualityScore,
    executionTimeMs: event.executionTime,
    tokenUsage: tokens,
    error: stringField(event, 'error'),
  }))
  const department = next.agents[event.agentId]?.department
  if (tokens) {
    next = { ...next, tokens: addTokens(next.tokens, tokens) }
    if (department !== undefined) {
      next = withDepartment(next, department, event.timestamp, (node) => ({
        ...node,
        tokens: addTokens(node.tokens, tokens),
      }))
    }
  }
  if (event.qualityScore !== undefined) {
    next = { ...next, quality: addScore(next.quality, event.qualityScore, undefined) }
  }
  return next
}

function startToolCall(state: RunState, event: EventOf<'tool-call'>): RunState {
  return addToolCall(state, runningCall(event, event.input))
}

/** A running call opened by `event`: its id is the runner's `toolCallId`, else the agent and seq. */
function runningCall(event: EventOf<'tool-call' | 'tool-result'>, input: unknown): ToolCallNode {
  return {
    id: stringField(event, 'toolCallId') ?? `${event.agentId}#${event.seq}`,
    agentId: event.agentId,
    toolName: event.toolName,
    state: 'running',
    startedAt: event.timestamp,
    completedAt: undefined,
    durationMs: undefined,
    input,
    result: undefined,
    error: undefined,
  }
}

function finishToolCall(state: RunState, event: EventOf<'tool-result'>): RunState {
  const failed = event.success === false || (event.error !== undefined && event.error !== null)
  const finish = (call: ToolCallNode): ToolCallNode => ({
    ...call,
    state: failed ? 'failed' : 'completed',
    completedAt: event.timestamp,
    durationMs: event.duration,
    result: event.result,
    error: event.error,
  })
  const id = openCallOf(state, event)
  const existing = id === undefined ? undefined : state.toolCalls[id]
  if (existing) return { ...state, toolCalls: { ...state.toolCalls, [existing.id]: finish(existing) } }
  // A result whose call was never seen (filtered out, or emitted without one): a call that finished.
  return addToolCall(state, finish(runningCall(event, undefined)))
}

function addToolCall(state: RunState, call: ToolCallNode): RunState {
  const next = withAgent(state, call.agentId, call.startedAt, undefined, (agent) => ({
    ...agent,
    state: agent.state === 'pending' ? 'running' : agent.state,
    toolCallIds: [...agent.toolCallIds, call.id],
  }))
  return { ...next, toolCalls: { ...next.toolCalls, [call.id]: call } }
}

/** The call a result answers: the same `toolCallId`, else the oldest open call of that agent and tool. */
function openCallOf(state: RunState, event: EventOf<'tool-result'>): string | undefined {
  const toolCallId = stringField(event, 'toolCallId')
  if (toolCallId !== undefined) return state.toolCalls[toolCallId] ? toolCallId : undefined
  const agent = state.agents[event.agentId]
  return agent?.toolCallIds.find((id) => {
    const call = state.toolCalls[id]
    return call?.state === 'running' && call.toolName === event.toolName
  })
}

function recordQualityCheck(state: RunState, event: EventOf<'quality-check'>): RunState {
  const next = { ...state, quality: addScore(state.quality, event.score, event.passed) }
  const department = event.department ?? (event.agentId ? state.agents[event.agentId]?.department : undefined)
  if (department === undefined) return next
  const check = { seq: event.seq, score: event.score, passed: event.passed, agentId: event.agentId }
  return withDepartment(next, department, event.timestamp, (node) => ({
    ...node,
    qualityChecks: [...node.qualityChecks, check],
  }))
}

function withDepartment(
  state: RunState,
  name: string,
  at: string,
  change: (department: DepartmentNode) => DepartmentNode,
): RunState {
  const known = state.departments[name]
  const department: DepartmentNode = known ?? {
    name,
    state: 'pending',
    startedAt: at,
    completedAt: undefined,
    agentIds: [],
    qualityChecks: [],
    review: undefined,
    tokens: NO_TOKENS,
  }
  return {
    ...state,
    departmentOrder: known ? state.departmentOrder : [...state.departmentOrder, name],
    departments: { ...state.departments, [name]: change(department) },
  }
}

function withAgent(
  state: RunState,
  agentId: string,
  at: string,
  department: string | undefined,
  change: (agent: AgentNode) => AgentNode,
): RunState {
  const known = state.agents[agentId]
  const agent: AgentNode = known ?? {
    agentId,
    agentName: agentId,
    department: undefined,
    parentAgentId: undefined,
    isDepartmentHead: false,
    task: undefined,
    state: 'pending' satisfies NodeState,
    progress: undefined,
    currentStep: undefined,
    startedAt: at,
    completedAt: undefined,
    output: undefined,
    qualityScore: undefined,
    executionTimeMs: undefined,
    tokenUsage: undefined,
    error: undefined,
    toolCallIds: [],
  }
  const changed = change(agent)
  let next: RunState = {
    ...state,
    agentOrder: known ? state.agentOrder : [...state.agentOrder, agentId],
    agents: { ...state.agents, [agentId]: changed },
  }
  const joined = changed.department ?? department
  if (joined !== undefined && !next.departments[joined]?.agentIds.includes(agentId)) {
    next = withDepartment(next, joined, at, (node) => ({ ...node, agentIds: [...node.agentIds, agentId] }))
  }
  return next
}

function addTokens(a: TokenTotals, b: TokenTotals): TokenTotals {
  return { input: a.input + b.input, output: a.output + b.output, total: a.total + b.total }
}

function addScore(quality: QualityTotals, score: number, passed: boolean | undefined): QualityTotals {
  return {
    count: quality.count + 1,
    sum: quality.sum + score,
    min: quality.min === undefined ? score : Math.min(quality.min, score),
    max: quality.max === undefined ? score : Math.max(quality.max, score),
    passed: quality.passed + (passed === true ? 1 : 0),
    failed: quality.failed + (passed === false ? 1 : 0),
  }
}

function stringField(event: StampedAgentEvent, name: string): string | undefined {
  const value = (event as Record<string, unknown>)[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function earliest(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) < Date.parse(a) ? b : a
}

function latest(a: string | undefined, b: string): string {
  return a === undefined || Date.parse(b) > Date.parse(a) ? b : a
}
