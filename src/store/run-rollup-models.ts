import { Schema } from 'mongoose'

/**
 * The analytics rollups (`agent_runs`): insert-only pieces of agent and department runs, written from
 * each persisted batch and combined at query time (see `run-assembly.ts`). A document holds the
 * start and/or the end of one run, or one quality check; its `_id` is made of its events' seqs, so
 * a redelivered batch inserts nothing new, and however batches split a run, the union of the stored
 * pieces is the same.
 */

/** `agent`: agent-start / agent-complete; `department`: department-start / -complete; `quality`: quality-check. */
export type RunRollupKind = 'agent' | 'department' | 'quality'

export interface TokenTotals {
  input: number
  output: number
  total: number
}

/** The start event of a run. */
export interface RunStartPart {
  seq: number
  at: Date
  department?: string
  agentName?: string
}

/** The end event of a run, with what it reports. */
export interface RunEndPart extends RunStartPart {
  /** The end event says `status: 'failed'`. */
  failed: boolean
  /** `executionTime` of an agent-complete (ms). */
  executionTimeMs?: number
  tokens?: TokenTotals
  /** `qualityScore` of an agent-complete. */
  score?: number
}

/** A quality-check event. */
export interface QualityPart {
  seq: number
  at: Date
  score: number
  passed?: boolean
  agentId?: string
  department?: string
}

export interface RunRollupDocument {
  _id: string
  kind: RunRollupKind
  executionId: string
  projectId?: string
  conversationId?: string
  /** The agentId (`agent`) or the department (`department`); absent for `quality`. */
  key?: string
  /** The time windows filter on: the end's time, else the start's, else the quality check's. */
  at: Date
  start?: RunStartPart
  end?: RunEndPart
  quality?: QualityPart
}

export const RUNS_COLLECTION = 'agent_runs'

const tokenTotalsSchema = new Schema<TokenTotals>(
  { input: Number, output: Number, total: Number },
  { _id: false },
)
const startPartFields = { seq: Number, at: Date, department: String, agentName: String }

export const runRollupSchema = new Schema<RunRollupDocument>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['agent', 'department', 'quality'], required: true },
    executionId: { type: String, required: true },
    projectId: String,
    conversationId: String,
    key: String,
    at: { type: Date, required: true },
    start: new Schema<RunStartPart>(startPartFields, { _id: false }),
    end: new Schema<RunEndPart>(
      {
        ...startPartFields,
        failed: Boolean,
        executionTimeMs: Number,
        tokens: tokenTotalsSchema,
        score: Number,
      },
      { _id: false },
    ),
    quality: new Schema<QualityPart>(
      { seq: Number, at: Date, score: Number, passed: Boolean, agentId: String, department: String },
      { _id: false },
    ),
  },
  { collection: RUNS_COLLECTION, versionKey: false, autoIndex: false },
)
// A project's window; every project's window (a token granting all projects); an execution's pieces.
runRollupSchema.index({ projectId: 1, at: 1 })
runRollupSchema.index({ at: 1 })
runRollupSchema.index({ executionId: 1 })
