import type { StampedAgentEvent } from '../../../src/events/schemas.js'
import type { FaultStack } from './fault-stack.js'
import type { AcknowledgedEvent, ProducerReport } from './producer-protocol.js'
import type { ResumingClient } from './resuming-client.js'

/**
 * What a run emitted, stored and delivered, and every way it fell short of the guarantees. The
 * storage counts are undefined when the store did not answer.
 */
export interface CaseAudit {
  /** Emits the emitter accepted. */
  readonly emitted: number
  readonly acknowledged: number
  /** Distinct events stored, over the run's executions. */
  readonly stored: number | undefined
  /** Stored documents beyond one per seq. */
  readonly duplicates: number | undefined
  /** Acknowledged events not stored. */
  readonly lost: number | undefined
  readonly deadLetters: number
  readonly clients: number
  /** Seqs a client never received and that no resume announced as missing, or that the store lacks. */
  readonly clientGaps: number
  readonly clientDuplicates: number
  readonly resumes: number
  /** Seqs a resume announced as missing, fetched from MongoDB afterwards. */
  readonly backfilled: number
  /** Each broken guarantee, with examples; empty when the run passed. */
  readonly violations: readonly string[]
}

/** How long the audit waits for deliveries and storage to catch up after the producer stopped. */
const SETTLE_MS = 30_000
const SETTLE_POLL_MS = 100
/** Examples quoted per violation. */
const EXAMPLES = 5
const STORE_PAGE = 10_000
/** A store read that takes longer has hung (a wedged server), which the case reports as such. */
const READ_DEADLINE_MS = 10_000

/**
 * Waits (bounded) until every client has reached its execution's last seq and MongoDB holds every
 * event with an exact summary, then compares the producer's acknowledged events, the store and each
 * client's stream. Never throws for a broken guarantee: it is reported in `violations`.
 */
export async function auditRun(stack: FaultStack, report: ProducerReport): Promise<CaseAudit> {
  const lastSeqs = new Map<string, number>()
  for (const executionId of stack.executionIds) lastSeqs.set(executionId, await stack.lastSeq(executionId))
  await settle(stack, lastSeqs)

  const violations: string[] = []
  const note = (what: string, examples: readonly unknown[]): void => {
    if (examples.length > 0) violations.push(`${what} (${examples.length}): ${sample(examples)}`)
  }
  note('producer: final flush did not complete', report.flushed ? [] : ['flush() resolved false'])
  note('producer: events dropped from the outbox', report.dropped > 0 ? [report.dropped] : [])
  note('producer: events rejected', report.statuses.rejected ? [report.statuses.rejected] : [])

  let storage: StorageAudit | undefined
  try {
    storage = await auditStorage(stack, lastSeqs, report)
    violations.push(...storage.violations)
  } catch (error) {
    violations.push(`store unreadable: ${error instanceof Error ? error.message : String(error)}`)
  }
  const deadLetters = await bounded(stack.queue().getFailedCount(), 'counting dead letters')
  note('dead letters', deadLetters > 0 ? [deadLetters] : [])
  if (storage === undefined || storage.lost > 0) {
    // Lost for good, or still on their way: the queue tells which.
    const jobs = await bounded(stack.queue().getJobCounts('active', 'waiting', 'delayed'), 'counting jobs')
    note('persistence jobs still in the queue at the audit', [jobs])
  }

  const streams = stack.clients.map((client) =>
    auditClient(
      client,
      lastSeqs.get(client.executionId) ?? 0,
      storage?.bySeq.get(client.executionId) ?? new Map(),
    ),
  )
  for (const stream of streams) violations.push(...stream.violations)

  return {
    emitted: report.accepted,
    acknowledged: report.acknowledged.length,
    stored: storage?.stored,
    duplicates: storage?.duplicates,
    lost: storage?.lost,
    deadLetters,
    clients: stack.clients.length,
    clientGaps: sum(streams.map((stream) => stream.gaps)),
    clientDuplicates: sum(streams.map((stream) => stream.duplicates)),
    resumes: sum(stack.clients.map((client) => client.resumes)),
    backfilled: sum(streams.map((stream) => stream.backfilled)),
    violations,
  }
}

