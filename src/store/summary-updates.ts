import type { StampedAgentEvent } from '../events/schemas.js'
import type { ExecutionStatus } from './models.js'

/**
 * Turns a batch of stored events into the updates of their executions' summaries. Facts that are
 * idempotent by nature (sets, minima, maxima, final status) go into one upsert per execution.
 * Counters are not idempotent, so each counted contribution is guarded by the execution's ledger
 * of counted seqs and recorded in it by the same atomic update: an event is counted exactly once
 * however often it is redelivered and in whatever order batches arrive.
 */

/** A score an event gives its execution, with its verdict when it has one. */
export interface CountedScore {
  readonly score: number
  readonly passed?: boolean
}

export interface Contribution {
  readonly seqs: number[]
  readonly eventCount: number
  readonly tokenUsage: { input: number; output: number; total: number }
  readonly qualityScores: CountedScore[]
}

export interface ExecutionUpdate {
  readonly executionId: string
  /** Idempotent facts: applied with upsert, whatever was applied before. */
  readonly facts: Record<string, unknown>
  /** The whole batch's counters, for the fast path where none of its seqs was counted yet. */
  readonly combined: Contribution
  /** One contribution per event, for the path where some were. */
  readonly perEvent: Contribution[]
}

const finalStatus = (status: unknown): ExecutionStatus =>
  status === 'failed' || status === 'error' ? 'failed' : 'completed'

function contributionOf(event: StampedAgentEvent): Contribution {
  const scores: CountedScore[] = []
  let usage = { input: 0, output: 0, total: 0 }
  if (event.type === 'agent-complete') {
    if (event.tokenUsage) {
      usage = {
        input: event.tokenUsage.input,
        output: event.tokenUsage.output,
        total: event.tokenUsage.total,
      }
    }
    if (event.qualityScore !== undefined) scores.push({ score: event.qualityScore })
  } else if (event.type === 'quality-check') {
    scores.push(
      event.passed === undefined ? { score: event.score } : { score: event.score, passed: event.passed },
    )
  }
  return { seqs: [event.seq], eventCount: 1, tokenUsage: usage, qualityScores: scores }
}

function combine(contributions: readonly Contribution[]): Contribution {
  return {
    seqs: contributions.flatMap((c) => c.seqs),
    eventCount: contributions.reduce((sum, c) => sum + c.eventCount, 0),
    tokenUsage: {
      input: contributions.reduce((sum, c) => sum + c.tokenUsage.input, 0),
      output: contributions.reduce((sum, c) => sum + c.tokenUsage.output, 0),
      total: contributions.reduce((sum, c) => sum + c.tokenUsage.total, 0),
    },
    qualityScores: contributions.flatMap((c) => c.qualityScores),
  }
}

function factsOf(executionId: string, events: readonly StampedAgentEvent[]): Record<string, unknown> {
  const timestamps = events.map((event) => new Date(event.timestamp))
  const departments = new Set<string>()
  const agents = new Set<string>()
  const set: Record<string, unknown> = {}
  let completion: StampedAgentEvent | undefined
  for (const event of events) {
    if ('department' in event && typeof event.department === 'string') departments.add(event.department)
    if ('agentId' in event && typeof event.agentId === 'string') agents.add(event.agentId)
    if (event.conversationId !== undefined) set.conversationId = event.conversationId
    if (event.projectId !== undefined) set.projectId = event.projectId
    if (event.type === 'orchestration-complete' && (!completion || event.seq > completion.seq))
      completion = event
  }
  const onInsert: Record<string, unknown> = {
    executionId,
    eventCount: 0,
    tokenUsage: { input: 0, output: 0, total: 0 },
    quality: { count: 0, sum: 0, passed: 0, failed: 0 },
    ledger: { through: 0, pending: [], version: 0 },
    createdAt: new Date(),
  }
  const max: Record<string, unknown> = {
    lastSeq: Math.max(...events.map((event) => event.seq)),
    lastEventAt: new Date(Math.max(...timestamps.map((t) => t.getTime()))),
  }
  if (completion?.type === 'orchestration-complete') {
    set.status = finalStatus(completion.status)
    max.completedAt = new Date(completion.timestamp)
  } else {
    onInsert.status = 'running'
  }
  set.updatedAt = new Date()
  return {
    $setOnInsert: onInsert,
    $set: set,
    $min: { startedAt: new Date(Math.min(...timestamps.map((t) => t.getTime()))) },
    $max: max,
    $addToSet: { departments: { $each: [...departments] }, agents: { $each: [...agents] } },
  }
}

