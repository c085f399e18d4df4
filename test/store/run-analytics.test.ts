import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import type { RunAnalyticsQuery } from '../../src/store/analytics-queries.js'
import { EventStore } from '../../src/store/event-store.js'
import { databaseUrl, uniqueName } from '../support/durable-stack.js'
import {
  eventsOf,
  expectedGroups,
  generatedExecutions,
  readmePassRule,
  seededRandom,
  type ExecutionSpec,
} from '../support/run-scenarios.js'

const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3_600_000
const databaseName = uniqueName('runs').replace('-', '_')
let store: EventStore
beforeAll(async () => {
  store = await EventStore.open(databaseUrl(inject('mongoUrl'), databaseName))
})
afterAll(async () => {
  await store.close()
})

/** The whole of a project's analytics: one window over everything it ran. */
function query(projectId: string, groupBy: 'agent' | 'department'): RunAnalyticsQuery {
  return { projectId, from: new Date(T0 - HOUR), to: new Date(T0 + 100 * HOUR), groupBy }
}

/** Analytics groups without the labels the expectation does not compute. */
async function groupsOf(request: RunAnalyticsQuery) {
  const { groups } = await store.getRunAnalytics(request)
  return groups.map(({ key, runs, failed, failureRate, durationMs, tokens, quality }) => ({
    key,
    runs,
    failed,
    failureRate,
    durationMs,
    tokens,
    quality,
  }))
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}

