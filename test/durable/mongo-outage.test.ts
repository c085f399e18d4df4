import { afterEach, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { PERSIST_JOB_NAME } from '../../src/queue/persistence-queue.js'
import { countDeadLetters, listDeadLetters } from '../../workers/dead-letters.js'
import { startTsProcess } from '../support/child-process.js'
import {
  databaseUrl,
  durableNames,
  emitterOptions,
  openQueue,
  processEnv,
  startInProcessWorker,
  uniqueName,
} from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'
import { startMongoServer, type ServiceHandle } from '../support/services.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const oneTo = (n: number): number[] => Array.from({ length: n }, (_, index) => index + 1)

async function ownMongo(): Promise<ServiceHandle> {
  const mongo = await startMongoServer()
  cleanups.push(() => mongo.dispose())
  return mongo
}

describe('MongoDB stopped for 10 s while events flow', () => {
  it('loses nothing: every event is stored once it returns', async () => {
    const mongo = await ownMongo()
    const names = { ...durableNames(inject('redisUrl'), mongo.url), mongoUri: databaseUrl(mongo.url) }
    const { store, close } = await startInProcessWorker(names, {}, { serverSelectionTimeoutMS: 1000 })
    cleanups.push(close)
    const emitter = new AgentEventEmitter(
      emitterOptions(names, { persistAttempts: 10, persistBackoffMs: 250 }),
    )
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
    const outage = emitFor(10_000)
    await outage
    await mongo.start()
    await emitFor(1000)
    expect(await emitter.flush()).toBe(true)

    await eventually(async () => (await store.countExecutionEvents(executionId)) === emitted || undefined, {
      timeoutMs: 90_000,
      what: `${emitted} events stored`,
    })
    const events = await store.getExecutionEvents(executionId, { limit: 10_000 })
    expect(events.map((event) => event.seq)).toEqual(oneTo(emitted))
    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === emitted ? current : undefined
    })
    expect(summary.lastSeq).toBe(emitted)
  }, 150_000)
})

describe('dead letters', () => {
  it('holds an event that failed every attempt, and stores it after a re-drive from the CLI', async () => {
    const mongo = await ownMongo()
    const names = { ...durableNames(inject('redisUrl'), mongo.url), mongoUri: databaseUrl(mongo.url) }
    const { store, close } = await startInProcessWorker(names, {}, { serverSelectionTimeoutMS: 500 })
    cleanups.push(close)
    const emitter = new AgentEventEmitter(emitterOptions(names, { persistAttempts: 2, persistBackoffMs: 50 }))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const { queue, close: closeQueue } = openQueue(names)
    cleanups.push(closeQueue)
    const executionId = uniqueName('exec')

    await mongo.stop()
    await Promise.all(Array.from({ length: 10 }, (_, i) => emitter.emitDepartmentStart(executionId, `d${i}`)))
    await eventually(async () => (await countDeadLetters(queue)) === 10 || undefined, { timeoutMs: 30_000 })
    const deadLetters = await listDeadLetters(queue)
    expect(deadLetters.map((letter) => letter.seq).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(oneTo(10))
    expect(
      deadLetters.every((letter) => letter.attemptsMade === 2 && letter.executionId === executionId),
    ).toBe(true)

    await mongo.start()
    const cli = (...args: string[]) =>
      startTsProcess('workers/dead-letters-cli.ts', { env: processEnv(names), args })
    const count = cli('count')
    expect(await count.waitForLine(/^\d+$/)).toBe('10')
    const redrive = cli('redrive')
    expect(await redrive.waitForLine(/re-driven/)).toBe('re-driven: 10')

    await eventually(async () => (await store.countExecutionEvents(executionId)) === 10 || undefined, {
      timeoutMs: 30_000,
    })
    expect((await store.getExecutionEvents(executionId)).map((event) => event.seq)).toEqual(oneTo(10))
    expect(await countDeadLetters(queue)).toBe(0)
  }, 90_000)

  it('dead-letters a poison job at once and stores the rest of its batch', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const { queue, close: closeQueue } = openQueue(names)
    cleanups.push(closeQueue)
    const executionId = uniqueName('exec')
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    await Promise.all(Array.from({ length: 5 }, (_, i) => emitter.emitDepartmentStart(executionId, `d${i}`)))
    await queue.add(PERSIST_JOB_NAME, { type: 'agent-start', executionId } as never, {
      jobId: 'evt_poison',
      attempts: 5,
    })
    expect(await emitter.flush()).toBe(true)

    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    await eventually(async () => (await store.countExecutionEvents(executionId)) === 5 || undefined)
    const [poison] = await eventually(async () => {
      const letters = await listDeadLetters(queue)
      return letters.length === 1 ? letters : undefined
    })
    expect(poison).toMatchObject({ jobId: 'evt_poison', attemptsMade: 1 })
    expect(poison?.reason).toMatch(/^invalid_event: /)
  })
})
