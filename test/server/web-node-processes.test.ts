import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { EventStore } from '../../src/store/event-store.js'
import { connectClient } from '../support/web-node-clients.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { emitSamples, range, seqsOf, stackNames, startTestEmitter, until } from '../support/web-node-stack.js'

const EVENTS = 5000

describe('web and worker processes', () => {
  it('deliver all of 5,000 events to clients of both protocols on two web nodes, and replay old ones from MongoDB', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const [webA, webB] = await Promise.all([startWebProcess(stack), startWebProcess(stack)])
    await startWorkerProcess(stack)
    const [onA, onB, raw, conversation, typed] = await Promise.all([
      connectClient('socket.io', webA.url),
      connectClient('socket.io', webB.url),
      connectClient('raw', webB.url),
      connectClient('raw', webA.url),
      connectClient('socket.io', webA.url),
    ])
    const clients = [onA, onB, raw, conversation, typed]
    onTestFinished(() => Promise.all(clients.map((client) => client.close())).then(() => undefined))
    for (const client of [onA, onB, raw]) await client.subscribe({ executionId: 'exec-procs' })
    await conversation.subscribe({ conversationId: 'conv-procs' })
    await typed.subscribe({ executionId: 'exec-procs', types: ['tool-call'] })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 50 })

    await emitSamples(emitter, 'exec-procs', EVENTS, 'conv-procs')
    await emitSamples(emitter, 'exec-elsewhere', 100, 'conv-other')
    await emitSamples(emitter, 'exec-sibling', 100, 'conv-procs')

    for (const client of [onA, onB, raw]) {
      await client.waitForEvents(EVENTS)
      expect(seqsOf(client.events)).toEqual(range(1, EVENTS))
    }
    await conversation.waitForEvents(EVENTS + 100)
    expect(conversation.events.filter((event) => event.conversationId !== 'conv-procs')).toEqual([])
    expect(seqsOf(conversation.events.filter((event) => event.executionId === 'exec-procs'))).toEqual(
      range(1, EVENTS),
    )
    await typed.waitForEvents(EVENTS / 4)
    expect(new Set(typed.events.map((event) => event.type))).toEqual(new Set(['tool-call']))
    expect(typed.events).toHaveLength(EVENTS / 4)

    const store = await EventStore.open(stack.mongoUri)
    onTestFinished(() => store.close())
    await until(
      async () => (await store.countExecutionEvents('exec-procs')) === EVENTS,
      'the worker to store all',
      30_000,
    )
    const resumed = await connectClient('raw', webA.url)
    onTestFinished(() => resumed.close())
    const since = EVENTS - 500
    const reply = await resumed.subscribe({ executionId: 'exec-procs', since })
    await emitSamples(emitter, 'exec-procs', 10, 'conv-procs')
    await resumed.waitForEvents(510)
    expect(reply).toEqual({ ok: true, executionId: 'exec-procs', replayed: 500, lastSeq: EVENTS })
    expect(seqsOf(resumed.events)).toEqual(range(since + 1, EVENTS + 10))

    const codes = await Promise.all([webA.process.kill('SIGTERM'), webB.process.kill('SIGTERM')])
    expect(codes).toEqual([0, 0])
  }, 120_000)
})
