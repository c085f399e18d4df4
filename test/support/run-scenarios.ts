import type { StampedAgentEvent } from '../../src/events/schemas.js'

/**
 * Orchestrations described run by run, turned into the events an orchestrator emits, and the
 * analytics they must give, computed from the description alone (not from the events, not with the
 * code under test).
 */

export interface AgentRunSpec {
  readonly agentId: string
  readonly agentName: string
  readonly durationMs: number
  /** The agent-complete reports `executionTime`; its timestamp then lags by 7 ms of queueing. */
  readonly reportsExecutionTime: boolean
  /** The agent-complete says `status: 'failed'`. */
  readonly failed: boolean
  /** A tool call of the run whose result says `success: false` (which does not fail the run). */
  readonly failedTool: boolean
  readonly tokens?: { input: number; output: number; total: number }
  readonly score?: number
  /** A quality-check after the agent-complete, naming the agent and (unless `agentOnly`) the department. */
  readonly check?: { readonly score: number; readonly passed?: boolean; readonly agentOnly?: boolean }
}

export interface DepartmentSpec {
  readonly department: string
  readonly agents: readonly AgentRunSpec[]
}

export interface ExecutionSpec {
  readonly executionId: string
  readonly projectId?: string
  readonly conversationId?: string
  /** When the first department starts (ms since the epoch); departments and agents follow 1 ms apart. */
  readonly startAt: number
  readonly departments: readonly DepartmentSpec[]
}

/** One group's expected statistics, in the shape of the API's groups. */
export interface ExpectedGroup {
  key: string
  runs: number
  failed: number
  failureRate: number | null
  durationMs: { p50: number | null; p95: number | null }
  tokens: { input: number; output: number; total: number }
  quality: { count: number; average: number | null; min: number | null; passRate: number | null }
}

const QUEUEING_MS = 7

/** The events of an execution, stamped with ids and seqs in emission order. */
export function eventsOf(spec: ExecutionSpec): StampedAgentEvent[] {
  const events: StampedAgentEvent[] = []
  const common = {
    executionId: spec.executionId,
    ...(spec.projectId === undefined ? {} : { projectId: spec.projectId }),
    ...(spec.conversationId === undefined ? {} : { conversationId: spec.conversationId }),
  }
  const add = (at: number, fields: Record<string, unknown>): void => {
    const seq = events.length + 1
    const id = `${spec.executionId.replace(/[^A-Za-z0-9_-]/g, '_')}-${seq}`
    events.push({ ...common, ...fields, id, seq, timestamp: new Date(at).toISOString() } as StampedAgentEvent)
  }
  let at = spec.startAt
  for (const { department, agents } of spec.departments) {
    add(at, { type: 'department-start', department })
    for (const agent of agents) {
      at += 1
      const { agentId, agentName } = agent
      add(at, { type: 'agent-start', agentId, agentName, task: 'work', department })
      if (agent.failedTool) {
        add(at, { type: 'tool-call', agentId, toolName: 'search' })
        add(at, { type: 'tool-result', agentId, toolName: 'search', success: false, error: 'timeout' })
      }
      at += agent.durationMs
      add(agent.reportsExecutionTime ? at + QUEUEING_MS : at, {
        type: 'agent-complete',
        agentId,
        agentName,
        department,
        status: agent.failed ? 'failed' : 'completed',
        ...(agent.reportsExecutionTime ? { executionTime: agent.durationMs } : {}),
        ...(agent.tokens ? { tokenUsage: agent.tokens } : {}),
        ...(agent.score === undefined ? {} : { qualityScore: agent.score }),
      })
      if (agent.reportsExecutionTime) at += QUEUEING_MS
      if (agent.check) {
        const { score, passed, agentOnly } = agent.check
        add(at, {
          type: 'quality-check',
          score,
          agentId,
          ...(agentOnly ? {} : { department }),
          ...(passed === undefined ? {} : { passed }),
        })
      }
    }
    at += 1
    add(at, { type: 'department-complete', department })
    at += 1
  }
  return events
}

/** When a department run of the spec starts and ends. */
function departmentTimes(spec: ExecutionSpec): { start: number; end: number }[] {
  const times: { start: number; end: number }[] = []
  let at = spec.startAt
  for (const { agents } of spec.departments) {
    const start = at
    for (const agent of agents) at += 1 + agent.durationMs + (agent.reportsExecutionTime ? QUEUEING_MS : 0)
    at += 1
    times.push({ start, end: at })
    at += 1
  }
  return times
}

/**
 * The groups analytics must answer for the executions whose runs all end inside the window, by the
 * rules README states: runs, failures and durations of an agent are its agent runs', of a department
 * its department runs' (failed when an agent run in it failed); tokens and scores count for both.
 */
