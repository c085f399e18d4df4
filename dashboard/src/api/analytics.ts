import type { ApiClient } from './http-client.js'

/** What the analytics are grouped by. */
export type AnalyticsGroupBy = 'department' | 'agent'

/** The query of `GET /api/analytics` (CONTRACTS 3). `from`/`to`: ISO times; the server defaults to the last 7 days. */
export interface AnalyticsQuery {
  readonly projectId?: string
  readonly from?: string
  readonly to?: string
  readonly groupBy: AnalyticsGroupBy
}

/** One department or agent of the analytics. */
export interface AnalyticsGroup {
  readonly key: string
  readonly department?: string
  readonly agentId?: string
  readonly agentName?: string
  readonly runs: number
  readonly failed: number
  /** 0..1 */
  readonly failureRate: number
  readonly durationMs: { readonly p50: number; readonly p95: number }
  readonly tokens: { readonly input: number; readonly output: number; readonly total: number }
  readonly quality: {
    readonly count: number
    readonly average: number | null
    readonly min: number | null
    /** 0..1 */
    readonly passRate: number | null
  }
}

export interface AnalyticsReport {
  readonly projectId: string | null
  readonly from: string
  readonly to: string
  readonly groupBy: AnalyticsGroupBy
  readonly groups: readonly AnalyticsGroup[]
  /** Stored run records (rollup documents) the node read to answer: a cost, not a count of runs. */
  readonly scannedRuns: number
}

/**
 * The analytics of a project over a time range.
 * @example const report = await getAnalytics(api, { projectId: 'proj-1', groupBy: 'agent' })
 */
export function getAnalytics(api: ApiClient, query: AnalyticsQuery): Promise<AnalyticsReport> {
  return api.get<AnalyticsReport>('/api/analytics', { ...query })
}
