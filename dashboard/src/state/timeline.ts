import type { NodeState, RunState } from './run-state.js'
import { treeOf, type TreeAgent } from './run-tree.js'

/** One bar of the Gantt chart: a department, an agent or a tool call, from its start to its end. */
export interface TimelineBar {
  readonly id: string
  readonly kind: 'department' | 'agent' | 'tool'
  readonly label: string
  /** Nesting depth, for indentation: departments 0, their agents 1, sub-agents and tool calls deeper. */
  readonly depth: number
  readonly state: NodeState
  /** Milliseconds since the epoch. */
  readonly start: number
  /** Milliseconds since the epoch: the end, or `now` while it runs. */
  readonly end: number
}

export interface Timeline {
  readonly start: number
  readonly end: number
  readonly bars: readonly TimelineBar[]
}

/**
 * The Gantt bars of a run in tree order. A node that has not ended runs until `now` (the wall clock
 * for a live run; the last event's time for a finished run or a replay), but never past the run's end.
 * @example const { start, end, bars } = timelineOf(state, Date.now())
 */
export function timelineOf(state: RunState, now: number): Timeline {
  const start = state.startedAt === undefined ? now : Date.parse(state.startedAt)
  const runEnd = state.completedAt === undefined ? Math.max(now, start) : Date.parse(state.completedAt)
  const span = (from: string, to: string | undefined): { start: number; end: number } => {
    const begin = Date.parse(from)
    return { start: begin, end: Math.max(begin, to === undefined ? runEnd : Date.parse(to)) }
  }
  const bars: TimelineBar[] = []
  const addAgent = ({ agent, children, toolCalls }: TreeAgent, depth: number): void => {
    bars.push({
      id: `agent:${agent.agentId}`,
      kind: 'agent',
      label: agent.agentName,
      depth,
      state: agent.state,
      ...span(agent.startedAt, agent.completedAt),
    })
    for (const call of toolCalls) {
      bars.push({
        id: `tool:${call.id}`,
        kind: 'tool',
        label: call.toolName,
        depth: depth + 1,
        state: call.state,
        ...span(call.startedAt, call.completedAt),
      })
    }
    for (const child of children) addAgent(child, depth + 1)
  }
  for (const { department, agents } of treeOf(state)) {
    if (department) {
      bars.push({
        id: `department:${department.name}`,
        kind: 'department',
        label: department.name,
        depth: 0,
        state: department.state,
        ...span(department.startedAt, department.completedAt),
      })
    }
    for (const agent of agents) addAgent(agent, department ? 1 : 0)
  }
  const end = bars.reduce((last, bar) => Math.max(last, bar.end), runEnd)
  return { start, end, bars }
}
