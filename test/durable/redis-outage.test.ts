import { afterEach, describe, expect, inject, it } from 'vitest'
import { Redis } from 'ioredis'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { EmitResult } from '../../src/emitter/event-emitter-core.js'
import type { AgentEvent } from '../../src/events/schemas.js'
import { RecentBuffer } from '../../src/redis/recent-buffer.js'
import { durableNames, emitterOptions, startInProcessWorker, uniqueName } from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'
import { startRedisServer } from '../support/services.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Generous: the point is that no call waits for Redis, not how fast a call is. */
const NO_HANG_MS = 250

describe('Redis stopped for 5 s while a producer emits', () => {
  it('never throws or hangs, keeps local listeners firing, and delivers and stores every event after', async () => {
    const redis = await startRedisServer({ appendOnly: true })
    cleanups.push(() => redis.dispose())
    const names = durableNames(redis.url, inject('mongoUrl'))
    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    const emitter = new AgentEventEmitter(emitterOptions(names, { recentBufferSize: 10_000 }))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const heard: AgentEvent[] = []
    emitter.subscribe('*', (event) => void heard.push(event))
    const executionId = uniqueName('exec')

    const results: EmitResult[] = []
    const durations: number[] = []
    let redisDown = false
    let heardWhileDown = 0
    const emitFor = async (ms: number): Promise<void> => {
      const until = Date.now() + ms
      while (Date.now() < until) {
        const started = performance.now()
        results.push(await emitter.emitToolCall(executionId, 'agent-1', 'search', { n: results.length }))
        durations.push(performance.now() - started)
        if (redisDown) heardWhileDown += 1
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }

    await emitFor(1000)
    await redis.stop()
    redisDown = true
    await emitFor(5000)
    redisDown = false
    await redis.start()
    await emitFor(1000)
    expect(await emitter.flush(20_000)).toBe(true)

    const total = results.length
    expect(Math.max(...durations)).toBeLessThan(NO_HANG_MS)
    expect(results.filter((result) => result.status === 'queued').length).toBeGreaterThan(0)
    expect(results.every((result) => result.status === 'sent' || result.status === 'queued')).toBe(true)
    expect(heardWhileDown).toBeGreaterThan(0)
    expect(heard).toHaveLength(total)

    const oneToTotal = Array.from({ length: total }, (_, index) => index + 1)
    const client = new Redis(redis.url)
    cleanups.push(() => client.quit())
    const buffered = await new RecentBuffer(client, { keyPrefix: names.keyPrefix, shardCount: 1 }).readAfter(
      executionId,
    )
    expect(buffered.map((event) => event.seq)).toEqual(oneToTotal)
    expect(buffered.map((event) => event.id)).toEqual(heard.map((event) => event.id))

    await eventually(async () => (await store.countExecutionEvents(executionId)) === total || undefined, {
      timeoutMs: 60_000,
    })
    const stored = await store.getExecutionEvents(executionId, { limit: 10_000 })
    expect(stored.map((event) => event.seq)).toEqual(oneToTotal)
  }, 90_000)
})
