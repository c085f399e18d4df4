import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import {
  AgentEventsClient,
  type ReplayEnd,
  type ReplayOptions,
  type StampedAgentEvent,
  type WireError,
} from '../../src/client/index.js'
import { stampedScript } from '../support/orchestration-script.js'
import { emitTimed } from '../support/replay-support.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestEmitter,
  startTestNode,
  until,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const LONG_GAP_MS = 60_000

/** What an application builds from a replay: the events it holds, rebuilt on every reset. */
function recorder() {
  const state = {
    held: [] as StampedAgentEvent[],
    resets: 0,
    ends: [] as ReplayEnd[],
    errors: [] as WireError[],
  }
  const handlers: Omit<ReplayOptions, 'speed' | 'fromSeq' | 'types'> = {
    onEvent: (event) => state.held.push(event),
    onReset: () => {
      state.held = []
      state.resets += 1
    },
    onEnd: (end) => state.ends.push(end),
    onError: (error) => state.errors.push(error),
  }
  return { state, handlers }
}

function startClient(url: string): AgentEventsClient {
  const client = new AgentEventsClient({ url })
  onTestFinished(() => client.close())
  return client
}

/**
 * A Socket.IO server scripted as a node that answers a replay request and sends the whole replay in
 * the same tick, so that the client reads the answer and the first events together.
 */
async function eagerReplayNode(events: readonly StampedAgentEvent[]): Promise<string> {
  const httpServer = createServer()
  const io = new Server(httpServer)
  io.on('connection', (socket) => {
    socket.on('replay', (request: { executionId: string }, answer: (ack: object) => void) => {
      const replayId = randomUUID()
      const lastSeq = events.length
      answer({ ok: true, replayId, executionId: request.executionId, lastSeq })
      for (const event of events) socket.emit('replay-event', { replayId, event })
      socket.emit('replay-end', { replayId, lastSeq, reason: 'finished' })
    })
  })
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => void io.close(() => resolve())))
  return `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
}

describe('replays with the browser client', () => {
  it('keeps the events that arrive in the same read as the answer to its replay request', async () => {
    const events = stampedScript({ executionId: 'exec-eager', conversationId: 'conv-eager' })
    const client = startClient(await eagerReplayNode(events))
    const replays = Array.from({ length: 20 }, () => recorder())

    for (const { handlers } of replays) client.replayExecution('exec-eager', { speed: 'max', ...handlers })
    await until(() => replays.every(({ state }) => state.ends.length === 1), 'every replay to end')

    for (const { state } of replays) {
      expect(seqsOf(state.held)).toEqual(range(1, events.length))
      expect(state.ends).toEqual([{ lastSeq: events.length, reason: 'finished' }])
    }
  })

  it('never moves its position back on a late answer: seeks sent at once leave it at the last one', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-client-seeks', 10)
    const client = startClient(node.url)
    const { state, handlers } = recorder()
    const positions: number[] = []
    const replay = client.replayExecution('exec-client-seeks', {
      speed: 'max',
      ...handlers,
      onState: ({ position }) => positions.push(position),
    })
    await until(() => state.ends.length === 1, 'the end of the replay')

    for (let round = 0; round < 5; round += 1) {
      await replay.seek(1)
      positions.length = 0
      const [toTwo, toThree] = await Promise.all([replay.seek(2), replay.seek(3)])
      expect(toTwo.ok && toThree.ok).toBe(true)
      expect(
        positions.every((position, index) => index === 0 || position >= (positions[index - 1] ?? 0)),
      ).toBe(true)
      expect({ position: replay.position, state: replay.state, held: seqsOf(state.held) }).toEqual({
        position: 3,
        state: 'paused',
        held: [1, 2, 3],
      })
    }
  })

  it("plays an execution at 'max', then seeks back and forward with its handle", async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-client-replay', 40)
    const client = startClient(node.url)
    const { state, handlers } = recorder()

    const replay = client.replayExecution('exec-client-replay', { speed: 'max', ...handlers })
    await until(() => state.ends.length === 1, 'the end of the replay')
    const finished = { state: replay.state, position: replay.position, held: seqsOf(state.held) }
    const back = await replay.seek(12)
    const heldAfterBack = seqsOf(state.held)
    const stopped = await replay.stop()

    expect(finished).toEqual({ state: 'ended', position: 40, held: range(1, 40) })
    expect(state.ends[0]).toEqual({ lastSeq: 40, reason: 'finished' })
    expect(back).toEqual({ ok: true, state: 'paused', position: 12, lastSeq: 40 })
    expect(heldAfterBack).toEqual(range(1, 12))
    expect(state.resets).toBe(1)
    expect(stopped).toMatchObject({ ok: true, state: 'ended' })
    expect(state.ends.at(-1)).toEqual({ lastSeq: 40, reason: 'stopped' })
  })

  it('reports a refused replay', async () => {
    const stack = names()
    const node = await startTestNode(stack, { maxReplaysPerConnection: 1 })
    const emitter = await startTestEmitter(stack)
    await emitTimed(emitter, 'exec-b', [LONG_GAP_MS])
    const client = startClient(node.url)
    const first = recorder()
    const second = recorder()

    client.replayExecution('exec-a', { ...first.handlers })
    await until(() => first.state.ends.length === 1, 'the first replay to end')
    const slow = recorder()
    const running = client.replayExecution('exec-b', { ...slow.handlers })
    await until(() => running.state === 'playing', 'the slow replay')
    const refused = client.replayExecution('exec-c', { ...second.handlers })
    await until(() => second.state.errors.length === 1, 'the refusal')

    expect(second.state.errors[0]?.code).toBe('too_many_replays')
    expect(refused.state).toBe('ended')
  })

  it('rebuilds a paused replay exactly where it was after its node restarts', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitTimed(
      emitter,
      'exec-restart',
      Array.from({ length: 19 }, () => LONG_GAP_MS),
    )
    const client = startClient(node.url)
    const { state, handlers } = recorder()
    const replay = client.replayExecution('exec-restart', { fromSeq: 2, ...handlers })
    await until(() => state.held.length === 1, 'the first event')
    await replay.seek(9)
    await replay.pause()

    await node.close()
    await until(() => replay.state === 'starting', 'the client to notice')
    await startTestNode(stack, { port: node.port })
    await until(() => replay.state === 'paused' && state.resets === 1, 'the replay to be rebuilt', 20_000)
    await until(() => state.held.length === 7, 'the events up to the position')

    expect(seqsOf(state.held)).toEqual(range(3, 9))
    expect(replay.position).toBe(9)
    expect(state.ends).toEqual([])
    expect(await replay.resume()).toMatchObject({ ok: true, state: 'playing', position: 9 })
  })
})
