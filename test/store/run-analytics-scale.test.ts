import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { queryRunAnalytics } from '../../src/store/analytics-queries.js'
import { recordRunRollups } from '../../src/store/run-rollups.js'
import type { AnalyticsGroupBy } from '../../src/store/run-statistics.js'
import { StoreConnection } from '../../src/store/store-connection.js'
import { databaseUrl, uniqueName } from '../support/durable-stack.js'
import { eventsOf, expectedGroups, generatedExecutions, readmePassRule } from '../support/run-scenarios.js'

/**
 * Analytics over 10,000 executions (about 33,000 agent runs, 20,000 department runs), checked against
 * the numbers computed from the generated runs. The rollups are written by `recordRunRollups`, the
 * function `persistBatch` calls after its insert, in batches of 250 executions: the whole of
 * `persistBatch` (event insert and execution summaries) takes minutes per thousand executions on
 * FerretDB, whose SQLite backend scans a collection for every summary update (see README).
 */
const EXECUTIONS = 10_000
const PER_BATCH = 250
const SPACING_MS = 30_000
const T0 = Date.UTC(2026, 3, 1)
const projectId = uniqueName('proj-scale')
const specs = generatedExecutions({
  count: EXECUTIONS,
  idPrefix: uniqueName('exec'),
  projectId,
  startAt: T0,
  spacingMs: SPACING_MS,
  seed: 2026,
})

// The queries run as `EventStore.getRunAnalytics` runs them, with a longer bound than its 30 s: on a
// busy two-core machine FerretDB's scan of 65,000 documents can take longer.
let connection: StoreConnection
beforeAll(async () => {
  connection = await StoreConnection.open(databaseUrl(inject('mongoUrl')), { operationTimeoutMs: 300_000 })
  const started = performance.now()
  for (let start = 0; start < EXECUTIONS; start += PER_BATCH) {
    const batch = specs.slice(start, start + PER_BATCH).flatMap(eventsOf)
    await connection.run((models) => recordRunRollups(models, batch))
  }
  console.log(`analytics scale: rollups of ${EXECUTIONS} executions written in ${seconds(started)} s`)
}, 600_000)
afterAll(async () => {
  await connection?.close()
})

const seconds = (since: number): string => ((performance.now() - since) / 1000).toFixed(2)

/** Executions `first` to `last - 1` start and end between `startOf(first)` and `startOf(last)`. */
const startOf = (index: number): Date => new Date(T0 + index * SPACING_MS)

async function measured(groupBy: AnalyticsGroupBy, first: number, last: number) {
  const started = performance.now()
  const query = { projectId, from: startOf(first), to: startOf(last), groupBy }
  const answer = await connection.run((models) => queryRunAnalytics(models, query))
  const runs = answer.groups.reduce((sum, group) => sum + group.runs, 0)
  console.log(
    `analytics scale: ${last - first} executions by ${groupBy}: ${runs} runs from ` +
      `${answer.scannedRuns} documents in ${seconds(started)} s`,
  )
  return answer
}

describe('analytics over 10,000 executions', () => {
  it.each(['agent', 'department'] as const)(
    'gives exact statistics per %s of every run',
    async (groupBy) => {
      const { groups } = await measured(groupBy, 0, EXECUTIONS)
      expect(groups).toMatchObject(expectedGroups(specs, groupBy, readmePassRule))
    },
    300_000,
  )

  it('gives exact statistics of a window that holds a day of them', async () => {
    const [first, last] = [4000, 4000 + (24 * 3_600_000) / SPACING_MS]
    const { groups } = await measured('agent', first, last)
    expect(groups).toMatchObject(expectedGroups(specs.slice(first, last), 'agent', readmePassRule))
  }, 300_000)
})
