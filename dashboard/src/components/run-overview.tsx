import { useEffect, useState } from 'react'
import { hrefOf } from '../routing.js'
import type { RunView } from '../state/event-log.js'
import { formatClock, formatCount, formatDateTime, formatDuration, formatScore } from '../state/format.js'
import { qualityAverage } from '../state/run-state.js'
import { timelineOf } from '../state/timeline.js'
import { StateBadge, Stat } from './common.js'
import { DepartmentTable } from './department-table.js'
import { EventLog } from './event-log.js'
import { RunTree } from './run-tree.js'
import { TimelineChart } from './timeline-chart.js'

/**
 * Everything the page shows of one run, from its {@link RunView}: totals, the tree, the departments,
 * the timeline and the raw events. Shared by the live view and the replay. `clock`: `wall` lets running
 * bars grow with the time of day (live); `events` stops time at the last event (replay).
 */
export function RunOverview({ view, clock }: { view: RunView; clock: 'wall' | 'events' }) {
  const { state, events } = view
  const now = useNow(clock === 'wall' && state.status === 'running')
  const lastEvent = state.lastEventAt === undefined ? undefined : Date.parse(state.lastEventAt)
  const timeNow = clock === 'wall' ? now : (lastEvent ?? now)
  const started = state.startedAt === undefined ? undefined : Date.parse(state.startedAt)
  const ended = state.completedAt === undefined ? timeNow : Date.parse(state.completedAt)
  const agents = Object.values(state.agents)
  const { conversationId } = state
  return (
    <>
      {conversationId ? (
        <p className="step">
          in{' '}
          <a href={hrefOf({ page: 'conversation', conversationId })} data-testid="run-conversation-link">
            conversation {conversationId}
          </a>
        </p>
      ) : null}
      <div className="stats">
        <Stat
          label="status"
          testId="run-status"
          value={<StateBadge state={state.status} testId="run-state" />}
        />
        <Stat
          label="started"
          testId="run-started"
          value={formatClock(state.startedAt)}
          sub={formatDateTime(state.startedAt).slice(0, 10)}
        />
        <Stat
          label="duration"
          testId="run-duration"
          value={started === undefined ? '—' : formatDuration(ended - started)}
        />
        <Stat
          label="events"
          testId="run-event-count"
          value={formatCount(state.eventCount)}
          sub={`last seq ${state.lastSeq}`}
        />
        <Stat
          label="agents"
          testId="run-agent-count"
          value={formatCount(agents.length)}
          sub={`${agents.filter((agent) => agent.state === 'completed').length} completed`}
        />
        <Stat
          label="tokens"
          testId="run-tokens"
          value={formatCount(state.tokens.total)}
          sub={`${formatCount(state.tokens.input)} in · ${formatCount(state.tokens.output)} out`}
        />
        <Stat
          label="quality"
          testId="run-quality"
          value={formatScore(qualityAverage(state.quality))}
          sub={`${state.quality.count} scores · ${state.quality.passed} passed · ${state.quality.failed} failed`}
        />
      </div>
      <div className="grid-2">
        <section className="panel" aria-labelledby="tree-title">
          <h3 id="tree-title">Orchestration</h3>
          <RunTree state={state} />
        </section>
        <section className="panel" aria-labelledby="departments-title">
          <h3 id="departments-title">Departments</h3>
          <DepartmentTable state={state} />
        </section>
      </div>
      <section className="panel" aria-labelledby="timeline-title">
        <h3 id="timeline-title">Timeline</h3>
        <TimelineChart timeline={timelineOf(state, timeNow)} />
      </section>
      <section className="panel" aria-labelledby="log-title">
        <h3 id="log-title">Events</h3>
        <EventLog events={events} state={state} />
      </section>
    </>
  )
}

/** The time of day, ticking every second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!ticking) return undefined
    const timer = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(timer)
  }, [ticking])
  return ticking ? now : Date.now()
}
