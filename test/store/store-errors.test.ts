import { MongoClient } from 'mongodb'
import { describe, expect, inject, it } from 'vitest'
import { isStoreOutage, isStoreUnreachable } from '../../src/store/store-errors.js'
import { databaseUrl } from '../support/names.js'

describe('telling an outage of the store from a refusal', () => {
  it('takes an operation cut short by the close of its connection (a replacement) for an outage', async () => {
    const client = await new MongoClient(databaseUrl(inject('mongoUrl'))).connect()
    const documents = Array.from({ length: 20_000 }, (_, i) => ({ i, payload: 'x'.repeat(200) }))
    // The outcome is taken at once: the insert fails while the close is awaited.
    const outcome = client
      .db()
      .collection('cut-short')
      .insertMany(documents, { ordered: false })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      )
    await client.close(true)
    const error = await outcome
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/client was closed|session that has ended/)
    expect(isStoreOutage(error)).toBe(true)
    // Not a reason to replace the connection again: it was replaced already.
    expect(isStoreUnreachable(error)).toBe(false)
  })

  it('takes a document the server refuses for what it is, not for an outage', async () => {
    const client = await new MongoClient(databaseUrl(inject('mongoUrl'))).connect()
    try {
      const collection = client.db().collection<{ _id: string }>('refused')
      await collection.insertOne({ _id: 'one' })
      const error: unknown = await collection.insertOne({ _id: 'one' }).then(
        () => undefined,
        (failure: unknown) => failure,
      )
      expect((error as { code?: number }).code).toBe(11000)
      expect(isStoreOutage(error)).toBe(false)
    } finally {
      await client.close()
    }
  })
})
