import { useAgentEvents } from 'agent-events/react'
import { conversationExecutions, durationOf, type ExecutionSummary } from '../api/executions.js'
import { failureText, Notice, Progress, StateBadge } from '../components/common.js'
import { useDashboard } from '../context.js'
import { useConnected } from '../hooks/use-connection.js'
import { useConversationRuns } from '../hooks/use-conversation-runs.js'
import { usePolling } from '../hooks/use-polling.js'
import { hrefOf } from '../routing.js'
import type { RunView } from '../state/event-log.js'
import { formatCount, formatDateTime, formatDuration, formatScore } from '../state/format.js'
import { qualityAverage } from '../state/run-state.js'

const POLL_MS = 5000

/** Every execution of one conversation, newest first, each live: its departments and running agents. */
export function ConversationPage({ conversationId }: { conversationId: string }) {
  const { api, client } = useDashboard()
  const listing = usePolling(() => conversationExecutions(api, conversationId), POLL_MS, conversationId)
  const live = useAgentEvents(client, { conversationId }, { maxEvents: 5000 })
  const views = useConversationRuns(api, listing.value, live.events)
  const { connected } = useConnected(client)
  const summaries = new Map((listing.value ?? []).map((summary) => [summary.executionId, summary]))
  const ids = [...new Set([...views.keys(), ...summaries.keys()])].sort(
    (a, b) => startOf(b, views, summaries) - startOf(a, views, summaries) || b.localeCompare(a),
  )
  const link = !connected ? 'reconnecting' : live.subscribed ? 'live' : 'resuming'
  return (
    <>
      <div className="page-head">
        <h1>
          Conversation{' '}
          <span className="mono" data-testid="conversation-id">
            {conversationId}
          </span>
        </h1>
        <StateBadge state={link} testId="conversation-link-state" />
        <span className="step" data-testid="conversation-total">
          {ids.length} {ids.length === 1 ? 'run' : 'runs'}
        </span>
        <span className="grow" />
        <a href={hrefOf({ page: 'runs', conversationId })}>as a table</a>
      </div>
      {live.error ? (
        <Notice kind="error">The node refused the watch: {failureText(live.error)}</Notice>
      ) : null}
      {live.missing.map((range) => (
        <Notice key={`${range.from}-${range.to}`} testId="missing-range">
          Events {range.from}–{range.to} of a run could not be replayed; they are read from the stored
          history.
        </Notice>
      ))}
      {listing.error ? (
        <Notice kind="error">The stored runs could not be read: {failureText(listing.error)}</Notice>
      ) : null}
      {ids.length === 0 ? (
        <p className="empty">
          {listing.loading ? 'Loading…' : 'No run yet: new runs of this conversation appear here.'}
        </p>
      ) : (
        <div className="cards">
          {ids.map((id) => (
            <RunCard key={id} executionId={id} view={views.get(id)} summary={summaries.get(id)} />
          ))}
        </div>
      )}
    </>
  )
}

function RunCard({
  executionId,
  view,
  summary,
}: {
  executionId: string
  view?: RunView
  summary?: ExecutionSummary
}) {
  // Its events once some are here (live or read from the store); until then its stored summary.
  const state = view !== undefined && view.state.eventCount > 0 ? view.state : undefined
  const figures = state
    ? {
        status: state.status,
        startedAt: state.startedAt,
        duration:
          state.startedAt === undefined
            ? undefined
            : Date.parse(state.completedAt ?? state.lastEventAt ?? state.startedAt) -
              Date.parse(state.startedAt),
        events: state.eventCount,
        tokens: state.tokens.total,
        quality: qualityAverage(state.quality),
        departments: state.departmentOrder,
      }
    : {
        status: summary?.status ?? 'waiting',
        startedAt: summary?.startedAt,
        duration: summary && durationOf(summary),
        events: summary?.eventCount,
        tokens: summary?.tokenUsage.total,
        quality:
          summary && summary.quality.count > 0 ? summary.quality.sum / summary.quality.count : undefined,
        departments: summary?.departments ?? [],
      }
  const running = state
    ? state.agentOrder.flatMap((id) => state.agents[id] ?? []).filter((a) => a.state === 'running')
    : []
  return (
    <article className="card" data-testid={`conversation-run-${executionId}`} data-status={figures.status}>
      <div className="card-head">
        <StateBadge state={figures.status} />
        <a className="mono" href={hrefOf({ page: 'run', executionId, mode: 'live' })}>
          {executionId}
        </a>
        <span className="chips">
          {figures.departments.map((name) => (
            <StateBadge key={name} state={state?.departments[name]?.state ?? 'completed'} label={name} />
          ))}
        </span>
      </div>
      <div className="meta">
        <span>started {formatDateTime(figures.startedAt)}</span>
        <span>{formatDuration(figures.duration)}</span>
        <span data-testid="card-events">{formatCount(figures.events)} events</span>
        <span>{formatCount(figures.tokens)} tokens</span>
        <span>quality {formatScore(figures.quality)}</span>
      </div>
      {running.map((agent) => (
        <div key={agent.agentId} className="meta">
          <span>{agent.agentName}</span>
          <Progress value={agent.progress ?? 0} label={`${agent.agentName} progress`} />
          <span>{agent.currentStep}</span>
        </div>
      ))}
    </article>
  )
}

function startOf(
  id: string,
  views: ReadonlyMap<string, RunView>,
  summaries: ReadonlyMap<string, ExecutionSummary>,
): number {
  const started = views.get(id)?.state.startedAt ?? summaries.get(id)?.startedAt
  return started === undefined ? Number.MAX_SAFE_INTEGER : Date.parse(started)
}
