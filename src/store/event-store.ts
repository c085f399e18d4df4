import type { RecordedEvent } from '../events/recorded-event.js'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import { queryRunAnalytics, type RunAnalytics, type RunAnalyticsQuery } from './analytics-queries.js'
import { insertEvents, type PersistOutcome } from './event-inserts.js'
import { listExecutions, type ExecutionListQuery, type ListedExecution } from './execution-listing.js'
import type { ExecutionDocument } from './models.js'
import { recordRunRollups } from './run-rollups.js'
import { StoreConnection } from './store-connection.js'
import { applyExecutionUpdate } from './summary-writes.js'
import { buildExecutionUpdates } from './summary-updates.js'

export type { PersistOutcome } from './event-inserts.js'

export interface ExecutionEventsQuery {
  /** Only events with a greater seq. @default 0 */
  readonly afterSeq?: number
  /** At most this many events. @default 1000, at most 10000 */
  readonly limit?: number
  /** Only these event types. */
  readonly types?: readonly AgentEventType[]
}

export type ExecutionSummary = Omit<ExecutionDocument, '_id' | 'ledger'>

export interface PersistOptions {
  /**
   * Runs one execution's summary update alone across every writer of the store. Stores whose
   * single-document updates are atomic do not need it (the summary's ledger keeps counts exact);
   * FerretDB 1.x does, and the persistence workers hold a Redis lease per execution here.
   * @default runs the update directly
   */
  readonly exclusively?: <T>(executionId: string, update: () => Promise<T>) => Promise<T>
}

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

/** Executions whose summaries one batch updates at once (the store's connection pool holds 20). */
const PARALLEL_SUMMARY_UPDATES = 8
const DEFAULT_LIMIT = 1000
const MAX_LIMIT = 10_000
const DEFAULT_EXECUTIONS_LIMIT = 100
const MAX_EXECUTIONS_LIMIT = 1000

/** Runs `work` on every item, at most `limit` at a time; rejects with the first failure once all settled. */
async function forEachAtOnce<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T
      await work(item)
    }
  }
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane))
  const failed = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected')
  if (failed) throw failed.reason
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
   * then one summary update per execution. Throws only for transient failures (the whole batch is
   * then retried); a document the store refuses is reported as `rejected` and the rest is stored.
   * @example const [outcome] = await store.persistBatch([stampedEvent])
   */
  persistBatch(
    events: readonly StampedAgentEvent[],
    options: PersistOptions = {},
  ): Promise<PersistOutcome[]> {
    return this.persistRecorded(
      events.map((event) => ({ event, json: JSON.stringify(event) })),
      options,
    )
  }

  /** {@link persistBatch} for events recorded with their JSON text, which is stored as it is. */
  async persistRecorded(
    records: readonly RecordedEvent[],
    options: PersistOptions = {},
  ): Promise<PersistOutcome[]> {
    const outcomes = await this.connection.run((models) => insertEvents(models, records))
    const accepted = records.filter((_, index) => outcomes[index]?.status !== 'rejected')
    const events = accepted.map((record) => record.event)
    const exclusively = options.exclusively ?? ((_, update) => update())
    // Duplicates too: an earlier delivery may have stored the event and crashed before counting it.
    const updates = buildExecutionUpdates(events)
    // The rollups and the executions' summaries are independent of each other: written at once.
    await Promise.all([
      this.connection.run((models) => recordRunRollups(models, events)),
      forEachAtOnce(updates, PARALLEL_SUMMARY_UPDATES, (update) =>
        exclusively(update.executionId, () =>
          this.connection.run((models) => applyExecutionUpdate(models, update)),
        ),
      ),
    ])
    return outcomes
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
