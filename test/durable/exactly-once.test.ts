import { afterEach, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { EmitResult } from '../../src/emitter/event-emitter-core.js'
import type { EventStore } from '../../src/store/event-store.js'
import { tapAdapterChannel, type AdapterTap } from '../support/adapter-tap.js'
import { startTsProcess, type NodeProcess } from '../support/child-process.js'
import {
  durableNames,
  emitterOptions,
  processEnv,
  startInProcessWorker,
  uniqueName,
} from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'
import { range } from '../support/web-node-stack.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const seqsOf = (events: readonly { seq: number }[]): number[] => events.map((event) => event.seq)
async function storedSeqs(store: EventStore, executionId: string, expected: number): Promise<number[]> {
  await eventually(async () => (await store.countExecutionEvents(executionId)) >= expected || undefined, {
    timeoutMs: 60_000,
    what: `${expected} stored events`,
  })
  const events = await store.getExecutionEvents(executionId, { limit: 10_000 })
  return seqsOf(events)
}

describe('one producer', () => {
  it('stores 10,000 events exactly once with seq 1..10,000 and an exact summary', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const { store, close } = await startInProcessWorker(names, { WORKER_CONCURRENCY: '500' })
    cleanups.push(close)
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const executionId = uniqueName('exec')
    const total = 10_000

    const results: EmitResult[] = []
    for (let start = 0; start < total; start += 1000) {
      const burst = Array.from({ length: 1000 }, (_, offset) =>
        emitter.emitAgentComplete(
          executionId,
          `agent-${offset % 7}`,
          'Agent',
          `dept-${offset % 3}`,
          'done',
          80,
          10,
          {
            input: 1,
            output: 2,
            total: 3,
          },
        ),
      )
      results.push(...(await Promise.all(burst)))
    }
    expect(await emitter.flush(30_000)).toBe(true)
    expect(results.every((result) => result.status === 'sent' || result.status === 'queued')).toBe(true)

    expect(await storedSeqs(store, executionId, total)).toEqual(range(1, total))
    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === total ? current : undefined
    })
    expect(summary).toMatchObject({
      executionId,
      status: 'running',
      eventCount: total,
      lastSeq: total,
      tokenUsage: { input: total, output: 2 * total, total: 3 * total },
    })
    expect(summary.quality).toMatchObject({ count: total, sum: 80 * total, min: 80, max: 80 })
    expect([...summary.departments].sort()).toEqual(['dept-0', 'dept-1', 'dept-2'])
    expect(summary.agents).toHaveLength(7)
    expect(await store.countExecutionEvents(executionId)).toBe(total)
  })

  it('keeps only the configured number of recent events per execution for replay', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const emitter = new AgentEventEmitter(emitterOptions(names, { recentBufferSize: 25 }))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const { RecentBuffer } = await import('../../src/redis/recent-buffer.js')
    const { Redis } = await import('ioredis')
    const redis = new Redis(names.redisUrl)
    cleanups.push(() => redis.quit())
    const executionId = uniqueName('exec')

    await Promise.all(Array.from({ length: 60 }, (_, i) => emitter.emitDepartmentStart(executionId, `d${i}`)))
    expect(await emitter.flush()).toBe(true)

    const buffer = new RecentBuffer(redis, { keyPrefix: names.keyPrefix, shardCount: 1 })
    expect(seqsOf(await buffer.readAfter(executionId))).toEqual(range(1, 60).slice(35))
    expect(seqsOf(await buffer.readAfter(executionId, 50))).toEqual(range(1, 60).slice(50))
    expect(await buffer.lastSeq(executionId)).toBe(60)
  })
})

describe('four producer processes into one execution', () => {
  it('assigns unique gapless seqs, publishes them in seq order and stores every event once', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const { store, close } = await startInProcessWorker(names, { WORKER_CONCURRENCY: '500' })
    cleanups.push(close)
    const tap: AdapterTap = await tapAdapterChannel(names.redisUrl, names.keyPrefix)
    cleanups.push(() => tap.close())
    const executionId = uniqueName('exec')
    const perProducer = 1500

    const producers: NodeProcess[] = ['p1', 'p2', 'p3', 'p4'].map((producer) =>
      startTsProcess('test/fixtures/producer.ts', {
        env: processEnv(names, { EXECUTION_ID: executionId, COUNT: String(perProducer), PRODUCER: producer }),
      }),
    )
    cleanups.push(() => Promise.all(producers.map((p) => p.kill('SIGKILL'))))
    const isType =
      (type: string) =>
      (message: unknown): message is { type: string; flushed: boolean } =>
        typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type
    await Promise.all(producers.map((p) => p.waitForMessage(isType('ready'), 30_000)))
    for (const producer of producers) producer.send('go')
    const reports = await Promise.all(producers.map((p) => p.waitForMessage(isType('done'), 60_000)))
    expect(reports.every((report) => report.flushed)).toBe(true)

    const total = 4 * perProducer
    expect(await storedSeqs(store, executionId, total)).toEqual(range(1, total))
    await eventually(
      () => tap.events.filter((event) => event.executionId === executionId).length >= total || undefined,
    )
    const published = tap.events.filter((event) => event.executionId === executionId)
    expect(seqsOf(published)).toEqual(range(1, total))
    expect(new Set(published.map((event) => event.id)).size).toBe(total)
    const byProducer = new Map<string, number>()
    for (const event of published) {
      const agentId = (event as { agentId?: string }).agentId ?? ''
      byProducer.set(agentId, (byProducer.get(agentId) ?? 0) + 1)
    }
    expect([...byProducer.values()]).toEqual([perProducer, perProducer, perProducer, perProducer])
    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === total ? current : undefined
    })
    expect(summary.lastSeq).toBe(total)
  })
})
