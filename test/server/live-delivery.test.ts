import { describe, expect, inject, it } from 'vitest'
import { PROTOCOLS } from '../support/web-node-clients.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestClient,
  startTestEmitter,
  startTestNode,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

describe.each(PROTOCOLS)('live delivery over %s', (protocol) => {
  it('delivers all of 2,000 events of an execution to clients on two nodes, in seq order, once each', async () => {
    const stack = names()
    const [nodeA, nodeB] = await Promise.all([startTestNode(stack), startTestNode(stack)])
    const clients = await Promise.all([
      startTestClient(protocol, nodeA),
      startTestClient(protocol, nodeB),
      startTestClient('raw', nodeB),
    ])
    for (const client of clients) {
      expect(await client.subscribe({ executionId: 'exec-live' })).toMatchObject({
        ok: true,
        replayed: 0,
        lastSeq: 0,
      })
    }
    const emitter = await startTestEmitter(stack)

    await emitSamples(emitter, 'exec-live', 2000)

    for (const client of clients) {
      await client.waitForEvents(2000)
      expect(seqsOf(client.events)).toEqual(range(1, 2000))
    }
  })

  it("gives a conversation subscriber the events of that conversation's executions only", async () => {
    const stack = names()
    const nodeB = await startTestNode(stack)
    const listener = await startTestClient(protocol, nodeB)
    expect(await listener.subscribe({ conversationId: 'conv-1' })).toEqual({
      ok: true,
      conversationId: 'conv-1',
      replayed: 0,
      executions: {},
    })
    const emitter = await startTestEmitter(stack)
    // Events reach one node in publish order: once the control's arrive on the listener's node, so have the others.
    const control = await startTestClient(protocol, nodeB)
    await control.subscribe({ executionId: 'exec-c' })

    await emitSamples(emitter, 'exec-a', 30, 'conv-1')
    await emitSamples(emitter, 'exec-other', 30, 'conv-2')
    await emitSamples(emitter, 'exec-b', 30, 'conv-1')
    await emitSamples(emitter, 'exec-c', 5)
    await control.waitForEvents(5)

    await listener.waitForEvents(60)
    expect(listener.events).toHaveLength(60)
    expect(listener.events.every((event) => event.conversationId === 'conv-1')).toBe(true)
    const ofA = listener.events.filter((event) => event.executionId === 'exec-a')
    expect(seqsOf(ofA)).toEqual(range(1, 30))
  })

  it('sends a types subscriber only the types it asked for, live and replayed', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-types', 20)
    const client = await startTestClient(protocol, node)

    const reply = await client.subscribe({ executionId: 'exec-types', types: ['tool-call', 'quality-check'] })
    await emitSamples(emitter, 'exec-types', 20)

    expect(reply).toMatchObject({ ok: true, replayed: 10, lastSeq: 20 })
    await client.waitForEvents(20)
    expect(new Set(client.events.map((event) => event.type))).toEqual(new Set(['tool-call', 'quality-check']))
    expect(seqsOf(client.events)).toEqual(range(1, 40).filter((seq) => [2, 0].includes(seq % 4)))
  })

  it('delivers each event once to a client subscribed to both an execution and its conversation', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const client = await startTestClient(protocol, node)
    await client.subscribe({ executionId: 'exec-both' })
    await client.subscribe({ conversationId: 'conv-both' })
    const emitter = await startTestEmitter(stack)

    await emitSamples(emitter, 'exec-both', 50, 'conv-both')
    await emitSamples(emitter, 'exec-sibling', 10, 'conv-both')

    await client.waitForEvents(60)
    const ofExecution = client.events.filter((event) => event.executionId === 'exec-both')
    expect(seqsOf(ofExecution)).toEqual(range(1, 50))
    expect(client.events.filter((event) => event.executionId === 'exec-sibling')).toHaveLength(10)
  })

  it('stops delivering after unsubscribe, and keeps other subscriptions going', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const client = await startTestClient(protocol, node)
    await client.subscribe({ executionId: 'exec-stay' })
    await client.subscribe({ executionId: 'exec-leave' })
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-leave', 5)
    await client.waitForEvents(5)

    expect(await client.unsubscribe({ executionId: 'exec-leave' })).toEqual({
      ok: true,
      executionId: 'exec-leave',
    })
    await emitSamples(emitter, 'exec-leave', 5)
    await emitSamples(emitter, 'exec-stay', 5)

    await client.waitForEvents(10)
    expect(client.events.map((event) => `${event.executionId}#${event.seq}`)).toEqual([
      ...range(1, 5).map((seq) => `exec-leave#${seq}`),
      ...range(1, 5).map((seq) => `exec-stay#${seq}`),
    ])
  })
})
