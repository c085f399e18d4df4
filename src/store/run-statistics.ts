import type { AgentRun, DepartmentRun, QualityCheck } from './run-assembly.js'
import type { TokenTotals } from './run-rollup-models.js'

/** What analytics group by: agents (agentId) or departments. */
export type AnalyticsGroupBy = 'department' | 'agent'

/** The statistics of one agent or department over a time window. */
export interface RunGroup {
  /** The agentId or the department. */
  readonly key: string
  readonly department?: string
  readonly agentId?: string
  readonly agentName?: string
  /** Runs that ended in the window. */
  readonly runs: number
  readonly failed: number
  /** `failed / runs`; null without runs. */
  readonly failureRate: number | null
  /** Nearest-rank percentiles of the runs whose duration is known; null without any. */
  readonly durationMs: { readonly p50: number | null; readonly p95: number | null }
  readonly tokens: TokenTotals
  readonly quality: {
    readonly count: number
    readonly average: number | null
    readonly min: number | null
    /** Passed scores / scores; null without scores. */
    readonly passRate: number | null
  }
}

/** The runs and quality checks of a window, already filtered to it. */
export interface WindowRuns {
  readonly agentRuns: readonly AgentRun[]
  readonly departmentRuns: readonly DepartmentRun[]
  readonly qualityChecks: readonly QualityCheck[]
}

/** Pass thresholds of a score without a `passed` verdict, by the scale the score appears to use. */
export const DEFAULT_PASS_SCORE = { fraction: 0.7, percent: 70 } as const

/**
 * Whether a score passes: a quality check's own `passed` verdict when it has one; otherwise the score
 * against `passScore`, or by default 0.7 for a score on a 0–1 scale (at most 1) and 70 for a score
 * above 1 (read as a percentage).
 * @example passes(0.8, undefined) // true; passes(65, undefined) // false; passes(0.9, false) // false
 */
export function passes(score: number, passed: boolean | undefined, passScore?: number): boolean {
  if (passed !== undefined) return passed
  const threshold = passScore ?? (score <= 1 ? DEFAULT_PASS_SCORE.fraction : DEFAULT_PASS_SCORE.percent)
  return score >= threshold
}

/**
 * The nearest-rank percentile (the smallest value with at least p of the values at or below it) of
 * values sorted in ascending order; null when there are none.
 * @example percentile([10, 20, 30, 40], 0.5) // 20
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null
}

interface Accumulator {
  key: string
  department?: string
  agentId?: string
  agentName?: string
  labelledAt: number
  runs: number
  failed: number
  durations: number[]
  tokens: TokenTotals
  scores: { count: number; sum: number; min: number; passed: number }
}

/**
 * The groups of a window, ordered by key. An agent run counts for its agent, and for its department
 * (tokens and scores); a department's runs, failures and durations are its department runs.
 * @example groupRuns(windowRuns, 'agent').map((group) => [group.key, group.runs])
 */
export function groupRuns(window: WindowRuns, groupBy: AnalyticsGroupBy, passScore?: number): RunGroup[] {
  const groups = new Map<string, Accumulator>()
  const groupOf = (key: string): Accumulator => {
    let group = groups.get(key)
    if (!group) {
      group = {
        key,
        ...(groupBy === 'agent' ? { agentId: key } : { department: key }),
        labelledAt: Number.NEGATIVE_INFINITY,
        runs: 0,
        failed: 0,
        durations: [],
        tokens: { input: 0, output: 0, total: 0 },
        scores: { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, passed: 0 },
      }
      groups.set(key, group)
    }
    return group
  }
  const score = (group: Accumulator, value: number, passed: boolean | undefined): void => {
    group.scores.count += 1
    group.scores.sum += value
    group.scores.min = Math.min(group.scores.min, value)
    if (passes(value, passed, passScore)) group.scores.passed += 1
  }
  for (const run of window.agentRuns) {
    const key = groupBy === 'agent' ? run.agentId : run.department
    if (key === undefined) continue
    const group = groupOf(key)
    if (groupBy === 'agent') {
      countRun(group, run)
      labelAgent(group, run)
    }
    if (run.tokens) addTokens(group.tokens, run.tokens)
    if (run.score !== undefined) score(group, run.score, undefined)
  }
  if (groupBy === 'department')
    for (const run of window.departmentRuns) countRun(groupOf(run.department), run)
  for (const check of window.qualityChecks) {
    const key = groupBy === 'agent' ? check.agentId : check.department
    if (key !== undefined) score(groupOf(key), check.score, check.passed)
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(statisticsOf)
}

function countRun(group: Accumulator, run: { failed: boolean; durationMs?: number }): void {
  group.runs += 1
  if (run.failed) group.failed += 1
  if (run.durationMs !== undefined) group.durations.push(run.durationMs)
}

/** An agent's group is labelled with the name and department of its latest run. */
function labelAgent(group: Accumulator, run: AgentRun): void {
  const at = run.completedAt.getTime()
  if (at < group.labelledAt) return
  group.labelledAt = at
  if (run.agentName !== undefined) group.agentName = run.agentName
  if (run.department !== undefined) group.department = run.department
}

function addTokens(totals: TokenTotals, tokens: TokenTotals): void {
  totals.input += tokens.input
  totals.output += tokens.output
  totals.total += tokens.total
}

function statisticsOf(group: Accumulator): RunGroup {
  const durations = group.durations.sort((a, b) => a - b)
  const { count, sum, min, passed } = group.scores
  return {
    key: group.key,
    ...(group.department === undefined ? {} : { department: group.department }),
    ...(group.agentId === undefined ? {} : { agentId: group.agentId }),
    ...(group.agentName === undefined ? {} : { agentName: group.agentName }),
    runs: group.runs,
    failed: group.failed,
    failureRate: group.runs === 0 ? null : group.failed / group.runs,
    durationMs: { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95) },
    tokens: group.tokens,
    quality: {
      count,
      average: count === 0 ? null : sum / count,
      min: count === 0 ? null : min,
      passRate: count === 0 ? null : passed / count,
    },
  }
}
