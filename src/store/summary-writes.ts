import type { StoreModels } from './models.js'
import {
  compactLedger,
  countUpdate,
  RECENT_QUALITY_SCORES,
  uncountedFilter,
  type ExecutionUpdate,
} from './summary-updates.js'

const DUPLICATE_KEY = 11000
/**
 * Per-event summary updates sent in one bulk write. FerretDB 1.24 holds a cursor for every matching
 * update until the command ends, and a command of about a hundred exhausts its pool for good.
 */
const PER_EVENT_UPDATES_PER_WRITE = 50
/** Pending ledger entries tolerated before they are folded into `through`. */
const LEDGER_COMPACTION_THRESHOLD = 64

/**
 * Applies one execution's summary update: the idempotent facts (upsert), then the counters guarded
 * by the ledger (the whole batch at once when none of its seqs is counted yet, else event by event),
 * then a compaction of the ledger.
 */
export async function applyExecutionUpdate(models: StoreModels, update: ExecutionUpdate): Promise<void> {
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

/** Two first upserts of one new execution race on its _id; the loser simply updates. */
async function upsertRetryingDuplicateKey(upsert: () => Promise<unknown>): Promise<void> {
  try {
    await upsert()
  } catch (error) {
    if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error
    await upsert()
  }
}
