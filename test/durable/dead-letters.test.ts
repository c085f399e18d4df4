import { Redis } from 'ioredis'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { PERSIST_JOB_NAME } from '../../src/queue/persistence-queue.js'
import { shardInboxKey } from '../../src/redis/keys.js'
import { countDeadLetters, listDeadLetters, redriveDeadLetters } from '../../src/queue/dead-letters.js'
import {
  durableNames,
  emitterOptions,
  openQueues,
  startInProcessWorker,
  uniqueName,
} from '../support/durable-stack.js'
import { damageSummary } from '../support/damaged-summary.js'
import { eventually } from '../support/eventually.js'
import { range } from '../support/web-node-stack.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function setUp() {
  const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
  const { queues, close } = openQueues(names)
  cleanups.push(close)
  return { names, queues }
}

async function startEmitter(names: ReturnType<typeof setUp>['names'], maxEventBytes?: number) {
  const emitter = new AgentEventEmitter(emitterOptions(names, maxEventBytes ? { maxEventBytes } : {}))
  cleanups.push(() => emitter.close())
  await emitter.initialize()
  return emitter
}

describe('an event the store refuses', () => {
  it('is dead-lettered alone, and the rest of its batch is stored', async () => {
    const { names, queues } = setUp()
    const emitter = await startEmitter(names, 32 * 1024 * 1024)
    const executionId = uniqueName('exec')
    // Over MongoDB's 16 MiB document limit: the store cannot take it, whatever is retried.
    const oversized = 'x'.repeat(17 * 1024 * 1024)
    await Promise.all([
      ...range(1, 5).map((i) => emitter.emitDepartmentStart(executionId, `before-${i}`)),
      emitter.emitOrchestrationStart(executionId, { oversized }),
      ...range(1, 5).map((i) => emitter.emitDepartmentStart(executionId, `after-${i}`)),
    ])
    expect(await emitter.flush()).toBe(true)
    const redis = new Redis(names.redisUrl)
    cleanups.push(async () => redis.disconnect())
    const [entry] = await redis.xrange(shardInboxKey(names.keyPrefix, 0), '-', '+')
    expect(entry?.[1][1]?.split('\n')).toHaveLength(11)

    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    await eventually(async () => (await store.countExecutionEvents(executionId)) === 10 || undefined)
    const [letter, ...others] = await eventually(async () => {
      const letters = await listDeadLetters(queues)
      return letters.length === 1 ? letters : undefined
    })
    expect(others).toEqual([])
    expect(letter).toMatchObject({ events: 1, seq: 6, type: 'orchestration-start', attemptsMade: 1 })
    expect(letter?.reason).toMatch(/^store_rejected: /)
    const stored = await store.getExecutionEvents(executionId)
    expect(stored.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 11])
    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === 10 ? current : undefined
    })
    expect(summary.departments).toHaveLength(10)
  }, 60_000)
})

describe('a record that is not an event', () => {
  it('is dead-lettered alone at once, and the rest of its job is stored', async () => {
    const { names, queues } = setUp()
    const [queue] = queues
    const executionId = uniqueName('exec')
    const recorded = range(1, 5).map((seq) =>
      JSON.stringify({
        seq,
        id: `${executionId}-${seq}`,
        type: 'department-start',
        executionId,
        department: `d${seq}`,
        timestamp: new Date().toISOString(),
      }),
    )
    await queue?.add(PERSIST_JOB_NAME, { events: [...recorded, '{"type":"agent-start","not":"stamped"'] })

    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    await eventually(async () => (await store.countExecutionEvents(executionId)) === 5 || undefined)
    const [letter, ...others] = await eventually(async () => {
      const letters = await listDeadLetters(queues)
      return letters.length === 1 ? letters : undefined
    })
    expect(others).toEqual([])
    expect(letter).toMatchObject({ events: 1, attemptsMade: 1 })
    expect(letter?.reason).toMatch(/^invalid_event: /)
  })
})

describe('a batch that fails every attempt for a reason that is not an outage', () => {
  it('is dead-lettered whole, and counted once the cause is fixed and it is re-driven', async () => {
    const { names, queues } = setUp()
    const executionId = uniqueName('exec')
    // Counting into this summary fails on every attempt, for a reason that is not an outage.
    const damaged = await damageSummary(names.mongoUri, executionId)
    const { store, close } = await startInProcessWorker(names, {
      PERSIST_ATTEMPTS: '2',
      PERSIST_BACKOFF_MS: '50',
    })
    cleanups.push(close)
    const emitter = await startEmitter(names)
    await Promise.all(range(1, 10).map((i) => emitter.emitDepartmentStart(executionId, `d${i}`)))
    expect(await emitter.flush()).toBe(true)

    const [letter] = await eventually(async () => {
      const letters = await listDeadLetters(queues)
      return letters.length === 1 ? letters : undefined
    })
    expect(letter).toMatchObject({ events: 10, seq: 1, attemptsMade: 2 })

    await damaged.repair()
    expect(await countDeadLetters(queues)).toBe(1)
    expect(await redriveDeadLetters(queues)).toBe(1)

    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === 10 ? current : undefined
    })
    expect(summary).toMatchObject({ lastSeq: 10, eventCount: 10 })
    expect((await store.getExecutionEvents(executionId)).map((event) => event.seq)).toEqual(range(1, 10))
    expect(await countDeadLetters(queues)).toBe(0)
  }, 60_000)
})
