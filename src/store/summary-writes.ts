import type { ExecutionDocument, StoreModels } from './models.js'
import { DUPLICATE_KEY } from './write-errors.js'
import {
  compactLedger,
  countUpdate,
  inOrderFilter,
  inOrderUpdate,
  isRun,
  uncountedFilter,
  type ExecutionUpdate,
} from './summary-updates.js'

/**
 * Per-event summary updates sent in one bulk write. FerretDB 1.24 holds a cursor for every matching
 * update until the command ends, and a command of about a hundred exhausts its pool for good.
 */
const PER_EVENT_UPDATES_PER_WRITE = 50
/** Pending ledger entries tolerated before they are folded into `through`. */
const LEDGER_COMPACTION_THRESHOLD = 64

/** What compaction reads of a summary. */
type CompactionView = Pick<ExecutionDocument, 'ledger'>
const COMPACTION_VIEW = { ledger: 1 } as const

/**
 * Applies one execution's summary update. In order (the batch's seqs follow the counted ones with no
 * hole, as batches mostly arrive), facts and counts go in one atomic update. Otherwise: the facts
 * (upsert, which also creates the summary), then the counts guarded by the ledger, the whole batch
 * at once when none of its seqs is counted yet, else event by event; then a compaction of the ledger.
 */
export async function applyExecutionUpdate(models: StoreModels, update: ExecutionUpdate): Promise<void> {
  const executions = models.executions
  const { executionId, combined } = update
  const inOrder = isRun(combined)
  const countInOrder = (facts: Record<string, unknown>): Promise<CompactionView | null> =>
    executions
      // No projection: FerretDB 1.x does not take one on findAndModify.
      .findOneAndUpdate(inOrderFilter(executionId, combined), inOrderUpdate(combined, facts), {
        returnDocument: 'after',
      })
      .lean<CompactionView>()
  if (inOrder) {
    const counted = await countInOrder(update.facts)
    if (counted) return compactSummary(models, executionId, counted)
  }
  await upsertRetryingDuplicateKey(() =>
    executions.updateOne({ _id: executionId }, update.facts, { upsert: true }),
  )
  if (inOrder) {
    // The summary did not exist before the upsert above: the first batch of a new execution.
    const counted = await countInOrder({})
    if (counted) return compactSummary(models, executionId, counted)
  }
  const whole = await executions.updateOne(uncountedFilter(executionId, combined), countUpdate(combined))
  if (whole.matchedCount === 0 && update.perEvent.length > 1) {
    for (let start = 0; start < update.perEvent.length; start += PER_EVENT_UPDATES_PER_WRITE) {
      const chunk = update.perEvent.slice(start, start + PER_EVENT_UPDATES_PER_WRITE)
      await executions.bulkWrite(
        chunk.map((contribution) => ({
          updateOne: {
            filter: uncountedFilter(executionId, contribution),
            update: countUpdate(contribution),
          },
        })),
        { ordered: false },
      )
    }
  }
  await compactSummary(models, executionId)
}

/**
 * Keeps the summary small: folds the ledger's contiguous pending seqs into `through`. Reads the
 * summary unless given the view an update returned.
 */
async function compactSummary(
  models: StoreModels,
  executionId: string,
  view?: CompactionView,
): Promise<void> {
  const document =
    view ?? (await models.executions.findById(executionId, COMPACTION_VIEW).lean<CompactionView>())
  if (!document) return
  const pending = document.ledger.pending
  if (pending.length < LEDGER_COMPACTION_THRESHOLD && (pending.length === 0 || view === undefined)) return
  const compacted = compactLedger(document.ledger.through, pending)
  if (!compacted) return
  // Compare-and-set: a concurrent count bumps the version and this compaction is skipped.
  await models.executions.updateOne(
    { _id: executionId, 'ledger.version': document.ledger.version },
    {
      $set: { 'ledger.through': compacted.through, 'ledger.pending': compacted.pending },
      $inc: { 'ledger.version': 1 },
    },
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