/** What MongoDB holds of the run's executions, against the seqs Redis assigned and the acknowledged events. */
interface StorageAudit {
  readonly stored: number
  readonly duplicates: number
  readonly lost: number
  /** Stored events per execution, by seq. */
  readonly bySeq: ReadonlyMap<string, ReadonlyMap<number, StampedAgentEvent>>
  readonly violations: readonly string[]
}

/** Reads every stored event and summary of the run; throws when the store does not answer. */
async function auditStorage(
  stack: FaultStack,
  lastSeqs: ReadonlyMap<string, number>,
  report: ProducerReport,
): Promise<StorageAudit> {
  const violations: string[] = []
  const note = (what: string, examples: readonly unknown[]): void => {
    if (examples.length > 0) violations.push(`${what} (${examples.length}): ${sample(examples)}`)
  }
  const store = await stack.store()
  const storedById = new Map<string, StampedAgentEvent>()
  const bySeqs = new Map<string, Map<number, StampedAgentEvent>>()
  let duplicates = 0
  for (const [executionId, lastSeq] of lastSeqs) {
    const events = await bounded(readAll(stack, executionId), `reading ${executionId}`)
    const count = await bounded(store.countExecutionEvents(executionId), `counting ${executionId}`)
    const bySeq = new Map(events.map((event) => [event.seq, event]))
    bySeqs.set(executionId, bySeq)
    for (const event of events) storedById.set(event.id, event)
    duplicates += count - bySeq.size
    note(
      `storage ${executionId}: seqs of 1..${lastSeq} not stored`,
      missingSeqs(lastSeq, (seq) => bySeq.has(seq)),
    )
    note(
      `storage ${executionId}: seqs stored beyond the last assigned (${lastSeq})`,
      events.filter((event) => event.seq > lastSeq).map((event) => event.seq),
    )
    note(`storage ${executionId}: emission order broken (n not increasing with seq)`, orderBreaks(events))
    const summary = await bounded(store.getExecution(executionId), `reading the summary of ${executionId}`)
    const counted = { eventCount: summary?.eventCount, lastSeq: summary?.lastSeq }
    if (counted.eventCount !== count || counted.lastSeq !== lastSeq)
      note(`summary ${executionId}: expected eventCount ${count}, lastSeq ${lastSeq}`, [counted])
  }
  note('storage: documents beyond one per seq', duplicates > 0 ? [duplicates] : [])

  const lost = report.acknowledged.filter((event) => !storedById.has(event.id))
  note('acknowledged events not stored', lost.map(describeEvent))
  note(
    'acknowledged seq differs from the stored one',
    report.acknowledged
      .filter((event) => event.seq !== undefined && storedById.has(event.id))
      .filter((event) => storedById.get(event.id)?.seq !== event.seq)
      .map(describeEvent),
  )
  return { stored: storedById.size, duplicates, lost: lost.length, bySeq: bySeqs, violations }
}

interface StreamAudit {
  readonly gaps: number
  readonly duplicates: number
  readonly backfilled: number
  readonly violations: readonly string[]
}

/**
 * One client's final stream against seqs 1..lastSeq of its execution: what it received, in arrival
 * order, plus what its resumes announced as missing and MongoDB now holds.
 */
