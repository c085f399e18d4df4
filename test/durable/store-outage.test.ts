import { QueueEvents } from 'bullmq'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { shardQueuePrefix } from '../../src/redis/keys.js'
import { countDeadLetters } from '../../src/queue/dead-letters.js'
import {
  databaseUrl,
  durableNames,
  emitterOptions,
  openQueues,
  startInProcessWorker,
  uniqueName,
} from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'
import { range } from '../support/web-node-stack.js'
import { startMongoServer } from '../support/services.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * The retry budget is made small here so that an outage of seconds outlasts it many times: 2
 * attempts, 50 ms apart, each spending at most 0.5 s selecting a server, about 1.1 s in all; the
 * outage lasts 10 s. With the production budget (8 attempts, 0.5 s doubling) the same happens to
 * outages of minutes.
 */
const SMALL_RETRY_BUDGET = {
  PERSIST_ATTEMPTS: '2',
  PERSIST_BACKOFF_MS: '50',
  STORE_PROBE_INTERVAL_MS: '200',
}
const OUTAGE_MS = 10_000

describe('MongoDB down for longer than the whole retry budget', () => {
  it('is waited out: every event is stored once it returns, no attempt is spent, nothing is dead-lettered', async () => {
    const mongo = await startMongoServer()
    cleanups.push(() => mongo.dispose())
    const names = { ...durableNames(inject('redisUrl'), mongo.url), mongoUri: databaseUrl(mongo.url) }
    const { worker, store, close } = await startInProcessWorker(names, SMALL_RETRY_BUDGET, {
      serverSelectionTimeoutMS: 500,
    })
    cleanups.push(close)
    const attempts = new QueueEvents(names.queueName, {
      connection: { url: names.redisUrl },
      prefix: shardQueuePrefix(names.keyPrefix, 0),
    })
    cleanups.push(() => attempts.close())
    await attempts.waitUntilReady()
    const failedAttempts: string[] = []
    attempts.on('failed', ({ jobId, failedReason }) => failedAttempts.push(`${jobId}: ${failedReason}`))
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const executionId = uniqueName('exec')

    let emitted = 0
    const emitFor = async (ms: number): Promise<void> => {
      const until = Date.now() + ms
      while (Date.now() < until) {
        await Promise.all(
          Array.from({ length: 20 }, () => emitter.emitAgentThinking(executionId, 'a', `step ${++emitted}`)),
        )
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    await emitFor(1000)
    await mongo.stop()
    const outage = emitFor(OUTAGE_MS)
    await eventually(() => worker.waitingForOutage, { what: 'the worker to wait for the store' })
    await outage
    expect(worker.waitingForOutage).toBe(true)
    await mongo.start()
    await emitFor(1000)
    expect(await emitter.flush()).toBe(true)

    await eventually(async () => (await store.countExecutionEvents(executionId)) === emitted || undefined, {
      timeoutMs: 90_000,
      what: `${emitted} events stored`,
    })
    const events = await store.getExecutionEvents(executionId, { limit: 10_000 })
    expect(events.map((event) => event.seq)).toEqual(range(1, emitted))
    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === emitted ? current : undefined
    })
    expect(summary.lastSeq).toBe(emitted)
    const { queues, close: closeQueues } = openQueues(names)
    cleanups.push(closeQueues)
    expect(await countDeadLetters(queues)).toBe(0)
    expect(failedAttempts).toEqual([])
  }, 150_000)
})
