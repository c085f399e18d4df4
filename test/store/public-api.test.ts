import { afterAll, describe, expect, inject, it } from 'vitest'
import { databaseUrl, uniqueName } from '../support/names.js'

// The seed's functions connect with MONGODB_URI, read once per process on first use.
process.env.MONGODB_URI = databaseUrl(inject('mongoUrl'))
const api = await import('../../src/index.js')
afterAll(() => api.closeDefaultStore())

describe('persistEvent and getExecutionEvents', () => {
  it('store a stamped event idempotently and read it back in seq order', async () => {
    const executionId = uniqueName('exec')
    const at = (seq: number) => ({
      type: 'review-status' as const,
      executionId,
      department: 'story',
      status: 'approved',
      id: `${executionId}-${seq}`,
      seq,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
    })
    expect(await api.persistEvent(executionId, at(2))).toEqual({ status: 'stored' })
    expect(await api.persistEvent(executionId, at(1))).toEqual({ status: 'stored' })
    expect(await api.persistEvent(executionId, at(2))).toEqual({ status: 'duplicate' })
    const events = await api.getExecutionEvents(executionId)
    expect(events.map((event) => [event.seq, event.timestamp])).toEqual([
      [1, '2026-01-01T00:00:01.000Z'],
      [2, '2026-01-01T00:00:02.000Z'],
    ])
  })

  it('refuses an unstamped event with a typed error', async () => {
    const executionId = uniqueName('exec')
    await expect(
      api.persistEvent(executionId, { type: 'orchestration-start', executionId }),
    ).rejects.toMatchObject({
      code: 'invalid_event',
    })
  })
})