describe('run analytics from the rollups', () => {
  it('gives the numbers of the runs whatever the batches: in order, or shuffled into overlapping batches delivered twice by two workers at once', async () => {
    const inOrder = generatedExecutions({
      count: 20,
      idPrefix: uniqueName('exec-ordered'),
      projectId: uniqueName('proj-ordered'),
      startAt: T0,
      spacingMs: 60_000,
      seed: 7,
    })
    const scrambled = inOrder.map((spec) => ({
      ...spec,
      executionId: spec.executionId.replace('exec-ordered', 'exec-scrambled'),
      projectId: `${spec.projectId ?? ''}-scrambled`,
    }))
    await store.persistBatch(inOrder.flatMap(eventsOf))

    const random = seededRandom(11)
    const events = shuffled(scrambled.flatMap(eventsOf), random)
    const batches: StampedAgentEvent[][] = []
    for (let start = 0; start < events.length;) {
      const size = 1 + Math.floor(random() * 6)
      // Every batch overlaps the next by one event, and a third of them are delivered again later.
      batches.push(events.slice(Math.max(0, start - 1), start + size))
      start += size
    }
    // Two workers (two connections) write at the same time, each its share of the deliveries.
    const deliveries = [...batches, ...batches.filter(() => random() < 0.33)]
    const otherWorker = await EventStore.open(databaseUrl(inject('mongoUrl'), databaseName))
    try {
      await Promise.all(
        [store, otherWorker].map(async (worker, index) => {
          for (const batch of deliveries.filter((_, i) => i % 2 === index)) await worker.persistBatch(batch)
        }),
      )
    } finally {
      await otherWorker.close()
    }

    for (const groupBy of ['agent', 'department'] as const) {
      const expected = expectedGroups(inOrder, groupBy, readmePassRule)
      expect(await groupsOf(query(inOrder[0]?.projectId ?? '', groupBy))).toEqual(expected)
      expect(await groupsOf(query(scrambled[0]?.projectId ?? '', groupBy))).toEqual(expected)
    }
  })

  it('counts a run that began before the window in the window it ended in, with its whole duration', async () => {
    const projectId = uniqueName('proj-straddle')
    const spec: ExecutionSpec = {
      executionId: uniqueName('exec-straddle'),
      projectId,
      startAt: T0,
      departments: [
        {
          department: 'research',
          agents: [
            {
              agentId: 'scout',
              agentName: 'Scout',
              durationMs: 2 * HOUR,
              reportsExecutionTime: false,
              failed: false,
              failedTool: false,
              tokens: { input: 5, output: 6, total: 11 },
            },
          ],
        },
      ],
    }
    // One batch per event: the start and the end never meet before query time.
    for (const event of eventsOf(spec)) await store.persistBatch([event])
    const window = { projectId, from: new Date(T0 + HOUR), to: new Date(T0 + 3 * HOUR) }
    const { groups: agents } = await store.getRunAnalytics({ ...window, groupBy: 'agent' })
    expect(agents).toMatchObject([{ key: 'scout', runs: 1, durationMs: { p50: 2 * HOUR, p95: 2 * HOUR } }])
    const { groups: departments } = await store.getRunAnalytics({ ...window, groupBy: 'department' })
    expect(departments).toMatchObject([
      { key: 'research', runs: 1, durationMs: { p50: 2 * HOUR + 2 }, tokens: { total: 11 } },
    ])
    const before = await store.getRunAnalytics({
      projectId,
      from: new Date(T0 - HOUR),
      to: new Date(T0 + HOUR),
      groupBy: 'agent',
    })
    expect(before.groups).toEqual([])
  })

  it('fails an agent run (and its department run) on agent-complete status failed, never on a failed tool result', async () => {
    const projectId = uniqueName('proj-failures')
    const run = {
      agentName: 'A',
      durationMs: 100,
      reportsExecutionTime: true,
      tokens: { input: 1, output: 1, total: 2 },
    }
    const spec: ExecutionSpec = {
      executionId: uniqueName('exec-failures'),
      projectId,
      startAt: T0,
      departments: [
        {
          department: 'tools',
          agents: [{ ...run, agentId: 'flaky-tools', failed: false, failedTool: true }],
        },
        { department: 'broken', agents: [{ ...run, agentId: 'crasher', failed: true, failedTool: false }] },
      ],
    }
    await store.persistBatch(eventsOf(spec))
    const { groups: agents } = await store.getRunAnalytics(query(projectId, 'agent'))
    expect(agents.map(({ key, runs, failed, failureRate }) => [key, runs, failed, failureRate])).toEqual([
      ['crasher', 1, 1, 1],
      ['flaky-tools', 1, 0, 0],
    ])
    const { groups: departments } = await store.getRunAnalytics(query(projectId, 'department'))
    expect(departments.map(({ key, failed }) => [key, failed])).toEqual([
      ['broken', 1],
      ['tools', 0],
    ])
  })

  it('passes scores by the verdict of the check, else 0.7 on a 0–1 scale and 70 above 1, else passScore', async () => {
    const projectId = uniqueName('proj-pass')
    const agent = (agentId: string, score: number, check?: { score: number; passed?: boolean }) => ({
      agentId,
      agentName: agentId,
      durationMs: 10,
      reportsExecutionTime: true,
      failed: false,
      failedTool: false,
      score,
      ...(check ? { check } : {}),
    })
    const spec: ExecutionSpec = {
      executionId: uniqueName('exec-pass'),
      projectId,
      startAt: T0,
      departments: [
        {
          department: 'review',
          agents: [
            agent('fraction', 0.75, { score: 0.5 }),
            agent('percent', 69, { score: 95, passed: false }),
            agent('verdict', 0.25, { score: 0.125, passed: true }),
          ],
        },
      ],
    }
    await store.persistBatch(eventsOf(spec))
    const byDefault = await store.getRunAnalytics(query(projectId, 'agent'))
    expect(byDefault.groups.map(({ key, quality }) => [key, quality])).toEqual([
      ['fraction', { count: 2, average: 0.625, min: 0.5, passRate: 0.5 }],
      ['percent', { count: 2, average: 82, min: 69, passRate: 0 }],
      ['verdict', { count: 2, average: 0.1875, min: 0.125, passRate: 0.5 }],
    ])
    const strict = await store.getRunAnalytics({ ...query(projectId, 'department'), passScore: 0.8 })
    // One threshold for every score: 0.75, 0.5 and 0.25 fail 0.8, 69 passes it; the verdicts decide
    // 95 (failed) and 0.125 (passed).
    expect(strict.groups).toMatchObject([{ key: 'review', quality: { count: 6, passRate: 2 / 6 } }])
  })

  it('counts a project’s runs only for that project, and every project’s without one', async () => {
    const [a, b] = [uniqueName('proj-a'), uniqueName('proj-b')]
    const specs = [a, b].map((projectId, index) =>
      generatedExecutions({
        count: 3,
        idPrefix: uniqueName('exec'),
        projectId,
        startAt: T0 + 200 * HOUR,
        spacingMs: 1000,
        seed: index,
      }),
    )
    await store.persistBatch(specs.flat().flatMap(eventsOf))
    const window = {
      from: new Date(T0 + 200 * HOUR),
      to: new Date(T0 + 201 * HOUR),
      groupBy: 'agent' as const,
    }
    const [onlyA, onlyB, all] = await Promise.all([
      store.getRunAnalytics({ ...window, projectId: a }),
      store.getRunAnalytics({ ...window, projectId: b }),
      store.getRunAnalytics(window),
    ])
    const runs = (groups: readonly { runs: number }[]) => groups.reduce((sum, group) => sum + group.runs, 0)
    const [specsA = [], specsB = []] = specs
    expect(onlyA.groups).toMatchObject(expectedGroups(specsA, 'agent', readmePassRule))
    expect(onlyB.groups).toMatchObject(expectedGroups(specsB, 'agent', readmePassRule))
    expect(runs(all.groups)).toBe(runs(onlyA.groups) + runs(onlyB.groups))
    expect(all.groups).toMatchObject(expectedGroups([...specsA, ...specsB], 'agent', readmePassRule))
  })
})
