import { afterEach, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { EventStore } from '../../src/store/event-store.js'
import { countDeadLetters } from '../../src/queue/dead-letters.js'
import { startTsProcess, type NodeProcess } from '../support/child-process.js'
import { durableNames, emitterOptions, openQueues, processEnv, uniqueName } from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'
import { isReadyMessage } from '../support/stack-processes.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('a worker killed with SIGKILL in the middle of a batch', () => {
  it('is replaced and every event ends up stored once, with exact summary counts', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const workerEnv = processEnv(names, {
      WORKER_CONCURRENCY: '200',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    })
    const store = await EventStore.open(names.mongoUri)
    cleanups.push(() => store.close())
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const executionId = uniqueName('exec')
    const total = 6000

    for (let start = 0; start < total; start += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, offset) =>
          emitter.emitToolResult(executionId, 'agent-1', 'search', { hits: start + offset }, true, 12),
        ),
      )
    }
    expect(await emitter.flush(30_000)).toBe(true)

    const first: NodeProcess = startTsProcess('workers/main.ts', { env: workerEnv })
    cleanups.push(() => first.kill('SIGKILL'))
    await first.waitForMessage(isReadyMessage, 30_000)
    const storedBeforeKill = await eventually(async () => {
      const count = await store.countExecutionEvents(executionId)
      return count >= 600 ? count : undefined
    })
    await first.kill('SIGKILL')
    expect(storedBeforeKill).toBeLessThan(total)

    const replacement = startTsProcess('workers/main.ts', { env: workerEnv })
    cleanups.push(() => replacement.kill('SIGTERM'))
    await replacement.waitForMessage(isReadyMessage, 30_000)

    await eventually(async () => (await store.countExecutionEvents(executionId)) === total || undefined, {
      timeoutMs: 60_000,
      what: 'every event stored',
    })
    const events = await store.getExecutionEvents(executionId, { limit: 10_000 })
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    expect(new Set(events.map((event) => event.id)).size).toBe(total)
    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === total ? current : undefined
    })
    expect(summary).toMatchObject({ eventCount: total, lastSeq: total, agents: ['agent-1'] })
    const { queues, close } = openQueues(names)
    cleanups.push(close)
    expect(await countDeadLetters(queues)).toBe(0)
  })
})
