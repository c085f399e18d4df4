import { afterEach, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { AgentEventsError } from '../../src/errors.js'
import type { AgentEventInput } from '../../src/events/schemas.js'
import { durableNames, emitterOptions, startInProcessWorker, uniqueName } from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('invalid events', () => {
  it('each get a precise error while every valid event around them is sent and stored', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const reported: AgentEventsError[] = []
    emitter.on('error', (error) => reported.push(error))
    const executionId = uniqueName('exec')
    const valid = (n: number): AgentEventInput => ({
      type: 'department-start',
      executionId,
      department: `d${n}`,
    })
    const invalid: [string, unknown, string, string?][] = [
      ['unknown type', { type: 'agent-dance', executionId }, 'unknown_event_type', 'type'],
      ['missing type', { executionId }, 'unknown_event_type', 'type'],
      [
        'missing executionId',
        { type: 'department-start', department: 'story' },
        'invalid_event',
        'executionId',
      ],
      [
        'agentId of the wrong type',
        { type: 'agent-thinking', executionId, agentId: 7, currentStep: 's' },
        'invalid_event',
        'agentId',
      ],
      [
        'progress out of range',
        { type: 'agent-thinking', executionId, agentId: 'a', currentStep: 's', progress: 150 },
        'invalid_event',
        'progress',
      ],
      ['timestamp that is no date', { ...valid(0), timestamp: 'yesterday' }, 'invalid_event', 'timestamp'],
      ['not an object', 'agent-start', 'invalid_event'],
      [
        'a 5 MB payload',
        { type: 'tool-call', executionId, agentId: 'a', toolName: 't', input: 'x'.repeat(5 * 1024 * 1024) },
        'event_too_large',
      ],
    ]

    const sent = [await emitter.emitAgentEvent(valid(1))]
    for (const [name, input, code, path] of invalid) {
      const result = await emitter.emitAgentEvent(input as AgentEventInput)
      expect(result.status, name).toBe('rejected')
      if (result.status !== 'rejected') continue
      expect(result.error.code, name).toBe(code)
      if (path)
        expect(
          result.error.details.map((detail) => detail.path),
          name,
        ).toContain(path)
      sent.push(await emitter.emitAgentEvent(valid(sent.length + 1)))
    }

    expect(reported.map((error) => error.code)).toEqual(invalid.map(([, , code]) => code))
    expect(sent.map((result) => result.status === 'sent' || result.status === 'queued')).not.toContain(false)
    expect(emitter.stats).toMatchObject({ rejected: invalid.length, accepted: sent.length })
    expect(await emitter.flush()).toBe(true)
    await eventually(async () => (await store.countExecutionEvents(executionId)) === sent.length || undefined)
    const stored = await store.getExecutionEvents(executionId)
    expect(stored.map((event) => event.seq)).toEqual(sent.map((_, index) => index + 1))
    expect(stored.map((event) => (event as { department?: string }).department)).toEqual(
      sent.map((_, i) => `d${i + 1}`),
    )
  })

  it('resolves even without an error listener, and after close() refuses with `closed`', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const emitter = new AgentEventEmitter(emitterOptions(names))
    await emitter.initialize()
    const result = await emitter.emitAgentEvent({ type: 'nope' } as unknown as AgentEventInput)
    expect(result.status === 'rejected' && result.error.code).toBe('unknown_event_type')
    await emitter.close()
    const late = await emitter.emitDepartmentStart(uniqueName('exec'), 'story')
    expect(late.status === 'rejected' && late.error.code).toBe('closed')
  })
})
