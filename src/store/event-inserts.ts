import mongoose from 'mongoose'
import { AgentEventsError } from '../errors.js'
import type { RecordedEvent } from '../events/recorded-event.js'
import { eventDocumentOf, type EventDocument, type StoreModels } from './models.js'
import { DUPLICATE_KEY, documentErrorsOf } from './write-errors.js'

/** MongoDB's largest document (`maxBsonObjectSize`), FerretDB's too. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
/** Room left for the fields next to the payload before a document's exact size is worth computing. */
const FIELDS_ALLOWANCE_BYTES = 64 * 1024

/** What became of one event of a batch. */
export type PersistOutcome =
  | { readonly status: 'stored' }
  /** Already stored by an earlier delivery: nothing changed. */
  | { readonly status: 'duplicate' }
  /** Refused by the store for good (never retried): the worker dead-letters it. */
  | { readonly status: 'rejected'; readonly error: AgentEventsError }

/**
 * Inserts a batch of events with one unordered `insertMany`: each event comes back `stored`,
 * `duplicate` (its id is stored already) or `rejected` (refused for good). A document over the
 * store's size limit is rejected without being sent (the driver would fail the whole batch for it).
 * Throws for anything that does not account for every document: the batch is then retried whole.
 */
export async function insertEvents(
  models: StoreModels,
  records: readonly RecordedEvent[],
): Promise<PersistOutcome[]> {
  const outcomes: PersistOutcome[] = records.map(() => ({ status: 'stored' }))
  const storedAt = new Date()
  const sent: { index: number; document: EventDocument }[] = []
  records.forEach((record, index) => {
    const document = eventDocumentOf(record, storedAt)
    const oversize = documentOversize(document)
    if (oversize === undefined) sent.push({ index, document })
    else outcomes[index] = { status: 'rejected', error: oversize }
  })
  if (sent.length === 0) return outcomes
  try {
    await models.events.insertMany(
      sent.map(({ document }) => document),
      { ordered: false, lean: true },
    )
  } catch (error) {
    const writeErrors = documentErrorsOf(error, sent.length)
    if (!writeErrors) throw error
    for (const writeError of writeErrors) {
      const index = sent[writeError.index]?.index
      if (index === undefined) continue
      outcomes[index] =
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

/** The refusal of a document larger than the store takes, or undefined when it fits. */
function documentOversize(document: EventDocument): AgentEventsError | undefined {
  if (Buffer.byteLength(document.payload) < MAX_DOCUMENT_BYTES - FIELDS_ALLOWANCE_BYTES) return undefined
  const bytes = mongoose.mongo.BSON.calculateObjectSize(document)
  if (bytes <= MAX_DOCUMENT_BYTES) return undefined
  return new AgentEventsError(
    'store_rejected',
    `The event's document is ${bytes} bytes; MongoDB stores at most ${MAX_DOCUMENT_BYTES} bytes per document`,
  )
}
