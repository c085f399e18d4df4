import { MongoClient } from 'mongodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { EventStore } from '../../src/store/event-store.js'
import { EXECUTIONS_COLLECTION } from '../../src/store/models.js'
import { databaseUrl, uniqueName } from '../support/durable-stack.js'

let store: EventStore
/** A plain driver client on the same database, to see the stored documents as they are. */
let raw: MongoClient
beforeAll(async () => {
  const uri = databaseUrl(inject('mongoUrl'))
  store = await EventStore.open(uri)
  raw = await MongoClient.connect(uri)
})
afterAll(async () => {
  await store.close()
  await raw.close()
})

function agentComplete(executionId: string, seq: number): StampedAgentEvent {
  return {
    id: `${executionId}-${seq}`,
    seq,
    type: 'agent-complete',
    executionId,
    conversationId: 'conv-1',
    agentId: `agent-${seq % 4}`,
    agentName: 'Agent',
    department: `dept-${seq % 2}`,
    qualityScore: seq,
    tokenUsage: { input: 1, output: 2, total: 3 },
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('the execution summary', () => {
  it('counts every event exactly once under redelivery, overlap and out-of-order batches', async () => {
    const executionId = uniqueName('exec')
    const event = (seq: number) => agentComplete(executionId, seq)
    const batches = [
      range(101, 150),
      range(1, 40),
      range(30, 80),
      range(1, 150),
      range(81, 100),
      range(140, 200),
    ]
    for (const batch of batches) await store.persistBatch(batch.map(event))
    await store.persistBatch([
      ...range(1, 200).map(event),
      { ...event(201), type: 'orchestration-complete', status: 'failed' } as StampedAgentEvent,
    ])

    const summary = await store.getExecution(executionId)
    expect(summary).toMatchObject({
      executionId,
      conversationId: 'conv-1',
      status: 'failed',
      eventCount: 201,
      lastSeq: 201,
      tokenUsage: { input: 200, output: 400, total: 600 },
      quality: { count: 200, sum: (200 * 201) / 2, min: 1, max: 200 },
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 1)),
      completedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 201)),
    })
    expect([...(summary?.agents ?? [])].sort()).toEqual(['agent-0', 'agent-1', 'agent-2', 'agent-3'])
    expect(await store.countExecutionEvents(executionId)).toBe(201)
  })

  it('folds the ledger of counted seqs so that the summary stays small', async () => {
    const executionId = uniqueName('exec')
    for (let start = 1; start <= 1000; start += 100) {
      await store.persistBatch(range(start, start + 99).map((seq) => agentComplete(executionId, seq)))
    }
    const document = (await raw
      .db()
      .collection<{ _id: string }>(EXECUTIONS_COLLECTION)
      .findOne({ _id: executionId })) as unknown as {
      ledger: { through: number; pending: number[] }
      eventCount: number
    }
    expect(document.eventCount).toBe(1000)
    expect(document.ledger.through).toBeGreaterThanOrEqual(900)
    expect(document.ledger.pending.length).toBeLessThanOrEqual(100)
  })

  it('keeps a status of completed once an orchestration-complete arrives before its start', async () => {
    const executionId = uniqueName('exec')
    const base = { executionId, timestamp: new Date().toISOString() }
    await store.persistBatch([{ ...base, id: `${executionId}-2`, seq: 2, type: 'orchestration-complete' }])
    await store.persistBatch([{ ...base, id: `${executionId}-1`, seq: 1, type: 'orchestration-start' }])
    expect(await store.getExecution(executionId)).toMatchObject({ status: 'completed', eventCount: 2 })
  })
})

describe('reading events back', () => {
  it('returns events in seq order, after a seq, of some types, up to a limit, with every field intact', async () => {
    const executionId = uniqueName('exec')
    const odd: StampedAgentEvent = {
      id: `${executionId}-odd`,
      seq: 5,
      type: 'tool-call',
      executionId,
      agentId: 'a',
      toolName: 'mongo',
      input: { $where: 'x', 'dotted.key': 1, nested: { $gt: [1, 2] } },
      timestamp: new Date().toISOString(),
    }
    await store.persistBatch([...[4, 2, 3, 1].map((seq) => agentComplete(executionId, seq)), odd])
    expect((await store.getExecutionEvents(executionId)).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5])
    expect(
      (await store.getExecutionEvents(executionId, { afterSeq: 2, limit: 2 })).map((e) => e.seq),
    ).toEqual([3, 4])
    expect(await store.getExecutionEvents(executionId, { types: ['tool-call'] })).toEqual([odd])
  })
})
