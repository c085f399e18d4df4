import { useEffect, useState, type FormEvent } from 'react'
import { getAnalytics, type AnalyticsGroup, type AnalyticsReport } from '../api/analytics.js'
import { BarChart } from '../components/bar-chart.js'
import { failureText, Notice } from '../components/common.js'
import { useDashboard } from '../context.js'
import { usePolling } from '../hooks/use-polling.js'
import { hrefOf, type Route } from '../routing.js'
import { formatCount, formatDateTime, formatDuration, formatPercent, formatScore } from '../state/format.js'

type AnalyticsRoute = Extract<Route, { page: 'analytics' }>

/** The time ranges offered, by their name in the address. */
export const RANGES = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
} as const
type RangeName = keyof typeof RANGES
const POLL_MS = 30_000

/** Runs, durations, failure rate, tokens and quality per department or per agent, for a project and a time range. */
export function AnalyticsPage({ route }: { route: AnalyticsRoute }) {
  const { api } = useDashboard()
  const range: RangeName =
    route.range !== undefined && route.range in RANGES ? (route.range as RangeName) : '7d'
  const key = JSON.stringify([route.projectId, range, route.groupBy])
  const report = usePolling(
    () => {
      const to = new Date()
      const from = new Date(to.getTime() - RANGES[range])
      return getAnalytics(api, {
        projectId: route.projectId,
        groupBy: route.groupBy,
        from: from.toISOString(),
        to: to.toISOString(),
      })
    },
    POLL_MS,
    key,
  )
  return (
    <>
      <div className="page-head">
        <h1>Analytics</h1>
      </div>
      <AnalyticsFilters route={route} range={range} />
      {report.error ? (
        <Notice kind="error" testId="analytics-error">
          The analytics could not be read: {failureText(report.error)}
        </Notice>
      ) : null}
      {report.value ? (
        <Report report={report.value} />
      ) : report.loading ? (
        <p className="empty">Loading…</p>
      ) : null}
    </>
  )
}

function AnalyticsFilters({ route, range }: { route: AnalyticsRoute; range: RangeName }) {
  const [project, setProject] = useState(route.projectId ?? '')
  useEffect(() => setProject(route.projectId ?? ''), [route.projectId])
  const go = (change: Partial<AnalyticsRoute>): void => {
    window.location.hash = hrefOf({ ...route, range, ...change })
  }
  const submit = (submitted: FormEvent): void => {
    submitted.preventDefault()
    go({ projectId: project.trim() || undefined })
  }
  return (
    <form className="filters" onSubmit={submit} aria-label="Analytics filters">
      <label>
        project
        <input value={project} onChange={(e) => setProject(e.target.value)} data-testid="analytics-project" />
      </label>
      <label>
        time range
        <select value={range} onChange={(e) => go({ range: e.target.value })} data-testid="analytics-range">
          <option value="24h">last 24 hours</option>
          <option value="7d">last 7 days</option>
          <option value="30d">last 30 days</option>
          <option value="90d">last 90 days</option>
        </select>
      </label>
      <div className="segmented" role="group" aria-label="Group by">
        {(['department', 'agent'] as const).map((groupBy) => (
          <button
            key={groupBy}
            type="button"
            aria-pressed={route.groupBy === groupBy}
            onClick={() => go({ groupBy })}
            data-testid={`analytics-group-${groupBy}`}
          >
            by {groupBy}
          </button>
        ))}
      </div>
      <button type="submit" className="primary" data-testid="analytics-apply">
        Show
      </button>
    </form>
  )
}

