import type { AgentEventOf, StampedAgentEvent } from '../events/schemas.js'
import { getLogger } from '../logger.js'
import type { StoreModels } from './models.js'
import { DUPLICATE_KEY, documentErrorsOf } from './write-errors.js'
import type {
  QualityPart,
  RunEndPart,
  RunRollupDocument,
  RunRollupKind,
  RunStartPart,
} from './run-rollup-models.js'

/**
 * Writes the analytics rollups of a persisted batch: one insert of insert-only documents, duplicates
 * ignored. Nothing is read and nothing is updated, so concurrent workers, redelivered batches and
 * batches in any order leave the same pieces, and analytics combine them exactly at query time.
 * Throws only for transient failures (the batch is then retried, which inserts what is missing).
 * @example await recordRunRollups(models, storedEvents)
 */
export async function recordRunRollups(
  models: StoreModels,
  events: readonly StampedAgentEvent[],
): Promise<void> {
  const documents = runRollupsOf(events)
  if (documents.length === 0) return
  try {
    await models.runs.insertMany(documents, { ordered: false, lean: true })
  } catch (error) {
    const codes = documentErrorsOf(error, documents.length)?.map((entry) => entry.code)
    if (!codes) throw error
    const refused = codes.filter((code) => code !== DUPLICATE_KEY)
    // Permanent refusals of well-formed documents are not expected; retrying would not help them.
    if (refused.length > 0)
      log.warn({ codes: refused }, `analytics: ${refused.length} rollup documents were refused`)
  }
}

/**
 * The rollup documents of a batch. The batch's starts and ends of a run (same execution, same agent
 * or department) are paired as they follow each other in seq order; what pairs with nothing in the
 * batch is stored on its own, and query time pairs it with the pieces of other batches.
 * @example runRollupsOf([agentStart, agentComplete]) // one `agent` document with start and end
 */
export function runRollupsOf(events: readonly StampedAgentEvent[]): RunRollupDocument[] {
  const documents: RunRollupDocument[] = []
  const lifecycles = new Map<string, LifecycleEvent[]>()
  const seen = new Set<string>()
  for (const event of events) {
    if (seen.has(event.id)) continue
    seen.add(event.id)
    if (event.type === 'quality-check') {
      documents.push(qualityDocument(event))
      continue
    }
    const lifecycle = lifecycleOf(event)
    if (!lifecycle) continue
    const run = JSON.stringify([event.executionId, lifecycle.kind, lifecycle.key])
    const list = lifecycles.get(run) ?? []
    list.push(lifecycle)
    lifecycles.set(run, list)
  }
  for (const list of lifecycles.values()) documents.push(...pairedDocuments(list))
  return documents
}

interface LifecycleEvent {
  readonly kind: Exclude<RunRollupKind, 'quality'>
  readonly key: string
  readonly role: 'start' | 'end'
  readonly event: StampedAgentEvent
}

/** Agent names are free text: the rollups keep enough to label a chart. */
const MAX_NAME_LENGTH = 200
const log = getLogger('store')

function lifecycleOf(event: StampedAgentEvent): LifecycleEvent | undefined {
  switch (event.type) {
    case 'agent-start':
      return { kind: 'agent', key: event.agentId, role: 'start', event }
    case 'agent-complete':
      return { kind: 'agent', key: event.agentId, role: 'end', event }
    case 'department-start':
      return { kind: 'department', key: event.department, role: 'start', event }
    case 'department-complete':
      return { kind: 'department', key: event.department, role: 'end', event }
    default:
      return undefined
  }
}

function pairedDocuments(list: LifecycleEvent[]): RunRollupDocument[] {
  const documents: RunRollupDocument[] = []
  let open: LifecycleEvent | undefined
  for (const item of list.sort((a, b) => a.event.seq - b.event.seq)) {
    if (item.role === 'start') {
      if (open) documents.push(runDocument(open, undefined))
      open = item
    } else {
      documents.push(runDocument(open, item))
      open = undefined
    }
  }
  if (open) documents.push(runDocument(open, undefined))
  return documents
}

function runDocument(start: LifecycleEvent | undefined, end: LifecycleEvent | undefined): RunRollupDocument {
  const anchor = end ?? start
  if (!anchor) throw new Error('a run document needs a start or an end')
  const { kind, key, event } = anchor
  const document: RunRollupDocument = {
    _id: `${kind}:${start?.event.id ?? '-'}:${end?.event.id ?? '-'}`,
    kind,
    executionId: event.executionId,
    key,
    at: new Date(event.timestamp),
  }
  // The anchor's own project, whatever the batch paired it with: a run counts for the project its
  // end names.
  const { projectId, conversationId } = event
  if (projectId !== undefined) document.projectId = projectId
  if (conversationId !== undefined) document.conversationId = conversationId
  if (start) document.start = startPart(start.event)
  if (end) document.end = endPart(end.event)
  return document
}

function startPart(event: StampedAgentEvent): RunStartPart {
  const part: RunStartPart = { seq: event.seq, at: new Date(event.timestamp) }
  if ('department' in event && typeof event.department === 'string') part.department = event.department
  if ('agentName' in event && typeof event.agentName === 'string')
    part.agentName = event.agentName.slice(0, MAX_NAME_LENGTH)
  return part
}

function endPart(event: StampedAgentEvent): RunEndPart {
  // `status` is optional on agent-complete (and read the same way on department-complete).
  const part: RunEndPart = { ...startPart(event), failed: 'status' in event && event.status === 'failed' }
  if (event.type !== 'agent-complete') return part
  const complete: AgentEventOf<'agent-complete'> = event
  if (complete.executionTime !== undefined) part.executionTimeMs = complete.executionTime
  if (complete.qualityScore !== undefined) part.score = complete.qualityScore
  if (complete.tokenUsage) {
    const { input, output, total } = complete.tokenUsage
    part.tokens = { input, output, total }
  }
  return part
}

function qualityDocument(event: AgentEventOf<'quality-check'> & StampedAgentEvent): RunRollupDocument {
  const quality: QualityPart = { seq: event.seq, at: new Date(event.timestamp), score: event.score }
  if (event.passed !== undefined) quality.passed = event.passed
  if (event.agentId !== undefined) quality.agentId = event.agentId
  if (event.department !== undefined) quality.department = event.department
  const document: RunRollupDocument = {
    _id: `quality:${event.id}`,
    kind: 'quality',
    executionId: event.executionId,
    at: quality.at,
    quality,
  }
  if (event.projectId !== undefined) document.projectId = event.projectId
  if (event.conversationId !== undefined) document.conversationId = event.conversationId
  return document
}
