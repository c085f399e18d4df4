import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { EventStore } from '../../src/store/event-store.js'
import { PROTOCOLS } from '../support/web-node-clients.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startProducer,
  startTestClient,
  startTestEmitter,
  startTestNode,
  startTestWorker,
  until,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

describe.each(PROTOCOLS)('resume after reconnect over %s', (protocol) => {
  it('replays exactly the events after since from the recent buffer, then live, while events keep flowing', async () => {
    const stack = names()
    const [nodeA, nodeB] = await Promise.all([startTestNode(stack), startTestNode(stack)])
    const emitter = await startTestEmitter(stack, { recentBufferSize: 5000 })
    const first = await startTestClient(protocol, nodeA)
    await first.subscribe({ executionId: 'exec-resume' })
    const producer = startProducer(emitter, 'exec-resume')

    await first.waitForEvents(100)
    await first.close()
    const since = first.events.at(-1)?.seq ?? 0
    const second = await startTestClient(protocol, nodeB)
    const reply = await second.subscribe({ executionId: 'exec-resume', since })
    await until(() => producer.emitted() >= since + 300, 'more events after the resume')
    const total = await producer.stop()

    expect(reply).toMatchObject({ ok: true, executionId: 'exec-resume' })
    expect(reply).not.toHaveProperty('missing')
    await second.waitForEvents(total - since)
    expect(seqsOf(second.events)).toEqual(range(since + 1, total))
  })

  it('replays events older than the recent buffer from the store, then the buffer, then live', async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const [nodeA, nodeB] = await Promise.all([
      startTestNode(stack, { mongoUri: stack.mongoUri }),
      startTestNode(stack, { mongoUri: stack.mongoUri }),
    ])
    const emitter = await startTestEmitter(stack, { recentBufferSize: 50 })
    const first = await startTestClient(protocol, nodeA)
    await first.subscribe({ executionId: 'exec-old' })
    await emitSamples(emitter, 'exec-old', 20)
    await first.waitForEvents(20)
    const since = first.events.at(-1)?.seq ?? 0
    await first.close()
    await emitSamples(emitter, 'exec-old', 200)
    await until(
      async () => (await store.countExecutionEvents('exec-old')) >= 150,
      'the worker to store the old events',
    )
    const producer = startProducer(emitter, 'exec-old')

    const second = await startTestClient(protocol, nodeB)
    const reply = await second.subscribe({ executionId: 'exec-old', since })
    await until(() => producer.emitted() >= 100, 'live events after the resume')
    const total = 220 + (await producer.stop())

    expect(since).toBe(20)
    expect(reply).toMatchObject({ ok: true, executionId: 'exec-old' })
    expect(reply).not.toHaveProperty('missing')
    expect(reply.ok ? reply.replayed : 0).toBeGreaterThanOrEqual(200)
    await second.waitForEvents(total - since)
    expect(seqsOf(second.events)).toEqual(range(since + 1, total))
  })

  it('names the exact missing range when neither the buffer nor a store has it', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack, { recentBufferSize: 50 })
    await emitSamples(emitter, 'exec-gap', 120)
    const client = await startTestClient(protocol, node)

    const reply = await client.subscribe({ executionId: 'exec-gap', since: 10 })
    await emitSamples(emitter, 'exec-gap', 5)

    expect(reply).toEqual({
      ok: true,
      executionId: 'exec-gap',
      replayed: 50,
      lastSeq: 120,
      missing: { from: 11, to: 70 },
    })
    await client.waitForEvents(55)
    expect(seqsOf(client.events)).toEqual(range(71, 125))
  })

  /** 100 events with only the last 50 in the buffer and the first `stored` of them in the store. */
  async function lagging(stored: number, replayWaitMs: number) {
    const stack = names()
    const store = await EventStore.open(stack.mongoUri)
    onTestFinished(() => store.close())
    const node = await startTestNode(stack, { mongoUri: stack.mongoUri, replayWaitMs })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 50 })
    const witness = await startTestClient(protocol, node)
    await witness.subscribe({ executionId: 'exec-lag' })
    await emitSamples(emitter, 'exec-lag', 100)
    const events = await witness.waitForEvents(100)
    await store.persistBatch(events.slice(0, stored))
    return { node, store, events }
  }

  it('waits for a lagging store to catch up with the buffer', async () => {
    const { node, store, events } = await lagging(30, 10_000)
    const client = await startTestClient(protocol, node)

    const [reply] = await Promise.all([
      client.subscribe({ executionId: 'exec-lag' }),
      store.persistBatch(events.slice(30, 50)),
    ])

    expect(reply).toEqual({ ok: true, executionId: 'exec-lag', replayed: 100, lastSeq: 100 })
    await client.waitForEvents(100)
    expect(seqsOf(client.events)).toEqual(range(1, 100))
  })

  it('names what a lagging store still lacks after the wait', async () => {
    const { node } = await lagging(30, 300)
    const client = await startTestClient(protocol, node)

    const reply = await client.subscribe({ executionId: 'exec-lag' })

    expect(reply).toEqual({
      ok: true,
      executionId: 'exec-lag',
      replayed: 80,
      lastSeq: 100,
      missing: { from: 31, to: 50 },
    })
    await client.waitForEvents(80)
    expect(seqsOf(client.events)).toEqual([...range(1, 30), ...range(51, 100)])
  })

  it('sends nothing twice when a connection subscribes again without since', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    const client = await startTestClient(protocol, node)
    await client.subscribe({ executionId: 'exec-again' })
    await emitSamples(emitter, 'exec-again', 10)
    await client.waitForEvents(10)

    const again = await client.subscribe({ executionId: 'exec-again' })
    await emitSamples(emitter, 'exec-again', 10)

    expect(again).toMatchObject({ ok: true, replayed: 0, lastSeq: 10 })
    await client.waitForEvents(20)
    expect(seqsOf(client.events)).toEqual(range(1, 20))
  })
})
