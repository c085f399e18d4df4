import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  getInstrumentationContext,
  orchestrate,
  withAgent,
  withDepartment,
  withTool,
} from '../../src/instrumentation/index.js'
import { RecordingSink } from '../support/recording-sink.js'

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0)
const at = (ms: number): string => new Date(T0 + ms).toISOString()
/** Work that takes `ms` of (fake) time. */
const work = (ms: number): void => void vi.advanceTimersByTime(ms)

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a runner instrumented with the helpers', () => {
  it('emits a complete, nested, timed orchestration without repeating ids', async () => {
    const sink = new RecordingSink()
    const result = await orchestrate(
      'exec-1',
      async (run) => {
        const outline = await withDepartment('story', async (story) => {
          const draft = await withAgent(
            { agentId: 'story-head', agentName: 'Story Head', task: 'Outline', isDepartmentHead: true },
            async (head) => {
              head.thinking('Reading the brief', 10)
              work(100)
              const hits = await withTool(
                'web-search',
                { q: 'acts' },
                () => {
                  work(40)
                  return ['three acts']
                },
                { toolCallId: 'call-1' },
              )
              head.addTokenUsage({ input: 100, output: 20 })
              head.addTokenUsage({ input: 50, output: 30, total: 81 })
              const critique = await withAgent(
                { agentId: 'critic', agentName: 'Critic', task: 'Review' },
                (critic) => {
                  work(10)
                  critic.qualityCheck(72, false)
                  return 'tighten act two'
                },
              )
              head.setQualityScore(88)
              return `${hits[0]}: ${critique}`
            },
          )
          story.reviewStatus('approved', 'ok')
          return draft
        })
        run.setResult({ length: outline.length })
        return outline
      },
      { emitter: sink, conversationId: 'conv-1', projectId: 'proj-1', context: { prompt: 'pilot' } },
    )

    expect(result).toBe('three acts: tighten act two')
    const ids = { executionId: 'exec-1', conversationId: 'conv-1', projectId: 'proj-1' }
    expect(sink.recorded).toEqual([
      { type: 'orchestration-start', ...ids, context: { prompt: 'pilot' }, timestamp: at(0) },
      { type: 'department-start', ...ids, department: 'story', timestamp: at(0) },
      {
        type: 'agent-start',
        ...ids,
        agentId: 'story-head',
        agentName: 'Story Head',
        department: 'story',
        task: 'Outline',
        isDepartmentHead: true,
        timestamp: at(0),
      },
      {
        type: 'agent-thinking',
        ...ids,
        agentId: 'story-head',
        agentName: 'Story Head',
        currentStep: 'Reading the brief',
        progress: 10,
        timestamp: at(0),
      },
      {
        type: 'tool-call',
        ...ids,
        agentId: 'story-head',
        toolName: 'web-search',
        toolCallId: 'call-1',
        input: { q: 'acts' },
        timestamp: at(100),
      },
      {
        type: 'tool-result',
        ...ids,
        agentId: 'story-head',
        toolName: 'web-search',
        toolCallId: 'call-1',
        success: true,
        result: ['three acts'],
        duration: 40,
        timestamp: at(140),
      },
      {
        type: 'agent-start',
        ...ids,
        agentId: 'critic',
        agentName: 'Critic',
        department: 'story',
        task: 'Review',
        parentAgentId: 'story-head',
        timestamp: at(140),
      },
      {
        type: 'quality-check',
        ...ids,
        agentId: 'critic',
        department: 'story',
        score: 72,
        passed: false,
        timestamp: at(150),
      },
      {
        type: 'agent-complete',
        ...ids,
        agentId: 'critic',
        agentName: 'Critic',
        department: 'story',
        status: 'completed',
        output: 'tighten act two',
        executionTime: 10,
        timestamp: at(150),
      },
      {
        type: 'agent-complete',
        ...ids,
        agentId: 'story-head',
        agentName: 'Story Head',
        department: 'story',
        status: 'completed',
        output: 'three acts: tighten act two',
        executionTime: 150,
        tokenUsage: { input: 150, output: 50, total: 201 },
        qualityScore: 88,
        timestamp: at(150),
      },
      {
        type: 'review-status',
        ...ids,
        department: 'story',
        status: 'approved',
        feedback: 'ok',
        timestamp: at(150),
      },
      { type: 'department-complete', ...ids, department: 'story', status: 'completed', timestamp: at(150) },
      {
        type: 'orchestration-complete',
        ...ids,
        status: 'completed',
        result: { length: 27 },
        timestamp: at(150),
      },
    ])
  })

  it('reports a failure at every level it crosses and rethrows the very error', async () => {
    const sink = new RecordingSink()
    const failure = new TypeError('model quota exceeded')
    const run = orchestrate(
      'exec-2',
      () =>
        withDepartment('art', () =>
          withAgent({ agentId: 'painter', agentName: 'Painter' }, () =>
            withTool('render', { size: 4 }, () => {
              work(25)
              throw failure
            }),
          ),
        ),
      { emitter: sink },
    )

    await expect(run).rejects.toBe(failure)
    const closing = sink.recorded.slice(-4)
    expect(closing).toEqual([
      expect.objectContaining({
        type: 'tool-result',
        success: false,
        error: 'model quota exceeded',
        duration: 25,
      }),
      expect.objectContaining({
        type: 'agent-complete',
        agentId: 'painter',
        status: 'failed',
        error: 'model quota exceeded',
        executionTime: 25,
      }),
      expect.objectContaining({
        type: 'department-complete',
        status: 'failed',
        error: 'model quota exceeded',
      }),
      expect.objectContaining({
        type: 'orchestration-complete',
        status: 'failed',
        error: 'model quota exceeded',
      }),
    ])
    expect(closing[1]).not.toHaveProperty('output')
  })

  it('keeps each parallel agent in its own context across awaits', async () => {
    vi.useRealTimers()
    const sink = new RecordingSink()
    await orchestrate(
      'exec-3',
      () =>
        withAgent({ agentId: 'lead', agentName: 'Lead' }, () =>
          Promise.all(
            ['a', 'b', 'c'].map((name) =>
              withAgent({ agentId: `worker-${name}`, agentName: name }, async () => {
                await new Promise((resolve) => setTimeout(resolve, name === 'a' ? 15 : 1))
                await withTool('fetch', name, () => getInstrumentationContext()?.agent?.agentId)
              }),
            ),
          ),
        ),
      { emitter: sink },
    )
    const starts = sink.events.filter((event) => event.type === 'agent-start')
    expect(starts.map((event) => [event.agentId, event.parentAgentId])).toEqual([
      ['lead', undefined],
      ['worker-a', 'lead'],
      ['worker-b', 'lead'],
      ['worker-c', 'lead'],
    ])
    const results = sink.events.filter((event) => event.type === 'tool-result')
    expect(results.map((event) => [event.agentId, event.result])).toEqual(
      expect.arrayContaining([
        ['worker-a', 'worker-a'],
        ['worker-b', 'worker-b'],
        ['worker-c', 'worker-c'],
      ]),
    )
  })
})
