import { describe, expect, it } from 'vitest'
import { reduceRun } from '../../dashboard/src/state/run-reducer.js'
import { initialRunState, qualityAverage, type RunState } from '../../dashboard/src/state/run-state.js'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { stampRun, storyRun } from './run-events.js'

const fold = (events: readonly StampedAgentEvent[], executionId = 'exec-1'): RunState =>
  events.reduce(reduceRun, initialRunState(executionId))

describe('the run reducer', () => {
  it('builds departments, agents, tool calls, totals and the final status from a whole run', () => {
    const state = fold(storyRun())

    expect(state).toMatchObject({
      status: 'completed',
      conversationId: 'conv-1',
      projectId: 'proj-1',
      lastSeq: 12,
      eventCount: 12,
      startedAt: '2026-11-01T10:00:00.000Z',
      completedAt: '2026-11-01T10:00:11.000Z',
      tokens: { input: 100, output: 50, total: 150 },
      quality: { count: 2, sum: 170, min: 80, max: 90, passed: 1, failed: 0 },
      departmentOrder: ['story'],
      agentOrder: ['story-head'],
    })
    expect(state.countsByType).toMatchObject({
      'agent-thinking': 2,
      'tool-call': 1,
      'orchestration-complete': 1,
    })
    expect(state.departments.story).toMatchObject({
      state: 'completed',
      agentIds: ['story-head'],
      review: { status: 'approved', feedback: 'good' },
      qualityChecks: [{ score: 80, passed: true, agentId: 'story-head' }],
      tokens: { total: 150 },
    })
    expect(state.agents['story-head']).toMatchObject({
      state: 'completed',
      isDepartmentHead: true,
      progress: 100,
      currentStep: 'Polishing',
      output: 'story done',
      qualityScore: 90,
      executionTimeMs: 1800,
      toolCallIds: ['story-head#5'],
    })
    expect(state.toolCalls['story-head#5']).toMatchObject({
      toolName: 'outline-builder',
      state: 'completed',
      durationMs: 40,
      result: { ok: true },
    })
    expect(qualityAverage(state.quality)).toBe(85)
  })

  it('shows a running agent with its latest progress and step mid-run', () => {
    const state = fold(storyRun().slice(0, 5))

    expect(state.status).toBe('running')
    expect(state.departments.story?.state).toBe('running')
    expect(state.agents['story-head']).toMatchObject({
      state: 'running',
      progress: 25,
      currentStep: 'Reading the brief',
    })
    expect(state.toolCalls['story-head#5']?.state).toBe('running')
  })

  it('ignores duplicates and events of other executions', () => {
    const events = storyRun()
    const once = fold(events)

    expect(fold([...events.slice(0, 6), ...events.slice(0, 12)])).toEqual(once)
    expect(reduceRun(once, { ...(events[3] as StampedAgentEvent), executionId: 'exec-2', seq: 99 })).toBe(
      once,
    )
  })

  it('marks a run failed on orchestration-complete with status failed or error', () => {
    for (const status of ['failed', 'error']) {
      const state = fold(
        stampRun('exec-1', [{ type: 'orchestration-start' }, { type: 'orchestration-complete', status }]),
      )
      expect(state.status).toBe('failed')
    }
  })

  it('matches tool results to calls by toolCallId, else to the oldest open call of that agent and tool', () => {
    const state = fold(
      stampRun('exec-1', [
        { type: 'tool-call', agentId: 'a', toolName: 'search', toolCallId: 'call-1' },
        { type: 'tool-call', agentId: 'a', toolName: 'search', toolCallId: 'call-2' },
        {
          type: 'tool-result',
          agentId: 'a',
          toolName: 'search',
          toolCallId: 'call-2',
          success: false,
          error: 'boom',
        },
        { type: 'tool-call', agentId: 'b', toolName: 'fetch' },
        { type: 'tool-call', agentId: 'b', toolName: 'fetch' },
        { type: 'tool-result', agentId: 'b', toolName: 'fetch', success: true },
      ]),
    )

    expect(state.toolCalls['call-1']?.state).toBe('running')
    expect(state.toolCalls['call-2']).toMatchObject({ state: 'failed', error: 'boom' })
    expect(state.toolCalls['b#4']?.state).toBe('completed')
    expect(state.toolCalls['b#5']?.state).toBe('running')
  })

  it('keeps a result whose call it never saw as a finished call', () => {
    const state = fold(
      stampRun('exec-1', [{ type: 'tool-result', agentId: 'a', toolName: 'search', success: true }]),
    )

    expect(state.agents.a?.toolCallIds).toEqual(['a#1'])
    expect(state.toolCalls['a#1']).toMatchObject({ state: 'completed', toolName: 'search' })
  })

  it('reads parentAgentId and a failed agent-complete with its error', () => {
    const state = fold(
      stampRun('exec-1', [
        { type: 'agent-start', agentId: 'head', agentName: 'Head', task: 't', department: 'art' },
        {
          type: 'agent-start',
          agentId: 'sub',
          agentName: 'Sub',
          task: 't',
          department: 'art',
          parentAgentId: 'head',
        },
        { type: 'agent-complete', agentId: 'sub', agentName: 'Sub', status: 'failed', error: 'timeout' },
      ]),
    )

    expect(state.agents.sub).toMatchObject({ parentAgentId: 'head', state: 'failed', error: 'timeout' })
    expect(state.departments.art?.agentIds).toEqual(['head', 'sub'])
  })

  it('creates an agent first seen thinking, and names it from the event', () => {
    const state = fold(
      stampRun('exec-1', [{ type: 'agent-thinking', agentId: 'x', agentName: 'Xavier', currentStep: 'hm' }]),
    )

    expect(state.agents.x).toMatchObject({
      agentName: 'Xavier',
      state: 'running',
      currentStep: 'hm',
      progress: undefined,
    })
  })
})
