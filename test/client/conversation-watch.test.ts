import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { AgentEventsClient, type StampedAgentEvent, type Subscribed } from '../../src/client/index.js'
import { startWebProcess } from '../support/stack-processes.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startProducer,
  startTestEmitter,
  startTestWorker,
  until,
} from '../support/web-node-stack.js'

const CONVERSATION = 'conv-watch'

describe('the browser client watching a conversation', () => {
  it('resumes every execution after its web process is SIGKILLed: no gap, no duplicate', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const store = await startTestWorker(stack)
    const first = await startWebProcess(stack)
    const emitter = await startTestEmitter(stack, { recentBufferSize: 20 })
    await emitSamples(emitter, 'exec-before', 4, CONVERSATION)
    const received: StampedAgentEvent[] = []
    const acks: Subscribed[] = []
    const client = new AgentEventsClient({ url: first.url })
    onTestFinished(() => client.close())
    client.watchConversation(CONVERSATION, {
      onEvent: (event) => received.push(event),
      onSubscribed: (subscribed) => acks.push(subscribed),
    })
    await until(() => acks.length === 1, 'the subscription')

    await emitSamples(emitter, 'exec-before', 6, CONVERSATION)
    const producer = startProducer(emitter, 'exec-steady', 5, CONVERSATION, 20)
    await until(() => received.length >= 40, 'live events')
    await first.process.kill('SIGKILL')
    await emitSamples(emitter, 'exec-before', 100, CONVERSATION)
    await emitSamples(emitter, 'exec-new', 5, CONVERSATION)
    await until(async () => (await store.countExecutionEvents('exec-before')) === 110, 'the worker')
    await startWebProcess(stack, { WS_PORT: String(first.port) })
    await until(() => acks.length === 2, 'the client to resubscribe', 30_000)
    const atResume = producer.emitted()
    await until(() => producer.emitted() >= atResume + 100, 'live events after the resume')
    const steady = await producer.stop()
    await emitSamples(emitter, 'exec-new', 5, CONVERSATION)

    const totals = { 'exec-before': 110, 'exec-steady': steady, 'exec-new': 10 }
    await until(() => received.length >= 110 - 4 + steady + 10, 'every event', 30_000)
    const seqs = (executionId: string) =>
      seqsOf(received.filter((event) => event.executionId === executionId))
    expect(acks[0]).toEqual({ conversationId: CONVERSATION, replayed: 0, executions: { 'exec-before': 4 } })
    expect(seqs('exec-before')).toEqual(range(5, totals['exec-before']))
    expect(seqs('exec-steady')).toEqual(range(1, totals['exec-steady']))
    expect(seqs('exec-new')).toEqual(range(1, totals['exec-new']))
    expect(acks[1]).not.toHaveProperty('missing')
  }, 90_000)
})
