import { AgentEventsError } from '../errors.js'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import { queryRunAnalytics, type RunAnalytics, type RunAnalyticsQuery } from './analytics-queries.js'
import { listExecutions, type ExecutionListQuery, type ListedExecution } from './execution-listing.js'
import { eventDocumentOf, type ExecutionDocument, type StoreModels } from './models.js'
import { recordRunRollups } from './run-rollups.js'
import { StoreConnection } from './store-connection.js'
import {
  buildExecutionUpdates,
  compactLedger,
  RECENT_QUALITY_SCORES,
  countUpdate,
  uncountedFilter,
  type ExecutionUpdate,
} from './summary-updates.js'

/** What became of one event of a batch. */
export type PersistOutcome =
  | { readonly status: 'stored' }
  /** Already stored by an earlier delivery: nothing changed. */
  | { readonly status: 'duplicate' }
  /** Refused by the store for good (never retried): the worker dead-letters it. */
  | { readonly status: 'rejected'; readonly error: AgentEventsError }

export interface ExecutionEventsQuery {
  /** Only events with a greater seq. @default 0 */
  readonly afterSeq?: number
  /** At most this many events. @default 1000, at most 10000 */
  readonly limit?: number
  /** Only these event types. */
  readonly types?: readonly AgentEventType[]
}

export type ExecutionSummary = Omit<ExecutionDocument, '_id' | 'ledger'>

/** A position in a conversation's executions, which are ordered by `startedAt`, then `executionId`. */
export interface ConversationExecutionsCursor {
  readonly startedAt: Date
  readonly executionId: string
}

export interface ConversationExecutionsQuery {
  /** Only executions after this one in the order of the listing (the last one of the previous page). */
  readonly after?: ConversationExecutionsCursor
  /** At most this many executions. @default 100, at most 1000 */
  readonly limit?: number
}

const DEFAULT_LIMIT = 1000
const MAX_LIMIT = 10_000
const DEFAULT_EXECUTIONS_LIMIT = 100
const MAX_EXECUTIONS_LIMIT = 1000
const DUPLICATE_KEY = 11000
/**
 * Per-event summary updates sent in one bulk write. FerretDB 1.24 holds a cursor for every matching
 * update until the command ends, and a command of about a hundred exhausts its pool for good.
 */
const PER_EVENT_UPDATES_PER_WRITE = 50
/** Pending ledger entries tolerated before they are folded into `through`. */
const LEDGER_COMPACTION_THRESHOLD = 64

interface RawWriteError {
  readonly index?: number
  readonly code?: number
  readonly errmsg?: string
  readonly err?: { index?: number; code?: number; errmsg?: string }
}

interface WriteError {
  readonly index: number
  readonly code: number
  readonly errmsg?: string
}

/** The MongoDB side of agent-events: idempotent batch writes, ordered reads, execution summaries. */
export class EventStore {
  private constructor(private readonly connection: StoreConnection) {}

  /** Connects and makes sure the indexes exist. */
  static async open(uri: string, options: { serverSelectionTimeoutMS?: number } = {}): Promise<EventStore> {
    return new EventStore(await StoreConnection.open(uri, options))
  }

  /**
   * Stores a batch: one insert for all events (duplicates are recognised by id and left alone),
   * then the summaries. Throws only for transient failures (the whole batch is then retried);
   * a document the store refuses is reported as `rejected` and the rest of the batch is stored.
   */
  persistBatch(events: readonly StampedAgentEvent[]): Promise<PersistOutcome[]> {
    return this.connection.run(async (models) => {
      const outcomes = await insertEvents(models, events)
      const accepted = events.filter((_, index) => outcomes[index]?.status !== 'rejected')
      await recordRunRollups(models, accepted)
      // Duplicates too: an earlier delivery may have stored the event and crashed before counting it.
      for (const update of buildExecutionUpdates(accepted)) await applyExecutionUpdate(models, update)
      return outcomes
    })
  }

