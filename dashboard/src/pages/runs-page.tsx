import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { useAgentEvents } from 'agent-events/react'
import {
  durationOf,
  listRuns,
  type ExecutionStatus,
  type ExecutionSummary,
  type RunsQuery,
} from '../api/executions.js'
import { failureText, Notice, StateBadge } from '../components/common.js'
import { useDashboard } from '../context.js'
import { usePolling } from '../hooks/use-polling.js'
import { hrefOf, type Route } from '../routing.js'
import { formatCount, formatDateTime, formatDuration, formatScore } from '../state/format.js'

type RunsRoute = Extract<Route, { page: 'runs' }>

/** The list is read again this often; a watched conversation also refreshes it as soon as a run starts or ends. */
const POLL_MS = 3000

/**
 * The runs list: executions of a conversation or a project, newest first, with live status, start,
 * duration, events, tokens and quality; filters and a search by execution id live in the address.
 */
export function RunsPage({ route }: { route: RunsRoute }) {
  const { api, client } = useDashboard()
  const query = useMemo(
    () => ({
      conversationId: route.conversationId,
      projectId: route.projectId,
      status: route.status,
      q: route.q,
      limit: 50,
    }),
    [route.conversationId, route.projectId, route.status, route.q],
  )
  const runs = usePolling(() => listRuns(api, query), POLL_MS, JSON.stringify(query))
  const conversation =
    route.conversationId === undefined ? undefined : { conversationId: route.conversationId }
  const live = useAgentEvents(client, conversation, { maxEvents: 200 })
  const latest = live.events.at(-1)
  const { refresh } = runs
  // A run starting or ending changes the list: read it now rather than at the next tick.
  useEffect(() => {
    if (latest?.type === 'orchestration-start' || latest?.type === 'orchestration-complete') refresh()
  }, [latest, refresh])
  const older = useOlderRuns(query, runs.value?.nextBefore ?? null)
  const newest = runs.value?.executions ?? []
  const shown = new Set(newest.map((execution) => execution.executionId))
  const executions = [...newest, ...older.runs.filter((execution) => !shown.has(execution.executionId))]
  return (
    <>
      <div className="page-head">
        <h1>Runs</h1>
        {route.conversationId ? (
          <a
            href={hrefOf({ page: 'conversation', conversationId: route.conversationId })}
            data-testid="conversation-link"
          >
            conversation view
          </a>
        ) : null}
      </div>
      <RunsFilters route={route} />
      {runs.error ? (
        <Notice kind="error" testId="runs-error">
          The runs could not be read: {failureText(runs.error)}
        </Notice>
      ) : null}
      <div className="panel">
        <RunsTable executions={executions} loading={runs.loading} />
        {older.more ? (
          <button type="button" onClick={older.load} disabled={older.loading} data-testid="runs-older">
            {older.loading ? 'Loading…' : 'Older runs'}
          </button>
        ) : null}
      </div>
    </>
  )
}

/**
 * Pages after the first (which is read again and again): fetched once each, on demand, from the
 * cursor of the first page, then of the last page fetched.
 */
function useOlderRuns(query: RunsQuery, firstCursor: string | null) {
  const { api } = useDashboard()
  const [pages, setPages] = useState<
    { runs: readonly ExecutionSummary[]; cursor: string | null } | undefined
  >()
  const [loading, setLoading] = useState(false)
  const key = JSON.stringify(query)
  useEffect(() => setPages(undefined), [key])
  const cursor = pages ? pages.cursor : firstCursor
  const load = (): void => {
    if (cursor === null) return
    setLoading(true)
    listRuns(api, { ...query, before: cursor })
      .then(
        (page) =>
          setPages((current) => ({
            runs: [...(current?.runs ?? []), ...page.executions],
            cursor: page.nextBefore,
          })),
        () => undefined,
      )
      .finally(() => setLoading(false))
  }
  return { runs: pages?.runs ?? [], more: cursor !== null, loading, load }
}

function RunsFilters({ route }: { route: RunsRoute }) {
  const [draft, setDraft] = useState(route)
  useEffect(() => setDraft(route), [route])
  const apply = (submitted: FormEvent): void => {
    submitted.preventDefault()
    window.location.hash = hrefOf(draft)
  }
  const text = (name: 'conversationId' | 'projectId' | 'q', value: string) =>
    setDraft({ ...draft, [name]: value.trim() === '' ? undefined : value.trim() })
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter runs">
      <label>
        conversation
        <input
          value={draft.conversationId ?? ''}
          onChange={(e) => text('conversationId', e.target.value)}
          data-testid="filter-conversation"
        />
      </label>
      <label>
        project
        <input
          value={draft.projectId ?? ''}
          onChange={(e) => text('projectId', e.target.value)}
          data-testid="filter-project"
        />
      </label>
      <label>
        status
        <select
          value={draft.status ?? ''}
          onChange={(e) =>
            setDraft({ ...draft, status: (e.target.value || undefined) as ExecutionStatus | undefined })
          }
          data-testid="filter-status"
        >
          <option value="">any</option>
          <option value="running">running</option>
          <option value="completed">completed</option>
          <option value="failed">failed</option>
        </select>
      </label>
      <label>
        execution id
        <input
          type="search"
          placeholder="starts with…"
          value={draft.q ?? ''}
          onChange={(e) => text('q', e.target.value)}
          data-testid="filter-search"
        />
      </label>
      <button type="submit" className="primary" data-testid="filter-apply">
        Show
      </button>
    </form>
  )
}

function RunsTable({ executions, loading }: { executions: readonly ExecutionSummary[]; loading: boolean }) {
  if (executions.length === 0) {
    return (
      <p className="empty" data-testid="runs-empty">
        {loading ? 'Loading…' : 'No runs match.'}
      </p>
    )
  }
  return (
    <table data-testid="runs-table">
      <thead>
        <tr>
          <th>status</th>
          <th>execution</th>
          <th>conversation</th>
          <th>started</th>
          <th className="num">duration</th>
          <th className="num">events</th>
          <th className="num">tokens</th>
          <th className="num">quality</th>
        </tr>
      </thead>
      <tbody>
        {executions.map((execution) => (
          <tr
            key={execution.executionId}
            data-testid={`run-row-${execution.executionId}`}
            data-status={execution.status}
          >
            <td>
              <StateBadge state={execution.status} />
            </td>
            <td className="mono">
              <a href={hrefOf({ page: 'run', executionId: execution.executionId, mode: 'live' })}>
                {execution.executionId}
              </a>
            </td>
            <td className="mono">
              {execution.conversationId ? (
                <a href={hrefOf({ page: 'conversation', conversationId: execution.conversationId })}>
                  {execution.conversationId}
                </a>
              ) : (
                '—'
              )}
            </td>
            <td>{formatDateTime(execution.startedAt)}</td>
            <td className="num">{formatDuration(durationOf(execution))}</td>
            <td className="num" data-testid="cell-events">
              {formatCount(execution.eventCount)}
            </td>
            <td className="num">{formatCount(execution.tokenUsage.total)}</td>
            <td className="num">
              {formatScore(
                execution.quality.count === 0 ? undefined : execution.quality.sum / execution.quality.count,
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
