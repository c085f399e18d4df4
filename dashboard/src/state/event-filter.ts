import type { AgentEventType, StampedAgentEvent } from 'agent-events/client'
import type { RunState } from './run-state.js'

/** What the raw event log shows: every field undefined or empty means everything. */
export interface EventFilter {
  readonly types: readonly AgentEventType[]
  readonly department: string | undefined
  readonly agentId: string | undefined
}

export const NO_FILTER: EventFilter = { types: [], department: undefined, agentId: undefined }

/**
 * The department an event belongs to: its own `department`, else its agent's.
 * @example departmentOf(event, state) // 'story'
 */
export function departmentOf(event: StampedAgentEvent, state: RunState): string | undefined {
  if ('department' in event && typeof event.department === 'string') return event.department
  const agentId = agentOf(event)
  return agentId === undefined ? undefined : state.agents[agentId]?.department
}

/** The agent an event is about, if any. */
export function agentOf(event: StampedAgentEvent): string | undefined {
  return 'agentId' in event && typeof event.agentId === 'string' ? event.agentId : undefined
}

/**
 * The events that pass the filter, in their order.
 * @example filterEvents(view.events, { ...NO_FILTER, types: ['tool-call'] }, view.state)
 */
export function filterEvents(
  events: readonly StampedAgentEvent[],
  filter: EventFilter,
  state: RunState,
): StampedAgentEvent[] {
  const types = filter.types.length === 0 ? undefined : new Set<string>(filter.types)
  return events.filter(
    (event) =>
      (types === undefined || types.has(event.type)) &&
      (filter.department === undefined || departmentOf(event, state) === filter.department) &&
      (filter.agentId === undefined || agentOf(event) === filter.agentId),
  )
}
