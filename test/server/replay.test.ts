import { describe, expect, inject, it } from 'vitest'
import { PROTOCOLS } from '../support/web-node-clients.js'
import {
  emitTimed,
  endOf,
  eventsOf,
  heldEvents,
  messagesOf,
  replayedEvents,
  replayIdOf,
} from '../support/replay-support.js'
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
/** A gap long enough that no paced event comes while a test looks at what a control did. */
const LONG_GAP_MS = 60_000

describe.each(PROTOCOLS)('replay over %s', (protocol) => {
  it("plays a finished execution at 'max' exactly as it is stored", async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const node = await startTestNode(stack, { mongoUri: stack.mongoUri })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 1000 })
    await emitSamples(emitter, 'exec-max', 300)
    await until(async () => (await store.countExecutionEvents('exec-max')) === 300, 'the worker to store all')
    const client = await startTestClient(protocol, node)

    const reply = await client.replay({ executionId: 'exec-max', speed: 'max' })
    const replayId = replayIdOf(reply)
    const end = await endOf(client, replayId)

    expect(reply).toEqual({ ok: true, replayId, executionId: 'exec-max', lastSeq: 300 })
    expect(end).toMatchObject({ type: 'replay-end', replayId, lastSeq: 300, reason: 'finished' })
    expect(replayedEvents(client, replayId)).toEqual(await store.getExecutionEvents('exec-max'))
    expect(messagesOf(client, replayId).at(-1)?.type).toBe('replay-end')
  })

  it('replays an execution whose events are no longer in the recent buffer, from the store', async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const node = await startTestNode(stack, { mongoUri: stack.mongoUri })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 10 })
    await emitSamples(emitter, 'exec-old', 1200)
    await until(
      async () => (await store.countExecutionEvents('exec-old')) === 1200,
      'the worker to store all',
      30_000,
    )
    const client = await startTestClient(protocol, node)

    const replayId = replayIdOf(await client.replay({ executionId: 'exec-old', speed: 'max', fromSeq: 100 }))
    const end = await endOf(client, replayId)

    expect(end).toMatchObject({ lastSeq: 1200, reason: 'finished' })
    expect(seqsOf(replayedEvents(client, replayId))).toEqual(range(101, 1200))
    const stored = await store.getExecutionEvents('exec-old', { afterSeq: 100, limit: 2000 })
    expect(replayedEvents(client, replayId)).toEqual(stored)
  })

  it('keeps the original timing between events, divided by the speed', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    const gaps = [400, 1200, 200, 800, 600, 1000]
    const speed = 4
    await emitTimed(emitter, 'exec-timed', gaps)
    const client = await startTestClient(protocol, node)

    const replayId = replayIdOf(await client.replay({ executionId: 'exec-timed', speed }))
    await endOf(client, replayId)

    const events = messagesOf(client, replayId).filter((message) => message.type === 'replay-event')
    expect(events).toHaveLength(gaps.length + 1)
    const measured = events.slice(1).map((message, i) => message.receivedAt - (events[i]?.receivedAt ?? 0))
    const expected = gaps.map((gap) => gap / speed)
    for (const [i, gap] of measured.entries()) {
      const wanted = expected[i] ?? 0
      expect(gap, `gap ${i}: ${gap} ms for ${wanted} ms`).toBeGreaterThanOrEqual(wanted * 0.6)
      expect(gap, `gap ${i}: ${gap} ms for ${wanted} ms`).toBeLessThanOrEqual(wanted + 300)
    }
    const total = measured.reduce((sum, gap) => sum + gap, 0)
    const wantedTotal = expected.reduce((sum, gap) => sum + gap, 0)
    expect(total).toBeGreaterThanOrEqual(wantedTotal * 0.9)
    expect(total).toBeLessThanOrEqual(wantedTotal + 600)
  })

  it('sends nothing while paused, and goes on from where it stopped on resume', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitTimed(
      emitter,
      'exec-paused',
      Array.from({ length: 39 }, () => 100),
    )
    await emitTimed(emitter, 'exec-clock', [600])
    const client = await startTestClient(protocol, node)
    const replayId = replayIdOf(await client.replay({ executionId: 'exec-paused' }))
    await eventsOf(client, replayId, 3)

    const paused = await client.replayControl({ replayId, action: 'pause' })
    const whenPaused = replayedEvents(client, replayId).length
    // Real time passes: another replay on the same connection plays its 600 ms gap.
    const clockId = replayIdOf(await client.replay({ executionId: 'exec-clock' }))
    await endOf(client, clockId)
    const stillPaused = await client.replayControl({ replayId, action: 'pause' })
    const afterWait = replayedEvents(client, replayId).length
    const resumed = await client.replayControl({ replayId, action: 'resume' })
    const end = await endOf(client, replayId)

    expect(paused).toMatchObject({ ok: true, replayId, state: 'paused', position: whenPaused })
    expect(stillPaused).toEqual({ ok: true, replayId, state: 'paused', position: whenPaused })
    expect(afterWait).toBe(whenPaused)
    expect(resumed).toMatchObject({ ok: true, state: 'playing' })
    expect(end).toMatchObject({ lastSeq: 40, reason: 'finished' })
    expect(seqsOf(replayedEvents(client, replayId))).toEqual(range(1, 40))
  })

  it('seeks forward and backward: the client then holds exactly the events after fromSeq up to the target', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitTimed(
      emitter,
      'exec-seek',
      Array.from({ length: 29 }, () => LONG_GAP_MS),
    )
    const client = await startTestClient(protocol, node)
    const replayId = replayIdOf(await client.replay({ executionId: 'exec-seek', fromSeq: 5 }))
    await eventsOf(client, replayId, 1)

    const forward = await client.replayControl({ replayId, action: 'seek', seq: 20 })
    const afterForward = seqsOf(heldEvents(client, replayId))
    const backward = await client.replayControl({ replayId, action: 'seek', seq: 10 })
    const afterBackward = seqsOf(heldEvents(client, replayId))
    const resets = messagesOf(client, replayId).filter((message) => message.type === 'replay-reset')
    await client.replayControl({ replayId, action: 'pause' })
    const pausedForward = await client.replayControl({ replayId, action: 'seek', seq: 25 })
    const afterPausedForward = seqsOf(heldEvents(client, replayId))
    const beyond = await client.replayControl({ replayId, action: 'seek', seq: 1000 })

    expect(forward).toEqual({ ok: true, replayId, state: 'playing', position: 20 })
    expect(afterForward).toEqual(range(6, 20))
    expect(backward).toEqual({ ok: true, replayId, state: 'playing', position: 10 })
    expect(afterBackward).toEqual(range(6, 10))
    expect(resets).toHaveLength(1)
    expect(pausedForward).toEqual({ ok: true, replayId, state: 'paused', position: 25 })
    expect(afterPausedForward).toEqual(range(6, 25))
    expect(beyond).toEqual({ ok: true, replayId, state: 'paused', position: 30 })
    expect(seqsOf(heldEvents(client, replayId))).toEqual(range(6, 30))
  })

  it('stops: replay-end stopped, then nothing more of it, and the replay id is gone', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitTimed(
      emitter,
      'exec-stop',
      Array.from({ length: 9 }, () => LONG_GAP_MS),
    )
    const client = await startTestClient(protocol, node)
    const replayId = replayIdOf(await client.replay({ executionId: 'exec-stop', speed: 1000 }))
    await eventsOf(client, replayId, 1)

    const stopped = await client.replayControl({ replayId, action: 'stop' })
    const end = await endOf(client, replayId)
    const messages = messagesOf(client, replayId).length
    const again = await client.replayControl({ replayId, action: 'resume' })

    expect(stopped).toMatchObject({ ok: true, replayId, state: 'ended' })
    expect(end).toMatchObject({ reason: 'stopped', lastSeq: 10 })
    expect(end).not.toHaveProperty('error')
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(messagesOf(client, replayId)).toHaveLength(messages)
    expect(node.stats().replays).toBe(0)
  })

  it('plays a running execution up to its then-last seq; a live subscription with since goes on from there', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack, { recentBufferSize: 100_000 })
    await emitSamples(emitter, 'exec-running', 50)
    const producer = startProducer(emitter, 'exec-running', 1)
    const client = await startTestClient(protocol, node)

    const replayId = replayIdOf(await client.replay({ executionId: 'exec-running', speed: 'max' }))
    const end = await endOf(client, replayId)
    const live = await client.subscribe({ executionId: 'exec-running', since: end.lastSeq })
    await until(() => producer.emitted() >= end.lastSeq + 100, 'events after the replay')
    const total = 50 + (await producer.stop())

    expect(end.reason).toBe('finished')
    expect(end.lastSeq).toBeGreaterThanOrEqual(50)
    expect(seqsOf(replayedEvents(client, replayId))).toEqual(range(1, end.lastSeq))
    expect(live).toMatchObject({ ok: true, executionId: 'exec-running' })
    await client.waitForEvents(total - end.lastSeq)
    expect(seqsOf(client.events)).toEqual(range(end.lastSeq + 1, total))
  })
})
