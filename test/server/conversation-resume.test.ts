import { describe, expect, inject, it, onTestFinished } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { startWebProcess } from '../support/stack-processes.js'
import { connectClient, PROTOCOLS, type Protocol, type TestClient } from '../support/web-node-clients.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startProducer,
  startTestEmitter,
  startTestNode,
  startTestWorker,
  until,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const CONVERSATION = 'conv-resume'

async function connected(protocol: Protocol, url: string): Promise<TestClient> {
  const client = await connectClient(protocol, url)
  onTestFinished(() => client.close())
  return client
}

/** The last seq received per execution: a conversation's `since`. */
function cursorsOf(events: readonly StampedAgentEvent[]): Record<string, number> {
  const cursors: Record<string, number> = {}
  for (const event of events)
    cursors[event.executionId] = Math.max(cursors[event.executionId] ?? 0, event.seq)
  return cursors
}

const ofExecution = (events: readonly StampedAgentEvent[], executionId: string) =>
  seqsOf(events.filter((event) => event.executionId === executionId))

describe.each(PROTOCOLS)('conversation resume over %s', (protocol) => {
  it('resumes every execution after its node is killed: no gap, no duplicate, new and store-only ones included', async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const [webA, webB] = await Promise.all([startWebProcess(stack), startWebProcess(stack)])
    const emitter = await startTestEmitter(stack, { recentBufferSize: 20 })
    await emitSamples(emitter, 'exec-long', 10, CONVERSATION)
    await emitSamples(emitter, 'exec-steady', 10, CONVERSATION)
    await emitSamples(emitter, 'exec-elsewhere', 10, 'conv-other')
    const first = await connected(protocol, webA.url)

    const replied = await first.subscribe({ conversationId: CONVERSATION, since: {} })
    const producer = startProducer(emitter, 'exec-steady', 5, CONVERSATION, 20)
    await first.waitForEvents(60)
    await webA.process.kill('SIGKILL')
    await first.disconnected
    await emitSamples(emitter, 'exec-long', 150, CONVERSATION)
    await emitSamples(emitter, 'exec-new', 5, CONVERSATION)
    await until(
      async () => (await store.countExecutionEvents('exec-long')) === 160,
      'the worker to store what the buffer no longer holds',
    )
    const since = cursorsOf(first.events)
    const second = await connected(protocol, webB.url)
    const resumed = await second.subscribe({ conversationId: CONVERSATION, since })
    const atResume = producer.emitted()
    await until(() => producer.emitted() >= atResume + 100, 'live events after the resume')
    const steady = 10 + (await producer.stop())
    await emitSamples(emitter, 'exec-new', 5, CONVERSATION)
    await emitSamples(emitter, 'exec-long', 5, CONVERSATION)

    expect(replied).toEqual({
      ok: true,
      conversationId: CONVERSATION,
      replayed: 20,
      executions: { 'exec-long': 10, 'exec-steady': 10 },
    })
    expect(resumed).toMatchObject({ ok: true, conversationId: CONVERSATION })
    expect(resumed).not.toHaveProperty('missing')
    expect(resumed.ok && resumed.executions).toMatchObject({ 'exec-long': 160, 'exec-new': 5 })
    const totals = { 'exec-long': 165, 'exec-steady': steady, 'exec-new': 10 }
    const owed = Object.entries(totals).reduce((sum, [id, total]) => sum + total - (since[id] ?? 0), 0)
    await second.waitForEvents(owed)
    const all = [...first.events, ...second.events]
    for (const [executionId, total] of Object.entries(totals)) {
      expect(ofExecution(all, executionId), executionId).toEqual(range(1, total))
    }
    expect(all.every((event) => event.conversationId === CONVERSATION)).toBe(true)
    expect(since['exec-new']).toBeUndefined()
  }, 90_000)

  it('starts live without since, and names where each execution starts', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-1', 7, CONVERSATION)
    await emitSamples(emitter, 'exec-2', 3, CONVERSATION)
    const client = await connected(protocol, node.url)

    const reply = await client.subscribe({ conversationId: CONVERSATION })
    await emitSamples(emitter, 'exec-2', 2, CONVERSATION)
    await emitSamples(emitter, 'exec-3', 2, CONVERSATION)

    expect(reply).toEqual({
      ok: true,
      conversationId: CONVERSATION,
      replayed: 0,
      executions: { 'exec-1': 7, 'exec-2': 3 },
    })
    await client.waitForEvents(4)
    expect(client.events.map((event) => `${event.executionId}:${event.seq}`)).toEqual([
      'exec-2:4',
      'exec-2:5',
      'exec-3:1',
      'exec-3:2',
    ])
  })

  it('names per execution the range found nowhere, and replays the rest', async () => {
    const stack = names()
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack, { recentBufferSize: 10 })
    await emitSamples(emitter, 'exec-gap', 30, CONVERSATION)
    await emitSamples(emitter, 'exec-whole', 5, CONVERSATION)
    const client = await connected(protocol, node.url)

    const reply = await client.subscribe({ conversationId: CONVERSATION, since: { 'exec-gap': 5 } })

    expect(reply).toEqual({
      ok: true,
      conversationId: CONVERSATION,
      replayed: 15,
      executions: { 'exec-gap': 30, 'exec-whole': 5 },
      missing: { 'exec-gap': { from: 6, to: 20 } },
    })
    await client.waitForEvents(15)
    expect(ofExecution(client.events, 'exec-gap')).toEqual(range(21, 30))
    expect(ofExecution(client.events, 'exec-whole')).toEqual(range(1, 5))
  })

  it('refuses a malformed since with invalid_request', async () => {
    const node = await startTestNode(names())
    const client = await connected(protocol, node.url)

    const replies = await Promise.all([
      client.subscribe({ conversationId: CONVERSATION, since: 3 }),
      client.subscribe({ conversationId: CONVERSATION, since: { 'exec-1': -1 } }),
      client.subscribe({ conversationId: CONVERSATION, since: { '': 1 } }),
      client.subscribe({ executionId: 'exec-1', since: { 'exec-1': 1 } }),
      client.subscribe({
        conversationId: CONVERSATION,
        since: Object.fromEntries(range(1, 1001).map((i) => [`e${i}`, 1])),
      }),
    ])

    for (const reply of replies)
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
  })
})
