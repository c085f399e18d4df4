import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { SECRET, secretBytes, signToken } from '../auth/tokens.js'
import { connectClient, PROTOCOLS } from '../support/web-node-clients.js'
import { emitTimed, endOf, eventsOf, replayedEvents, replayIdOf } from '../support/replay-support.js'
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
const LONG_GAP_MS = 60_000

const MALFORMED_REPLAYS: readonly [string, unknown][] = [
  ['no executionId', { speed: 2 }],
  ['a speed of 0', { executionId: 'exec-1', speed: 0 }],
  ['a speed above 1000', { executionId: 'exec-1', speed: 5000 }],
  ['a speed that is a word', { executionId: 'exec-1', speed: 'fast' }],
  ['a negative fromSeq', { executionId: 'exec-1', fromSeq: -1 }],
  ['an unknown type', { executionId: 'exec-1', types: ['nope'] }],
  ['an unknown field', { executionId: 'exec-1', loop: true }],
]

const MALFORMED_CONTROLS: readonly [string, unknown][] = [
  ['no replayId', { action: 'pause' }],
  ['an unknown action', { replayId: 'r', action: 'jump' }],
  ['a seek without seq', { replayId: 'r', action: 'seek' }],
  ['a speed without speed', { replayId: 'r', action: 'speed' }],
  ['a negative seek', { replayId: 'r', action: 'seek', seq: -3 }],
]

describe.each(PROTOCOLS)('replay errors and limits over %s', (protocol) => {
  it('answers malformed replay requests and controls with invalid_request, and the connection goes on', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-ok', 5)
    const client = await startTestClient(protocol, node)

    const replies = await Promise.all(MALFORMED_REPLAYS.map(([, payload]) => client.replay(payload)))
    const controls = await Promise.all(MALFORMED_CONTROLS.map(([, payload]) => client.replayControl(payload)))
    const unknown = await client.replayControl({ replayId: 'no-such-replay', action: 'pause' })
    const replayId = replayIdOf(await client.replay({ executionId: 'exec-ok', speed: 'max' }))
    await endOf(client, replayId)

    for (const [index, reply] of [...replies, ...controls].entries()) {
      const [what] = [...MALFORMED_REPLAYS, ...MALFORMED_CONTROLS][index] ?? []
      expect(reply, what).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    }
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(seqsOf(replayedEvents(client, replayId))).toEqual(range(1, 5))
  })

  it('refuses an execution the token does not grant with forbidden, as a subscription', async () => {
    const stack = names()
    const auth = { mode: 'hs256', secret: SECRET } as const
    const node = await startTestNode(stack, { auth })
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-mine', 3)
    await emitSamples(emitter, 'exec-theirs', 3)
    const token = await signToken({ executions: ['exec-mine'] }, secretBytes(SECRET), 'HS256')
    const client = await connectClient(protocol, node.url, { token })
    onTestFinished(() => client.close())

    const refused = await client.replay({ executionId: 'exec-theirs', speed: 'max' })
    const granted = replayIdOf(await client.replay({ executionId: 'exec-mine', speed: 'max' }))
    await endOf(client, granted)

    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(client.replayMessages.items.every((message) => message.replayId === granted)).toBe(true)
    expect(seqsOf(replayedEvents(client, granted))).toEqual(range(1, 3))
  })

  it('refuses a replay past the per-connection limit with too_many_replays; ended replays do not count', async () => {
    const stack = names()
    const node = await startTestNode(stack, { maxReplaysPerConnection: 2 })
    const emitter = await startTestEmitter(stack)
    await emitTimed(emitter, 'exec-slow', [LONG_GAP_MS, LONG_GAP_MS])
    await emitSamples(emitter, 'exec-short', 4)
    const client = await startTestClient(protocol, node)
    const other = await startTestClient(protocol, node)

    const finished = replayIdOf(await client.replay({ executionId: 'exec-short', speed: 'max' }))
    await endOf(client, finished)
    const first = replayIdOf(await client.replay({ executionId: 'exec-slow' }))
    const second = replayIdOf(await client.replay({ executionId: 'exec-slow' }))
    const third = await client.replay({ executionId: 'exec-slow' })
    const elsewhere = replayIdOf(await other.replay({ executionId: 'exec-short', speed: 'max' }))
    await client.replayControl({ replayId: first, action: 'stop' })
    const afterStop = await client.replay({ executionId: 'exec-short', speed: 'max' })
    await endOf(client, replayIdOf(afterStop))
    const sought = await client.replayControl({ replayId: finished, action: 'seek', seq: 2 })
    await endOf(other, elsewhere)

    expect(third).toMatchObject({ ok: false, error: { code: 'too_many_replays' } })
    expect(sought).toEqual({ ok: true, replayId: finished, state: 'paused', position: 2 })
    expect(seqsOf(replayedEvents(other, elsewhere))).toEqual(range(1, 4))
    await eventsOf(client, second, 1)
    // `second` plays, `finished` is paused again by its seek; the others ended.
    expect(node.stats().replays).toBe(2)
  })

  it('stops the replays of a connection that closes, and tells running ones why when the node shuts down', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitTimed(emitter, 'exec-long', [LONG_GAP_MS, LONG_GAP_MS])
    const leaving = await startTestClient(protocol, node)
    const staying = await startTestClient(protocol, node)
    const gone = replayIdOf(await leaving.replay({ executionId: 'exec-long' }))
    const running = replayIdOf(await staying.replay({ executionId: 'exec-long' }))
    await eventsOf(leaving, gone, 1)
    await eventsOf(staying, running, 1)

    await leaving.close()
    await until(() => node.stats().replays === 1, 'the closed connection to end its replay')
    await node.close()
    const end = await endOf(staying, running)

    expect(end).toMatchObject({ reason: 'stopped', lastSeq: 3, error: { code: 'closed' } })
    expect(node.stats().replays).toBe(0)
  })
})