  /** Events of an execution in seq order. */
  async getExecutionEvents(
    executionId: string,
    query: ExecutionEventsQuery = {},
  ): Promise<StampedAgentEvent[]> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT)
    const filter: Record<string, unknown> = { executionId, seq: { $gt: query.afterSeq ?? 0 } }
    if (query.types) filter.type = { $in: [...query.types] }
    const documents = await this.connection.run((models) =>
      models.events.find(filter, { payload: 1, seq: 1 }).sort({ seq: 1 }).limit(limit).lean(),
    )
    return documents.map((document) => JSON.parse(document.payload) as StampedAgentEvent)
  }

  /** The AgentExecutions summary of an execution, or undefined if none of its events is stored. */
  async getExecution(executionId: string): Promise<ExecutionSummary | undefined> {
    const document = await this.connection.run((models) =>
      models.executions.findById(executionId, { ledger: 0 }).lean(),
    )
    if (!document) return undefined
    const { _id: _ignored, ...summary } = document
    return summary
  }

  /**
   * The AgentExecutions summaries of a conversation's executions, ordered by `startedAt` (the time of
   * the execution's earliest stored event), then by `executionId`; an unknown conversation has none.
   * Page with `after`: the `startedAt` and `executionId` of the last summary of the previous page
   * (every summary has a `startedAt`: the upsert that creates it sets it).
   * @example
   * const [first] = await store.listConversationExecutions('conv-1', { limit: 1 })
   * const projectId = first?.projectId
   */
  async listConversationExecutions(
    conversationId: string,
    query: ConversationExecutionsQuery = {},
  ): Promise<ExecutionSummary[]> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_EXECUTIONS_LIMIT, 1), MAX_EXECUTIONS_LIMIT)
    const filter: Record<string, unknown> = { conversationId }
    if (query.after) {
      const { startedAt, executionId } = query.after
      filter.$or = [{ startedAt: { $gt: startedAt } }, { startedAt, _id: { $gt: executionId } }]
    }
    const documents = await this.connection.run((models) =>
      models.executions.find(filter, { ledger: 0 }).sort({ startedAt: 1, _id: 1 }).limit(limit).lean(),
    )
    return documents.map(({ _id: _ignored, ...summary }) => summary)
  }

  /**
   * The distinct projects named by a conversation's executions (empty when none names one, or the
   * conversation is unknown). More than one means the conversation's executions disagree on it.
   * @example const [projectId, ...others] = await store.getConversationProjects('conv-1')
   */
  async getConversationProjects(conversationId: string): Promise<string[]> {
    const projects: unknown[] = await this.connection.run((models) =>
      models.executions.distinct('projectId', { conversationId }),
    )
    return projects.filter((project): project is string => typeof project === 'string')
  }

  /**
   * The runs list: the summaries the query's scope allows, newest first, filtered and paged.
   * @example const [newest] = await store.listExecutions({ scope: { executionIds: '*', conversationIds: [], projectIds: [] } })
   */
  listExecutions(query: ExecutionListQuery): Promise<ListedExecution[]> {
    return this.connection.run((models) => listExecutions(models, query))
  }

  /**
   * Per agent or department statistics of the runs that ended in a window, from the rollups written
   * by {@link persistBatch}. A window of more than 200,000 rollup documents is `invalid_request`.
   * @example const { groups } = await store.getRunAnalytics({ projectId: 'p', from, to, groupBy: 'agent' })
   */
  getRunAnalytics(query: RunAnalyticsQuery): Promise<RunAnalytics> {
    return this.connection.run((models) => queryRunAnalytics(models, query))
  }

  /** Number of stored events of an execution. */
  countExecutionEvents(executionId: string): Promise<number> {
    return this.connection.run((models) => models.events.countDocuments({ executionId }))
  }

  /** Resolves when the server answers a ping (readiness checks). */
  ping(): Promise<void> {
    return this.connection.ping()
  }

  close(): Promise<void> {
    return this.connection.close()
  }
}

