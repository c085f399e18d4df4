import type { RunAnalytics, RunAnalyticsQuery } from '../store/analytics-queries.js'

export interface AnalyticsCacheOptions {
  /** How long an answer is reused, in ms. @default 5000 */
  readonly ttlMs?: number
  /** Answers kept at most; the oldest goes first. @default 100 */
  readonly maxEntries?: number
}

/**
 * Shares analytics answers among the requests of a web node for a few seconds: a dashboard polled by
 * many viewers runs one scan per query and interval, and concurrent identical queries share the one
 * in flight. Failures are not kept.
 * @example const { groups } = await cache.get(query, () => store.getRunAnalytics(query))
 */
export class AnalyticsCache {
  private readonly entries = new Map<
    string,
    { readonly expiresAt: number; readonly answer: Promise<RunAnalytics> }
  >()
  private readonly ttlMs: number
  private readonly maxEntries: number

  constructor(options: AnalyticsCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5000
    this.maxEntries = options.maxEntries ?? 100
  }

  get(query: RunAnalyticsQuery, compute: () => Promise<RunAnalytics>): Promise<RunAnalytics> {
    const key = JSON.stringify([query.projectId, query.from, query.to, query.groupBy, query.passScore])
    const now = Date.now()
    const cached = this.entries.get(key)
    if (cached && cached.expiresAt > now) return cached.answer
    this.entries.delete(key)
    for (const [oldKey, entry] of this.entries) {
      if (entry.expiresAt <= now || this.entries.size >= this.maxEntries) this.entries.delete(oldKey)
    }
    const answer = compute()
    this.entries.set(key, { expiresAt: now + this.ttlMs, answer })
    answer.catch(() => {
      if (this.entries.get(key)?.answer === answer) this.entries.delete(key)
    })
    return answer
  }
}