/** Groups a batch by execution and builds each execution's update. */
export function buildExecutionUpdates(events: readonly StampedAgentEvent[]): ExecutionUpdate[] {
  const byExecution = new Map<string, StampedAgentEvent[]>()
  for (const event of events) {
    const group = byExecution.get(event.executionId) ?? []
    group.push(event)
    byExecution.set(event.executionId, group)
  }
  return [...byExecution].map(([executionId, group]) => {
    const unique = [...new Map(group.map((event) => [event.seq, event])).values()]
    const perEvent = unique.map(contributionOf)
    return { executionId, facts: factsOf(executionId, unique), combined: combine(perEvent), perEvent }
  })
}

/** The filter that matches the summary only while none of the contribution's seqs is counted. */
export function uncountedFilter(executionId: string, contribution: Contribution): Record<string, unknown> {
  return {
    _id: executionId,
    'ledger.through': { $lt: Math.min(...contribution.seqs) },
    'ledger.pending': { $nin: contribution.seqs },
  }
}

/** Counts a contribution and records its seqs in the ledger as pending, in one atomic update. */
export function countUpdate(contribution: Contribution): Record<string, Record<string, unknown>> {
  const update = counterOperations(contribution)
  update.$push = { ...update.$push, 'ledger.pending': { $each: contribution.seqs } }
  return update
}

/** Whether the contribution's seqs are one run with no hole, as a batch of the emit step records them. */
export function isRun(contribution: Contribution): boolean {
  const { seqs } = contribution
  return seqs.length > 0 && Math.max(...seqs) - Math.min(...seqs) + 1 === new Set(seqs).size
}

/**
 * The filter that matches the summary only when every seq before the run is counted and none of the
 * run's is: batches persisted in order, where the ledger needs no pending entries.
 */
export function inOrderFilter(executionId: string, contribution: Contribution): Record<string, unknown> {
  return {
    _id: executionId,
    'ledger.through': Math.min(...contribution.seqs) - 1,
    'ledger.pending': { $nin: contribution.seqs },
  }
}

/**
 * Counts an in-order run and moves the ledger's `through` past it, applying the facts too (they are
 * idempotent): the whole summary update in one atomic update.
 */
export function inOrderUpdate(
  contribution: Contribution,
  facts: Record<string, unknown>,
): Record<string, Record<string, unknown>> {
  const count = counterOperations(contribution)
  const { $setOnInsert: _onlyOnInsert, ...applied } = facts as Record<string, Record<string, unknown>>
  return {
    ...applied,
    ...count,
    $set: { ...applied.$set, 'ledger.through': Math.max(...contribution.seqs) },
    $min: { ...applied.$min, ...count.$min },
    $max: { ...applied.$max, ...count.$max },
  }
}

/** The counters' increments, and the quality scores' minimum and maximum. */
function counterOperations(contribution: Contribution): Record<string, Record<string, unknown>> {
  const scores = contribution.qualityScores
  const update: Record<string, Record<string, unknown>> = {
    $inc: {
      eventCount: contribution.eventCount,
      'tokenUsage.input': contribution.tokenUsage.input,
      'tokenUsage.output': contribution.tokenUsage.output,
      'tokenUsage.total': contribution.tokenUsage.total,
      'ledger.version': 1,
    },
  }
  if (scores.length > 0) {
    Object.assign(update.$inc ?? {}, {
      'quality.count': scores.length,
      'quality.sum': scores.reduce((sum, entry) => sum + entry.score, 0),
      'quality.passed': scores.filter((entry) => entry.passed === true).length,
      'quality.failed': scores.filter((entry) => entry.passed === false).length,
    })
    update.$min = { 'quality.min': Math.min(...scores.map((entry) => entry.score)) }
    update.$max = { 'quality.max': Math.max(...scores.map((entry) => entry.score)) }
  }
  return update
}

/**
 * The ledger after folding the contiguous run of pending seqs into `through`, or undefined when
 * nothing folds.
 */
export function compactLedger(
  through: number,
  pending: readonly number[],
): { through: number; pending: number[] } | undefined {
  const sorted = [...new Set(pending)].sort((a, b) => a - b)
  let next = through
  while (sorted.length > 0 && sorted[0] !== undefined && sorted[0] <= next + 1) {
    next = Math.max(next, sorted.shift() ?? next)
  }
  return next === through ? undefined : { through: next, pending: sorted }
}
