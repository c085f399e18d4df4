import { describe, expect, inject, it } from 'vitest'
import { formatCount, formatDuration, formatPercent, formatScore } from '../../dashboard/src/state/format.js'
import type { AgentEventInput } from '../../src/events/schemas.js'
import { browserForFile, saveScreenshot } from '../support/browser.js'
import { buildDashboard } from '../support/dashboard-build.js'
import { SCREEN_TIMEOUT_MS, testIdsOf, textOf } from '../support/dashboard-page.js'
import { eventually } from '../support/eventually.js'
import { uniqueName } from '../support/names.js'
import { emitInOrder } from '../support/scripted-orchestration.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter } from '../support/web-node-stack.js'

/**
 * The analytics page over `GET /api/analytics`.
 *
 * The data set is chosen so that every reasonable definition gives the same figures: one
 * department with one agent, whose department and agent spans equal the run's; 21 runs (11 of 30 s,
 * 10 of 60 s), so that the 50th and 95th percentiles fall on a sample whatever the interpolation;
 * failed runs failed throughout; quality only from `quality-check` events with `passed`. The
 * expected figures are computed from the seed by the rules of README "Analytics".
 */
const browser = browserForFile()
const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const RUNS = 21
const FAILED = new Set([19, 20, 21])
const TOKENS = { input: 100, output: 50, total: 150 }

/** What seeded run `index` (1..RUNS) is made of. */
function seedOf(index: number) {
  const score = 60 + index
  return { durationMs: index <= 11 ? 30_000 : 60_000, failed: FAILED.has(index), score, passed: score >= 70 }
}

function seededRun(projectId: string, index: number, startedAt: number): AgentEventInput[] {
  const executionId = `${projectId}-run-${String(index).padStart(2, '0')}`
  const { durationMs, failed, score, passed } = seedOf(index)
  const common = { executionId, projectId, conversationId: `${projectId}-conversation` }
  const at = (offset: number): string => new Date(startedAt + offset).toISOString()
  const agent = { ...common, agentId: 'story-head', agentName: 'Story Head', department: 'story' }
  return [
    { ...common, type: 'orchestration-start', timestamp: at(0) },
    { ...common, type: 'department-start', department: 'story', timestamp: at(0) },
    { ...agent, type: 'agent-start', task: 'Own the story', isDepartmentHead: true, timestamp: at(0) },
    {
      ...agent,
      type: 'agent-complete',
      executionTime: durationMs,
      tokenUsage: TOKENS,
      ...(failed ? { status: 'failed', error: 'gave up' } : {}),
      timestamp: at(durationMs),
    },
    {
      ...common,
      type: 'quality-check',
      score,
      passed,
      agentId: 'story-head',
      department: 'story',
      timestamp: at(durationMs),
    },
    { ...common, type: 'department-complete', department: 'story', timestamp: at(durationMs) },
    {
      ...common,
      type: 'orchestration-complete',
      status: failed ? 'failed' : 'completed',
      timestamp: at(durationMs),
    },
  ]
}

/**
 * The row of the seeded project, the same for its department and for its agent: each seeded run is
 * one department run (failed when its agent run failed within it) and one agent run (failed by its
 * agent-complete), of the run's duration; nearest-rank percentiles; the quality checks' own `passed`.
 */
function expectedRow(): Record<string, string> {
  const seeds = Array.from({ length: RUNS }, (_, index) => seedOf(index + 1))
  const durations = seeds.map((seed) => seed.durationMs).sort((a, b) => a - b)
  const nearestRank = (p: number) => durations[Math.ceil(p * durations.length) - 1]
  const failed = seeds.filter((seed) => seed.failed).length
  const scores = seeds.map((seed) => seed.score)
  return {
    'cell-runs': formatCount(seeds.length),
    'cell-failed': formatCount(failed),
    'cell-failure-rate': formatPercent(failed / seeds.length),
    'cell-p50': formatDuration(nearestRank(0.5)),
    'cell-p95': formatDuration(nearestRank(0.95)),
    'cell-tokens': formatCount(seeds.length * TOKENS.total),
    'cell-quality-average': formatScore(scores.reduce((sum, score) => sum + score, 0) / scores.length),
    'cell-quality-min': formatScore(Math.min(...scores)),
    'cell-pass-rate': formatPercent(seeds.filter((seed) => seed.passed).length / seeds.length),
  }
}

describe('the analytics page', () => {
  it('shows runs, p50/p95 duration, failure rate, tokens and quality of a seeded project, per department and per agent', async () => {
    const stack = names()
    const web = await startWebProcess(stack, { DASHBOARD_DIR: await buildDashboard() })
    await startWorkerProcess(stack)
    const emitter = await startTestEmitter(stack)
    const projectId = uniqueName('proj')
    const otherProject = uniqueName('proj')
    const base = Date.now() - 6 * 3600_000
    for (let index = 1; index <= RUNS; index++) {
      await emitInOrder(emitter, seededRun(projectId, index, base + index * 120_000))
    }
    for (let index = 1; index <= 2; index++) {
      await emitInOrder(emitter, seededRun(otherProject, index, base + index * 120_000))
    }
    await eventually(
      async () => {
        const body = (await (await fetch(`${web.url}/api/executions/${projectId}-run-${RUNS}`)).json()) as {
          execution?: { status: string }
        }
        return body.execution?.status === 'failed'
      },
      { what: 'the last seeded run to be stored' },
    )

    const { page, errors } = await browser.open(`${web.url}/#/analytics?project=${projectId}&range=7d`)

    await expect
      .poll(() => testIdsOf(page, '[data-testid^="analytics-row-"]'), { timeout: SCREEN_TIMEOUT_MS })
      .toHaveLength(1)
    await expect
      .poll(() => textOf(page, 'analytics-scope'), { timeout: SCREEN_TIMEOUT_MS })
      .toContain(`${RUNS} department runs ended`)
    const expected = expectedRow()
    // The same rules, worked out by hand.
    expect(expected).toEqual({
      'cell-runs': '21',
      'cell-failed': '3',
      'cell-failure-rate': '14.3%',
      'cell-p50': '30.0 s',
      'cell-p95': '1 min 00 s',
      'cell-tokens': '3,150',
      'cell-quality-average': '71.0',
      'cell-quality-min': '61.0',
      'cell-pass-rate': '57.1%',
    })
    const row = page.locator('[data-testid^="analytics-row-"]')
    for (const [cell, text] of Object.entries(expected)) {
      await expect.poll(() => row.getByTestId(cell).textContent(), { timeout: SCREEN_TIMEOUT_MS }).toBe(text)
    }
    expect(await row.locator('td').first().textContent()).toBe('story')
    await saveScreenshot(page, 'analytics')

    await page.getByTestId('analytics-group-agent').click()
    await expect
      .poll(() => row.locator('td').first().textContent(), { timeout: SCREEN_TIMEOUT_MS })
      .toContain('Story Head')
    expect(await textOf(page, 'analytics-scope')).toContain(`${RUNS} agent runs ended`)
    for (const [cell, text] of Object.entries(expected)) {
      await expect.poll(() => row.getByTestId(cell).textContent(), { timeout: SCREEN_TIMEOUT_MS }).toBe(text)
    }
    expect(errors).toEqual([])
  }, 180_000)
})