async function insertEvents(
  models: StoreModels,
  events: readonly StampedAgentEvent[],
): Promise<PersistOutcome[]> {
  const outcomes: PersistOutcome[] = events.map(() => ({ status: 'stored' }))
  if (events.length === 0) return outcomes
  const storedAt = new Date()
  const documents = events.map((event) => eventDocumentOf(event, storedAt))
  try {
    await models.events.insertMany(documents, { ordered: false, lean: true })
  } catch (error) {
    const writeErrors = documentErrorsOf(error, documents.length)
    if (!writeErrors) throw error
    for (const writeError of writeErrors) {
      outcomes[writeError.index] =
        writeError.code === DUPLICATE_KEY
          ? { status: 'duplicate' }
          : {
              status: 'rejected',
              error: new AgentEventsError(
                'store_rejected',
                `MongoDB refused the event (code ${writeError.code}): ${writeError.errmsg ?? ''}`,
              ),
            }
    }
  }
  return outcomes
}

async function applyExecutionUpdate(models: StoreModels, update: ExecutionUpdate): Promise<void> {
  const executions = models.executions
  await upsertRetryingDuplicateKey(() =>
    executions.updateOne({ _id: update.executionId }, update.facts, { upsert: true }),
  )
  const combined = await executions.updateOne(
    uncountedFilter(update.executionId, update.combined),
    countUpdate(update.combined),
  )
  if (combined.matchedCount === 0 && update.perEvent.length > 1) {
    for (let start = 0; start < update.perEvent.length; start += PER_EVENT_UPDATES_PER_WRITE) {
      const chunk = update.perEvent.slice(start, start + PER_EVENT_UPDATES_PER_WRITE)
      await executions.bulkWrite(
        chunk.map((contribution) => ({
          updateOne: {
            filter: uncountedFilter(update.executionId, contribution),
            update: countUpdate(contribution),
          },
        })),
        { ordered: false },
      )
    }
  }
  await compactSummary(models, update.executionId)
}

/**
 * Keeps the summary small: folds the ledger's contiguous pending seqs into `through`, and trims
 * the recent quality scores for stores that ignore `$slice` (FerretDB 1.x).
 */
async function compactSummary(models: StoreModels, executionId: string): Promise<void> {
  const document = await models.executions.findById(executionId, { ledger: 1, 'quality.recent': 1 }).lean()
  if (!document) return
  const recent = document.quality.recent
  const set: Record<string, unknown> = {}
  if (document.ledger.pending.length >= LEDGER_COMPACTION_THRESHOLD) {
    const compacted = compactLedger(document.ledger.through, document.ledger.pending)
    if (compacted)
      Object.assign(set, { 'ledger.through': compacted.through, 'ledger.pending': compacted.pending })
  }
  if (recent.length > RECENT_QUALITY_SCORES) set['quality.recent'] = recent.slice(-RECENT_QUALITY_SCORES)
  if (Object.keys(set).length === 0) return
  // Compare-and-set: a concurrent count bumps the version and this compaction is skipped.
  await models.executions.updateOne(
    { _id: executionId, 'ledger.version': document.ledger.version },
    { $set: set, $inc: { 'ledger.version': 1 } },
  )
}

/**
 * The per-document errors of an unordered insert, when the error accounts for every document:
 * each one either inserted or refused. Anything else (a network error surfaces as a bulk error with
 * no write errors) is transient and the whole batch must be retried.
 */
function documentErrorsOf(error: unknown, documentCount: number): WriteError[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { writeErrors, result } = error as { writeErrors?: unknown; result?: { insertedCount?: unknown } }
  const list = (
    Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []
  ) as RawWriteError[]
  const insertedCount = typeof result?.insertedCount === 'number' ? result.insertedCount : undefined
  if (list.length === 0 || insertedCount === undefined || insertedCount + list.length !== documentCount)
    return undefined
  return list.map((entry) => ({
    index: entry.index ?? entry.err?.index ?? -1,
    code: entry.code ?? entry.err?.code ?? -1,
    errmsg: entry.errmsg ?? entry.err?.errmsg,
  }))
}

/** Two first upserts of one new execution race on its _id; the loser simply updates. */
async function upsertRetryingDuplicateKey(upsert: () => Promise<unknown>): Promise<void> {
  try {
    await upsert()
  } catch (error) {
    if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error
    await upsert()
  }
}
