import type { AnalyticsAnswer, AnalyticsGroupBy, RunGroup } from 'agent-events/client'
import type { ApiClient } from './http-client.js'

export type { AnalyticsGroupBy }

/** The query of `GET /api/analytics`. `from`/`to`: ISO times; the server defaults to the last 7 days. */
export interface AnalyticsQuery {
  readonly projectId?: string
  readonly from?: string
  readonly to?: string
  readonly groupBy: AnalyticsGroupBy
}

/** One department or agent of the analytics, as the server computes it. */
export type AnalyticsGroup = RunGroup

/** The answer of `GET /api/analytics`. */
export type AnalyticsReport = AnalyticsAnswer

/**
 * The analytics of a project over a time range.
 * @example const report = await getAnalytics(api, { projectId: 'proj-1', groupBy: 'agent' })
 */
export function getAnalytics(api: ApiClient, query: AnalyticsQuery): Promise<AnalyticsReport> {
  return api.get<AnalyticsReport>('/api/analytics', { ...query })
}
