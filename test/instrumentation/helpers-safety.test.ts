import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EmitResult } from '../../src/emitter/event-emitter-core.js'
import { orchestrate, withAgent, withDepartment, withTool } from '../../src/instrumentation/index.js'
import { RecordingSink } from '../support/recording-sink.js'

// Fake timers: the payload test lets the re-send (a later microtask chain) settle with runAllTimersAsync.
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the helpers never break the agent', () => {
  it('never lets a failing sink break the agent', async () => {
    const throwing = {
      emitAgentEvent: (): Promise<EmitResult> => {
        throw new Error('broker down')
      },
    }
    const rejecting = { emitAgentEvent: () => Promise.reject(new Error('broker down')) }
    for (const emitter of [throwing, rejecting]) {
      const value = await orchestrate(
        'exec-4',
        () => withAgent({ agentId: 'a', agentName: 'A' }, () => withTool('t', {}, () => 42)),
        { emitter },
      )
      expect(value).toBe(42)
    }
  })

  it('sends a completion again without its payload when the broker refuses the payload', async () => {
    const sink = new RecordingSink(2048)
    const huge = 'x'.repeat(10_000)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await orchestrate(
      'exec-5',
      () =>
        withAgent({ agentId: 'writer', agentName: 'Writer' }, async () => {
          await withTool('cycle', cyclic, () => cyclic)
          return huge
        }),
      { emitter: sink },
    )
    await vi.runAllTimersAsync()
    expect(sink.refused.map((error) => error.code)).toEqual([
      'invalid_event',
      'invalid_event',
      'event_too_large',
    ])
    expect(sink.recorded.map((event) => event.type)).toEqual([
      'orchestration-start',
      'agent-start',
      'tool-call',
      'tool-result',
      'agent-complete',
      'orchestration-complete',
    ])
    const completion = sink.events.find((event) => event.type === 'agent-complete')
    expect(completion).toMatchObject({ status: 'completed', agentId: 'writer' })
    expect(completion).not.toHaveProperty('output')
  })

  it('ignores token counts and scores the schema would refuse, so that the completion is never refused', async () => {
    const sink = new RecordingSink()
    await orchestrate(
      'exec-8',
      () =>
        withAgent({ agentId: 'a', agentName: 'A' }, (agent) => {
          agent.addTokenUsage({ input: 10, output: 5 })
          agent.addTokenUsage({ input: -1, output: 2 })
          agent.addTokenUsage({ input: Number.NaN, output: 2 })
          agent.setQualityScore(Number.POSITIVE_INFINITY)
        }),
      { emitter: sink },
    )
    expect(sink.refused).toEqual([])
    const completion = sink.events.find((event) => event.type === 'agent-complete')
    expect(completion).toMatchObject({ status: 'completed', tokenUsage: { input: 10, output: 5, total: 15 } })
    expect(completion).not.toHaveProperty('qualityScore')
  })

  it('runs the work without events, and says so, where no execution is known', async () => {
    const sink = new RecordingSink()
    expect(await withAgent({ agentId: 'a', agentName: 'A' }, () => 'done', { emitter: sink })).toBe('done')
    expect(await withDepartment('story', () => 1, { emitter: sink })).toBe(1)
    await expect(
      withTool('t', {}, () => Promise.reject(new Error('own error')), { emitter: sink }),
    ).rejects.toThrow('own error')
    expect(sink.events).toEqual([])

    await withAgent({ agentId: 'a', agentName: 'A' }, () => 'done', { emitter: sink, executionId: 'exec-6' })
    expect(sink.events.map((event) => [event.type, event.executionId])).toEqual([
      ['agent-start', 'exec-6'],
      ['agent-complete', 'exec-6'],
    ])
  })

  it('records what the mapping options make of returned values, and nothing when a mapping throws', async () => {
    const sink = new RecordingSink()
    await orchestrate(
      'exec-7',
      () =>
        withAgent(
          { agentId: 'a', agentName: 'A' },
          () => withTool('t', {}, () => ({ secret: 'k', rows: 3 }), { result: (value) => value.rows }),
          {
            output: () => {
              throw new Error('bad mapping')
            },
          },
        ),
      { emitter: sink, result: (value) => ({ kept: Object.keys(value) }) },
    )
    expect(sink.events.find((event) => event.type === 'tool-result')).toMatchObject({ result: 3 })
    const agentComplete = sink.events.find((event) => event.type === 'agent-complete')
    expect(agentComplete).toMatchObject({ status: 'completed' })
    expect(agentComplete).not.toHaveProperty('output')
    expect(sink.events.at(-1)).toMatchObject({ result: { kept: ['secret', 'rows'] } })
  })
})