function auditClient(
  client: ResumingClient,
  lastSeq: number,
  stored: ReadonlyMap<number, StampedAgentEvent>,
): StreamAudit {
  const violations: string[] = []
  const note = (what: string, examples: readonly unknown[]): void => {
    if (examples.length > 0)
      violations.push(
        `${client.name} ${client.executionId}: ${what} (${examples.length}): ${sample(examples)}`,
      )
  }
  const events = client.events
  const seen = new Map<number, number>()
  const outOfOrder: string[] = []
  events.forEach((event, index) => {
    seen.set(event.seq, (seen.get(event.seq) ?? 0) + 1)
    const previous = events[index - 1]
    if (previous !== undefined && event.seq <= previous.seq)
      outOfOrder.push(`#${index}: ${previous.seq} → ${event.seq}`)
  })
  const repeated = [...seen].filter(([, times]) => times > 1)
  const duplicates = repeated.map(([seq, times]) => `seq ${seq} ×${times}`)
  const announced = (seq: number): boolean =>
    client.missing.some((range) => seq >= range.from && seq <= range.to)
  const notReceived = missingSeqs(lastSeq, (seq) => seen.has(seq))
  const backfilled = notReceived.filter((seq) => announced(seq) && stored.has(seq))
  const gaps = notReceived.filter((seq) => !announced(seq) || !stored.has(seq))
  note('seqs never received', gaps)
  note('seqs received more than once', duplicates)
  note('seqs out of order', outOfOrder)
  note(
    'seqs beyond the last assigned',
    events.filter((event) => event.seq > lastSeq).map((event) => event.seq),
  )
  note(
    'events differing from the stored ones',
    events
      .filter((event) => stored.has(event.seq) && stored.get(event.seq)?.id !== event.id)
      .map((event) => event.seq),
  )
  return {
    gaps: gaps.length,
    duplicates: sum(repeated.map(([, times]) => times - 1)),
    backfilled: backfilled.length,
    violations,
  }
}

async function settle(stack: FaultStack, lastSeqs: ReadonlyMap<string, number>): Promise<void> {
  const store = await stack.store()
  const deadline = Date.now() + SETTLE_MS
  const reached = (client: ResumingClient): boolean => {
    const covered = Math.max(client.lastSeq(), ...client.missing.map((range) => range.to))
    return covered >= (lastSeqs.get(client.executionId) ?? 0)
  }
  const stored = async (): Promise<boolean> => {
    for (const [executionId, lastSeq] of lastSeqs) {
      const summary = await bounded(store.getExecution(executionId), 'settling').catch(() => undefined)
      if (summary?.eventCount !== lastSeq) return false
    }
    return true
  }
  while (Date.now() < deadline) {
    if (stack.clients.every(reached) && (await stored())) return
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS))
  }
}

async function readAll(stack: FaultStack, executionId: string): Promise<StampedAgentEvent[]> {
  const store = await stack.store()
  const events: StampedAgentEvent[] = []
  for (let afterSeq = 0; ;) {
    const page = await store.getExecutionEvents(executionId, { afterSeq, limit: STORE_PAGE })
    events.push(...page)
    const last = page.at(-1)
    if (last === undefined || page.length < STORE_PAGE) return events
    afterSeq = last.seq
  }
}

/** `reading`, or an error naming what did not answer once the read deadline has passed. */
async function bounded<T>(reading: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${READ_DEADLINE_MS / 1000} s ${what}: the store hangs`)),
      READ_DEADLINE_MS,
    )
  })
  try {
    return await Promise.race([reading, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Seqs of 1..lastSeq for which `has` is false. */
function missingSeqs(lastSeq: number, has: (seq: number) => boolean): number[] {
  return Array.from({ length: lastSeq }, (_, i) => i + 1).filter((seq) => !has(seq))
}

/** Places where a producer's counter does not increase with seq (each kind of producer counts on its own). */
function orderBreaks(events: readonly StampedAgentEvent[]): string[] {
  const counter = (event: StampedAgentEvent): number => Number((event as { n?: unknown }).n)
  const producerOf = (event: StampedAgentEvent): unknown => (event as { agentId?: unknown }).agentId
  const previousOf = new Map<unknown, StampedAgentEvent>()
  return events.flatMap((event) => {
    const previous = previousOf.get(producerOf(event))
    previousOf.set(producerOf(event), event)
    return previous !== undefined && counter(event) <= counter(previous)
      ? [`seq ${previous.seq} n ${counter(previous)} → seq ${event.seq} n ${counter(event)}`]
      : []
  })
}

function describeEvent(event: AcknowledgedEvent): string {
  return `${event.executionId} n=${event.n} seq=${event.seq ?? '?'} id=${event.id}`
}

function sample(examples: readonly unknown[]): string {
  const shown = examples
    .slice(0, EXAMPLES)
    .map((example) => (typeof example === 'string' ? example : JSON.stringify(example)))
  return examples.length > EXAMPLES ? `${shown.join(', ')}, …` : shown.join(', ')
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0)
