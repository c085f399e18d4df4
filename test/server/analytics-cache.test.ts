import { afterEach, describe, expect, it, vi } from 'vitest'
import { AnalyticsCache } from '../../src/server/analytics-cache.js'
import type { RunAnalytics, RunAnalyticsQuery } from '../../src/store/analytics-queries.js'

const query: RunAnalyticsQuery = { projectId: 'p', from: new Date(0), to: new Date(1000), groupBy: 'agent' }
const answer = (scannedRuns: number): RunAnalytics => ({ groups: [], scannedRuns })

afterEach(() => {
  vi.useRealTimers()
})

describe('the analytics cache of a web node', () => {
  it('shares one computation among identical queries until it expires', async () => {
    vi.useFakeTimers({ now: 0, toFake: ['Date'] })
    const cache = new AnalyticsCache({ ttlMs: 5000 })
    const compute = vi.fn(async () => answer(compute.mock.calls.length))
    const [first, second] = await Promise.all([cache.get(query, compute), cache.get(query, compute)])
    expect([first.scannedRuns, second.scannedRuns, compute.mock.calls.length]).toEqual([1, 1, 1])
    expect((await cache.get({ ...query, groupBy: 'department' }, compute)).scannedRuns).toBe(2)
    vi.setSystemTime(5000)
    expect((await cache.get(query, compute)).scannedRuns).toBe(3)
  })

  it('keeps no failure', async () => {
    const cache = new AnalyticsCache()
    await expect(cache.get(query, () => Promise.reject(new Error('store down')))).rejects.toThrow(
      'store down',
    )
    expect((await cache.get(query, async () => answer(7))).scannedRuns).toBe(7)
  })

  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const cache = new AnalyticsCache({ maxEntries: 2 })
    const compute = vi.fn(async () => answer(compute.mock.calls.length))
    for (const projectId of ['a', 'b', 'c']) await cache.get({ ...query, projectId }, compute)
    expect((await cache.get({ ...query, projectId: 'c' }, compute)).scannedRuns).toBe(3)
    expect((await cache.get({ ...query, projectId: 'a' }, compute)).scannedRuns).toBe(4)
  })
})
