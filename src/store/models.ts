import type { RecordedEvent } from '../events/recorded-event.js'
import { Schema, type Connection, type Model } from 'mongoose'
import { runRollupSchema, type RunRollupDocument } from './run-rollup-models.js'

/**
 * One document per event. The event itself is kept whole as JSON in `payload`: agent payloads are
 * arbitrary JSON whose keys (`$`-prefixed, dotted) MongoDB-compatible stores may refuse as field
 * names. The fields next to it are copies for querying and indexing.
 */
export interface EventDocument {
  /** The event id: unique, so a redelivered event is never stored twice. */
  _id: string
  executionId: string
  seq: number
  type: string
  conversationId?: string
  projectId?: string
  agentId?: string
  timestamp: Date
  payload: string
  storedAt: Date
}

export interface ExecutionLedger {
  /** Every seq up to and including this one is counted in the summary. */
  through: number
  /** Seqs above `through` that are counted (events that arrived out of order). */
  pending: number[]
  /** Bumped by every change of the ledger; compaction is a compare-and-set on it. */
  version: number
}

/**
 * Quality scores of an execution: exact aggregates over all of them. The scores themselves are its
 * `quality-check` and `agent-complete` events, and the analytics rollups.
 */
export interface QualitySummary {
  count: number
  sum: number
  min?: number
  max?: number
  passed: number
  failed: number
}

export type ExecutionStatus = 'running' | 'completed' | 'failed'

/** The AgentExecutions summary of one execution, kept exact under retries and reordering. */
export interface ExecutionDocument {
  _id: string
  executionId: string
  conversationId?: string
  projectId?: string
  status: ExecutionStatus
  startedAt?: Date
  completedAt?: Date
  lastEventAt?: Date
  departments: string[]
  agents: string[]
  tokenUsage: { input: number; output: number; total: number }
  quality: QualitySummary
  eventCount: number
  lastSeq: number
  ledger: ExecutionLedger
  createdAt: Date
  updatedAt: Date
}

/** The document stored for an event: the event whole as JSON, and copies of its fields to query by. */
export function eventDocumentOf({ event, json }: RecordedEvent, storedAt: Date): EventDocument {
  const document: EventDocument = {
    _id: event.id,
    executionId: event.executionId,
    seq: event.seq,
    type: event.type,
    timestamp: new Date(event.timestamp),
    payload: json,
    storedAt,
  }
  if (event.conversationId !== undefined) document.conversationId = event.conversationId
  if (event.projectId !== undefined) document.projectId = event.projectId
  if ('agentId' in event && typeof event.agentId === 'string') document.agentId = event.agentId
  return document
}

export const EVENTS_COLLECTION = 'agent_events'
export const EXECUTIONS_COLLECTION = 'agent_executions'

const eventSchema = new Schema<EventDocument>(
  {
    _id: { type: String, required: true },
    executionId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    conversationId: String,
    projectId: String,
    agentId: String,
    timestamp: { type: Date, required: true },
    payload: { type: String, required: true },
    storedAt: { type: Date, required: true },
  },
  { collection: EVENTS_COLLECTION, versionKey: false, autoIndex: false },
)
eventSchema.index({ executionId: 1, seq: 1 })
eventSchema.index({ conversationId: 1, timestamp: 1 })

const executionSchema = new Schema<ExecutionDocument>(
  {
    _id: { type: String, required: true },
    executionId: { type: String, required: true },
    conversationId: String,
    projectId: String,
    status: { type: String, enum: ['running', 'completed', 'failed'], required: true },
    startedAt: Date,
    completedAt: Date,
    lastEventAt: Date,
    departments: [String],
    agents: [String],
    tokenUsage: { input: Number, output: Number, total: Number },
    quality: {
      count: Number,
      sum: Number,
      min: Number,
      max: Number,
      passed: Number,
      failed: Number,
    },
    eventCount: { type: Number, required: true },
    lastSeq: { type: Number, required: true },
    ledger: { through: Number, pending: [Number], version: Number },
    createdAt: Date,
    updatedAt: Date,
  },
  { collection: EXECUTIONS_COLLECTION, versionKey: false, autoIndex: false },
)
executionSchema.index({ conversationId: 1, startedAt: 1 })
// The runs list, newest first: by project, and across projects.
executionSchema.index({ projectId: 1, startedAt: 1, _id: 1 })
executionSchema.index({ startedAt: 1, _id: 1 })

export interface StoreModels {
  readonly events: Model<EventDocument>
  readonly executions: Model<ExecutionDocument>
  readonly runs: Model<RunRollupDocument>
}

export function registerModels(connection: Connection): StoreModels {
  return {
    events: connection.model<EventDocument>('AgentEvent', eventSchema),
    executions: connection.model<ExecutionDocument>('AgentExecution', executionSchema),
    runs: connection.model<RunRollupDocument>('AgentRun', runRollupSchema),
  }
}