function Report({ report }: { report: AnalyticsReport }) {
  const { groups } = report
  const rows = (values: (group: AnalyticsGroup) => (number | null)[]) =>
    groups.map((group) => ({ key: group.key, label: labelOf(group), values: values(group) }))
  // Each run is in exactly one group: an agent run in its agent's, a department run in its department's.
  const runs = groups.reduce((sum, group) => sum + group.runs, 0)
  return (
    <>
      <p className="step" data-testid="analytics-scope">
        {formatCount(runs)} {report.groupBy} runs ended from {formatDateTime(report.from)} to{' '}
        {formatDateTime(report.to)}
        {report.projectId ? ` in ${report.projectId}` : ''} ({formatCount(report.scannedRuns)} stored run
        records read)
      </p>
      {groups.length === 0 ? <p className="empty">No run in this range.</p> : null}
      <div className="grid-2">
        <BarChart
          title="Runs"
          testId="chart-runs"
          series={[
            { name: 'runs', tone: 'primary' },
            { name: 'failed', tone: 'bad' },
          ]}
          rows={rows((g) => [g.runs, g.failed])}
          format={formatCount}
        />
        <BarChart
          title="Duration"
          testId="chart-duration"
          series={[
            { name: 'p50', tone: 'primary' },
            { name: 'p95', tone: 'secondary' },
          ]}
          rows={rows((g) => [g.durationMs.p50, g.durationMs.p95])}
          format={formatDuration}
        />
        <BarChart
          title="Failure rate"
          testId="chart-failure-rate"
          series={[{ name: 'failure rate', tone: 'bad' }]}
          rows={rows((g) => [g.failureRate])}
          format={formatPercent}
          max={1}
        />
        <BarChart
          title="Tokens"
          testId="chart-tokens"
          series={[
            { name: 'input', tone: 'primary' },
            { name: 'output', tone: 'secondary' },
          ]}
          rows={rows((g) => [g.tokens.input, g.tokens.output])}
          format={formatCount}
        />
        <BarChart
          title="Quality (average and minimum)"
          testId="chart-quality"
          series={[
            { name: 'average', tone: 'good' },
            { name: 'minimum', tone: 'secondary' },
          ]}
          rows={rows((g) => [g.quality.average, g.quality.min])}
          format={formatScore}
        />
        <BarChart
          title="Quality pass rate"
          testId="chart-pass-rate"
          series={[{ name: 'pass rate', tone: 'good' }]}
          rows={rows((g) => [g.quality.passRate])}
          format={formatPercent}
          max={1}
        />
      </div>
      <AnalyticsTable groups={groups} />
    </>
  )
}

function AnalyticsTable({ groups }: { groups: readonly AnalyticsGroup[] }) {
  return (
    <div className="panel">
      <table data-testid="analytics-table">
        <thead>
          <tr>
            <th>group</th>
            <th className="num">runs</th>
            <th className="num">failed</th>
            <th className="num">failure rate</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
            <th className="num">tokens</th>
            <th className="num">quality avg</th>
            <th className="num">quality min</th>
            <th className="num">pass rate</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => (
            <tr key={group.key} data-testid={`analytics-row-${group.key}`}>
              <td>{labelOf(group)}</td>
              <td className="num" data-testid="cell-runs">
                {formatCount(group.runs)}
              </td>
              <td className="num" data-testid="cell-failed">
                {formatCount(group.failed)}
              </td>
              <td className="num" data-testid="cell-failure-rate">
                {formatPercent(group.failureRate)}
              </td>
              <td className="num" data-testid="cell-p50">
                {formatDuration(group.durationMs.p50)}
              </td>
              <td className="num" data-testid="cell-p95">
                {formatDuration(group.durationMs.p95)}
              </td>
              <td className="num" data-testid="cell-tokens">
                {formatCount(group.tokens.total)}
              </td>
              <td className="num" data-testid="cell-quality-average">
                {formatScore(group.quality.average)}
              </td>
              <td className="num" data-testid="cell-quality-min">
                {formatScore(group.quality.min)}
              </td>
              <td className="num" data-testid="cell-pass-rate">
                {formatPercent(group.quality.passRate)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function labelOf(group: AnalyticsGroup): string {
  if (group.agentName) return group.department ? `${group.agentName} (${group.department})` : group.agentName
  return group.department ?? group.agentId ?? group.key
}
