import { MongoClient } from 'mongodb'
import { onTestFinished } from 'vitest'
import { EXECUTIONS_COLLECTION } from '../../src/store/models.js'

/** An execution summary damaged by hand, and the operator's repair. */
export interface DamagedSummary {
  /** Deletes the damaged summary: the next update builds it again. */
  repair(): Promise<void>
  /** The stored summary's eventCount (undefined while there is none). */
  eventCount(): Promise<unknown>
}

/**
 * Stores a summary of `executionId` whose `eventCount` is a string, as an operator's hand edit might
 * leave it: counting an event into it fails on every attempt, for a reason that is not an outage.
 * Read and written with a plain driver client, closed when the test ends.
 * @example const damaged = await damageSummary(names.mongoUri, 'exec-1'); ...; await damaged.repair()
 */
export async function damageSummary(mongoUri: string, executionId: string): Promise<DamagedSummary> {
  const client = new MongoClient(mongoUri)
  onTestFinished(() => client.close())
  const summaries = client.db().collection<{ _id: string; [field: string]: unknown }>(EXECUTIONS_COLLECTION)
  await summaries.insertOne({
    _id: executionId,
    executionId,
    status: 'running',
    eventCount: 'damaged',
    lastSeq: 0,
    tokenUsage: { input: 0, output: 0, total: 0 },
    quality: { count: 0, sum: 0, passed: 0, failed: 0 },
    ledger: { through: 0, pending: [], version: 0 },
  })
  return {
    repair: async () => void (await summaries.deleteOne({ _id: executionId })),
    eventCount: async () => (await summaries.findOne({ _id: executionId }))?.eventCount,
  }
}
