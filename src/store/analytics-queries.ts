import { AgentEventsError } from '../errors.js'
import type { StoreModels } from './models.js'
import { assembleExecution } from './run-assembly.js'
import type { RunRollupDocument } from './run-rollup-models.js'
import { groupRuns, type AnalyticsGroupBy, type RunGroup, type WindowRuns } from './run-statistics.js'

export interface RunAnalyticsQuery {
  /** Only this project's runs; every project's (and runs naming none) when absent. */
  readonly projectId?: string
  /** Runs that ended at or after this time (quality checks: given at or after). */
  readonly from: Date
  /** ... and before this time. */
  readonly to: Date
  readonly groupBy: AnalyticsGroupBy
  /** The score at or above which a score without a `passed` verdict passes. @default 0.7, 70 above 1 */
  readonly passScore?: number
}

export interface RunAnalytics {
  /** Ordered by key. */
  readonly groups: RunGroup[]
  /** Rollup documents read: the window's, plus all those of executions that began before it. */
  readonly scannedRuns: number
}

/** Rollup documents one query may read; a wider window is refused as `invalid_request`. */
export const MAX_SCANNED_RUNS = 200_000
/**
 * The server gives up on a read after this long (MongoDB's `maxTimeMS`; FerretDB ignores it): a slow
 * analytics read then fails alone, before the store connection's own 30 s bound would take the
 * connection for a stuck one and replace it under the node's other reads.
 */
const READ_TIME_LIMIT_MS = 20_000
/** Executions whose other pieces are read per query. */
const EXECUTIONS_PER_READ = 500

/**
 * Statistics per agent or department over a time window, from the rollups: one indexed range read
 * of the window (`{projectId, at}` or `{at}`), then, only for the executions whose pieces in the
 * window do not answer alone (a run that began before the window), one indexed read of all their
 * pieces (`{executionId}`). Runs and percentiles are computed exactly here.
 * @example const { groups } = await queryRunAnalytics(models, { projectId: 'p', from, to, groupBy: 'agent' })
 */
export async function queryRunAnalytics(
  models: StoreModels,
  query: RunAnalyticsQuery,
): Promise<RunAnalytics> {
  const range: Record<string, unknown> = { at: { $gte: query.from, $lt: query.to } }
  if (query.projectId !== undefined) range.projectId = query.projectId
  const inWindow = await models.runs
    .find(range)
    .limit(MAX_SCANNED_RUNS + 1)
    .maxTimeMS(READ_TIME_LIMIT_MS)
    .lean<RunRollupDocument[]>()
  let scannedRuns = inWindow.length
  if (scannedRuns > MAX_SCANNED_RUNS) throw tooWide()
  const byExecution = groupByExecution(inWindow)
  const assembled = new Map([...byExecution].map(([id, documents]) => [id, assembleExecution(documents)]))
  const incomplete = [...assembled].filter(([, execution]) => execution.incomplete).map(([id]) => id)
  for (let start = 0; start < incomplete.length; start += EXECUTIONS_PER_READ) {
    const executionIds = incomplete.slice(start, start + EXECUTIONS_PER_READ)
    // Every piece of these executions: some may lie outside the window, or name no project.
    const pieces = await models.runs
      .find({ executionId: { $in: executionIds } })
      .maxTimeMS(READ_TIME_LIMIT_MS)
      .lean<RunRollupDocument[]>()
    scannedRuns += pieces.length
    if (scannedRuns > MAX_SCANNED_RUNS) throw tooWide()
    for (const [id, documents] of groupByExecution(pieces)) assembled.set(id, assembleExecution(documents))
  }
  const counts = (at: Date, projectId: string | undefined): boolean =>
    at >= query.from && at < query.to && (query.projectId === undefined || projectId === query.projectId)
  const executions = [...assembled.values()]
  const window: WindowRuns = {
    agentRuns: executions.flatMap((e) => e.agentRuns.filter((run) => counts(run.completedAt, run.projectId))),
    departmentRuns: executions.flatMap((e) =>
      e.departmentRuns.filter((run) => counts(run.completedAt, run.projectId)),
    ),
    qualityChecks: executions.flatMap((e) =>
      e.qualityChecks.filter((check) => counts(check.at, check.projectId)),
    ),
  }
  return { groups: groupRuns(window, query.groupBy, query.passScore), scannedRuns }
}

function groupByExecution(documents: readonly RunRollupDocument[]): Map<string, RunRollupDocument[]> {
  const byExecution = new Map<string, RunRollupDocument[]>()
  for (const document of documents) {
    const list = byExecution.get(document.executionId) ?? []
    list.push(document)
    byExecution.set(document.executionId, list)
  }
  return byExecution
}

function tooWide(): AgentEventsError {
  return new AgentEventsError(
    'invalid_request',
    `The window holds more than ${MAX_SCANNED_RUNS} run documents: narrow \`from\` and \`to\``,
  )
}
