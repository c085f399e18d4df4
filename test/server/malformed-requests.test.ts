import { io as connectSocketIo } from 'socket.io-client'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { connectRawClient, PROTOCOLS } from '../support/web-node-clients.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestClient,
  startTestEmitter,
  startTestNode,
  until,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

const invalidSubscribes: [string, unknown][] = [
  ['not an object', 'exec-1'],
  ['an array', ['exec-1']],
  ['neither id', { since: 1 }],
  ['both ids', { executionId: 'exec-1', conversationId: 'conv-1' }],
  ['a number id', { executionId: 42 }],
  ['an empty id', { executionId: '' }],
  ['a 10 KB id', { executionId: 'x'.repeat(10_240) }],
  ['a negative since', { executionId: 'exec-1', since: -1 }],
  ['a fractional since', { executionId: 'exec-1', since: 1.5 }],
  ['a string since', { executionId: 'exec-1', since: '3' }],
  ['since on a conversation', { conversationId: 'conv-1', since: 3 }],
  ['an unknown event type', { executionId: 'exec-1', types: ['agent-dance'] }],
  ['types not an array', { executionId: 'exec-1', types: 'tool-call' }],
  ['an empty types list', { executionId: 'exec-1', types: [] }],
  ['an unknown field', { executionId: 'exec-1', room: 'execution:other' }],
]

describe.each(PROTOCOLS)('malformed requests over %s', (protocol) => {
  it.each(invalidSubscribes)('refuses a subscribe with %s as invalid_request', async (_, payload) => {
    const node = await startTestNode(names())
    const client = await startTestClient(protocol, node)

    const reply = await client.subscribe(payload)

    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect((reply as { error: { message: string } }).error.message.length).toBeLessThanOrEqual(500)
  })

  it('keeps the connection, and other clients, going after malformed requests', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const offender = await startTestClient(protocol, node)
    const bystander = await startTestClient(protocol, node)
    await bystander.subscribe({ executionId: 'exec-on' })
    const emitter = await startTestEmitter(stack)

    for (const [, payload] of invalidSubscribes) await offender.subscribe(payload)
    expect(await offender.unsubscribe({ executionId: 'exec-on', types: ['tool-call'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })
    expect(await offender.subscribe({ executionId: 'exec-on' })).toMatchObject({ ok: true })
    await emitSamples(emitter, 'exec-on', 10)

    for (const client of [offender, bystander]) {
      await client.waitForEvents(10)
      expect(seqsOf(client.events)).toEqual(range(1, 10))
    }
  })

  it('refuses subscriptions past the per-connection limit with too_many_subscriptions', async () => {
    const node = await startTestNode(names(), { maxSubscriptionsPerConnection: 3 })
    const client = await startTestClient(protocol, node)
    for (const id of ['a', 'b']) await client.subscribe({ executionId: id })
    await client.subscribe({ conversationId: 'c' })

    const refused = await client.subscribe({ executionId: 'd' })
    const again = await client.subscribe({ executionId: 'a', types: ['tool-call'] })
    await client.unsubscribe({ executionId: 'b' })
    const afterUnsubscribe = await client.subscribe({ executionId: 'd' })

    expect(refused).toMatchObject({ ok: false, error: { code: 'too_many_subscriptions' } })
    expect(again).toMatchObject({ ok: true, executionId: 'a' })
    expect(afterUnsubscribe).toMatchObject({ ok: true, executionId: 'd' })
  })
})

describe('malformed frames on the raw WebSocket', () => {
  const frames: [string, string | Buffer][] = [
    ['invalid JSON', '{"type":"subscribe",'],
    ['a JSON string', '"subscribe"'],
    ['a JSON array', '[{"type":"subscribe","executionId":"exec-1"}]'],
    ['no type', '{"executionId":"exec-1"}'],
    ['an unknown type', '{"type":"publish","executionId":"exec-1"}'],
    ['a ping with fields', '{"type":"ping","at":1}'],
    ['a binary frame', Buffer.from('{"type":"subscribe","executionId":"exec-1"}')],
  ]

  it.each(frames)('answers %s with an invalid_request error and stays open', async (_, frame) => {
    const stack = names()
    const node = await startTestNode(stack)
    const client = await connectRawClient(node.url)
    onTestFinished(() => client.close())

    const reply = await client.request(frame)
    const pong = await client.request('{"type":"ping"}')

    expect(reply).toMatchObject({ type: 'error', error: { code: 'invalid_request' } })
    expect(pong).toEqual({ type: 'pong' })
  })

  it('accepts raw clients on any path but Socket.IO’s', async () => {
    const node = await startTestNode(names())
    const client = await connectRawClient(node.url, '/')
    onTestFinished(() => client.close())

    expect(await client.request('{"type":"ping"}')).toEqual({ type: 'pong' })
  })
})

describe('Socket.IO requests without an acknowledgement', () => {
  it('subscribes all the same, and reports a refusal on the error event', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const socket = connectSocketIo(node.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
    onTestFinished(() => void socket.disconnect())
    const events: unknown[] = []
    socket.on('event', (event: unknown) => events.push(event))
    const refusal = new Promise((resolve) => socket.once('error', resolve))
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))

    socket.emit('subscribe', { executionId: 42 })
    socket.emit('subscribe', { executionId: 'exec-no-ack' })
    socket.emit('subscribe')

    expect(await refusal).toMatchObject({ code: 'invalid_request' })
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-no-ack', 3)
    await until(() => events.length === 3, 'the events of the subscription made without an ack')
  })
})
