import { useMemo, useState } from 'react'
import type { AgentEventType, StampedAgentEvent } from 'agent-events/client'
import { agentOf, departmentOf, filterEvents, NO_FILTER, type EventFilter } from '../state/event-filter.js'
import type { RunState } from '../state/run-state.js'
import { formatClock, preview } from '../state/format.js'

/** Rows drawn at most: the newest ones. */
const MAX_ROWS = 400
const SKIPPED_FIELDS = new Set([
  'id',
  'seq',
  'type',
  'executionId',
  'conversationId',
  'projectId',
  'timestamp',
  'agentId',
  'agentName',
  'department',
])

/** The raw events of a run, newest first, filtered by type, department and agent. */
export function EventLog({ events, state }: { events: readonly StampedAgentEvent[]; state: RunState }) {
  const [filter, setFilter] = useState<EventFilter>(NO_FILTER)
  const types = useMemo(
    () => (Object.keys(state.countsByType) as AgentEventType[]).sort(),
    [state.countsByType],
  )
  const shown = useMemo(() => filterEvents(events, filter, state), [events, filter, state])
  const newest = shown.slice(-MAX_ROWS).reverse()
  const toggleType = (type: AgentEventType): void =>
    setFilter((current) => ({
      ...current,
      types: current.types.includes(type)
        ? current.types.filter((t) => t !== type)
        : [...current.types, type],
    }))
  return (
    <div>
      <div className="filters">
        <div className="chips" role="group" aria-label="Event types">
          {types.map((type) => (
            <button
              key={type}
              type="button"
              aria-pressed={filter.types.includes(type)}
              onClick={() => toggleType(type)}
              data-testid={`log-type-${type}`}
            >
              {type} <span className="mono">{state.countsByType[type]}</span>
            </button>
          ))}
        </div>
        <label>
          department
          <select
            value={filter.department ?? ''}
            onChange={(change) => setFilter({ ...filter, department: change.target.value || undefined })}
            data-testid="log-department"
          >
            <option value="">all</option>
            {state.departmentOrder.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          agent
          <select
            value={filter.agentId ?? ''}
            onChange={(change) => setFilter({ ...filter, agentId: change.target.value || undefined })}
            data-testid="log-agent"
          >
            <option value="">all</option>
            {state.agentOrder.map((id) => (
              <option key={id} value={id}>
                {state.agents[id]?.agentName ?? id}
              </option>
            ))}
          </select>
        </label>
        <span className="step" data-testid="log-count">
          {shown.length} of {events.length} events
        </span>
      </div>
      <div className="event-log">
        <table>
          <thead>
            <tr>
              <th className="num">seq</th>
              <th>time</th>
              <th>type</th>
              <th>department / agent</th>
              <th>detail</th>
            </tr>
          </thead>
          <tbody data-testid="log-rows">
            {newest.map((event) => (
              <tr key={event.seq} data-seq={event.seq} data-type={event.type}>
                <td className="num mono">{event.seq}</td>
                <td className="mono">{formatClock(event.timestamp)}</td>
                <td className="mono">{event.type}</td>
                <td>{[departmentOf(event, state), agentName(event, state)].filter(Boolean).join(' / ')}</td>
                <td className="detail mono">{preview(details(event), 200)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length > MAX_ROWS ? <p className="empty">The newest {MAX_ROWS} are shown.</p> : null}
      </div>
    </div>
  )
}

function agentName(event: StampedAgentEvent, state: RunState): string | undefined {
  const agentId = agentOf(event)
  return agentId === undefined ? undefined : (state.agents[agentId]?.agentName ?? agentId)
}

function details(event: StampedAgentEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([key]) => !SKIPPED_FIELDS.has(key)))
}