export function expectedGroups(
  specs: readonly ExecutionSpec[],
  groupBy: 'agent' | 'department',
  passes: (score: number, passed: boolean | undefined) => boolean,
): ExpectedGroup[] {
  interface Tally {
    runs: number
    failed: number
    durations: number[]
    tokens: { input: number; output: number; total: number }
    scores: { score: number; pass: boolean }[]
  }
  const groups = new Map<string, Tally>()
  const group = (key: string): Tally => {
    const found = groups.get(key) ?? {
      runs: 0,
      failed: 0,
      durations: [],
      tokens: { input: 0, output: 0, total: 0 },
      scores: [],
    }
    groups.set(key, found)
    return found
  }
  for (const spec of specs) {
    const times = departmentTimes(spec)
    spec.departments.forEach(({ department, agents }, index) => {
      if (groupBy === 'department') {
        const entry = group(department)
        const time = times[index] ?? { start: 0, end: 0 }
        entry.runs += 1
        if (agents.some((agent) => agent.failed)) entry.failed += 1
        entry.durations.push(time.end - time.start)
      }
      for (const agent of agents) {
        const entry = group(groupBy === 'agent' ? agent.agentId : department)
        if (groupBy === 'agent') {
          entry.runs += 1
          if (agent.failed) entry.failed += 1
          entry.durations.push(agent.durationMs)
        }
        if (agent.tokens) {
          entry.tokens.input += agent.tokens.input
          entry.tokens.output += agent.tokens.output
          entry.tokens.total += agent.tokens.total
        }
        if (agent.score !== undefined)
          entry.scores.push({ score: agent.score, pass: passes(agent.score, undefined) })
        if (agent.check)
          entry.scores.push({ score: agent.check.score, pass: passes(agent.check.score, agent.check.passed) })
      }
    })
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, { runs, failed, durations, tokens, scores }]) => {
      const sorted = [...durations].sort((a, b) => a - b)
      const rank = (p: number): number | null => sorted[Math.ceil(p * sorted.length) - 1] ?? null
      const count = scores.length
      const sum = scores.reduce((total, { score }) => total + score, 0)
      const min = scores.reduce((lowest, { score }) => Math.min(lowest, score), Number.POSITIVE_INFINITY)
      return {
        key,
        runs,
        failed,
        failureRate: runs === 0 ? null : failed / runs,
        durationMs: { p50: rank(0.5), p95: rank(0.95) },
        tokens,
        quality: {
          count,
          average: count === 0 ? null : sum / count,
          min: count === 0 ? null : min,
          passRate: count === 0 ? null : scores.filter(({ pass }) => pass).length / count,
        },
      }
    })
}

/** The pass rule README states: the check's verdict, else 0.7 on a 0–1 scale, 70 above 1. */
export const readmePassRule = (score: number, passed: boolean | undefined): boolean =>
  passed ?? score >= (score <= 1 ? 0.7 : 70)

/** A small deterministic generator (mulberry32), so that a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface GeneratedExecutionsOptions {
  readonly count: number
  readonly idPrefix: string
  readonly projectId?: string
  readonly conversationId?: string
  /** The first execution's start; the next ones start `spacingMs` apart. */
  readonly startAt: number
  readonly spacingMs: number
  readonly seed: number
}

/**
 * Executions of two departments (research: scout and analyst; writing: writer, who runs twice in a
 * quarter of them) with varied
 * durations, failures, failed tools, tokens and scores (0–1 scores in eighths, the writer's 0–100 in
 * whole numbers: sums stay exact in floating point).
 */
export function generatedExecutions(options: GeneratedExecutionsOptions): ExecutionSpec[] {
  const random = seededRandom(options.seed)
  const integer = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1))
  const agent = (agentId: string, agentName: string, percent: boolean): AgentRunSpec => {
    const score = (): number => (percent ? integer(40, 100) : integer(2, 8) / 8)
    const checked = random() < 0.4
    return {
      agentId,
      agentName,
      durationMs: integer(50, 5000),
      reportsExecutionTime: random() < 0.5,
      failed: random() < 0.08,
      failedTool: random() < 0.1,
      ...(random() < 0.9 ? { tokens: tokensOf(integer(10, 2000), integer(10, 1000)) } : {}),
      ...(random() < 0.6 ? { score: score() } : {}),
      ...(checked
        ? {
            check: {
              score: score(),
              ...(random() < 0.5 ? { passed: random() < 0.6 } : {}),
              agentOnly: random() < 0.3,
            },
          }
        : {}),
    }
  }
  return Array.from({ length: options.count }, (_, index) => ({
    executionId: `${options.idPrefix}-${index}`,
    ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
    ...(options.conversationId === undefined ? {} : { conversationId: options.conversationId }),
    startAt: options.startAt + index * options.spacingMs,
    departments: [
      {
        department: 'research',
        agents: [agent('scout', 'Scout', false), agent('analyst', 'Analyst', false)],
      },
      {
        department: 'writing',
        // A quarter of the drafts are revised: the writer runs twice in the department run.
        agents:
          random() < 0.25
            ? [agent('writer', 'Writer', true), agent('writer', 'Writer', true)]
            : [agent('writer', 'Writer', true)],
      },
    ],
  }))
}

function tokensOf(input: number, output: number): { input: number; output: number; total: number } {
  return { input, output, total: input + output }
}
