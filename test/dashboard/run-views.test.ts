import { describe, expect, it } from 'vitest'
import { filterEvents, NO_FILTER } from '../../dashboard/src/state/event-filter.js'
import { reduceRun } from '../../dashboard/src/state/run-reducer.js'
import { initialRunState } from '../../dashboard/src/state/run-state.js'
import { treeOf } from '../../dashboard/src/state/run-tree.js'
import { timelineOf } from '../../dashboard/src/state/timeline.js'
import { nth, stampRun, storyRun } from './run-events.js'

const start = Date.parse('2026-11-01T10:00:00.000Z')

describe('the tree of a run', () => {
  it('nests agents under departments, heads first, sub-agents under their parent, tool calls under their agent', () => {
    const events = stampRun('exec-1', [
      { type: 'agent-start', agentId: 'writer', agentName: 'Writer', task: 't', department: 'story' },
      {
        type: 'agent-start',
        agentId: 'head',
        agentName: 'Head',
        task: 't',
        department: 'story',
        isDepartmentHead: true,
      },
      {
        type: 'agent-start',
        agentId: 'helper',
        agentName: 'Helper',
        task: 't',
        department: 'story',
        parentAgentId: 'writer',
      },
      { type: 'tool-call', agentId: 'helper', toolName: 'search' },
      { type: 'agent-start', agentId: 'loner', agentName: 'Loner', task: 't' },
    ])
    const tree = treeOf(events.reduce(reduceRun, initialRunState('exec-1')))

    expect(tree.map(({ department }) => department?.name)).toEqual(['story', undefined])
    const story = nth(tree, 0)
    expect(story.agents.map(({ agent }) => agent.agentId)).toEqual(['head', 'writer'])
    const writer = nth(story.agents, 1)
    expect(writer.children.map(({ agent }) => agent.agentId)).toEqual(['helper'])
    expect(nth(writer.children, 0).toolCalls.map((call) => call.toolName)).toEqual(['search'])
    expect(nth(tree, 1).agents.map(({ agent }) => agent.agentId)).toEqual(['loner'])
  })
})

describe('the timeline of a run', () => {
  it('draws departments, agents and tool calls in tree order from their start to their end', () => {
    const state = storyRun().reduce(reduceRun, initialRunState('exec-1'))
    const timeline = timelineOf(state, start + 60_000)

    expect(timeline.start).toBe(start)
    expect(timeline.end).toBe(start + 11_000)
    expect(
      timeline.bars.map((bar) => [bar.id, bar.depth, bar.state, bar.start - start, bar.end - start]),
    ).toEqual([
      ['department:story', 0, 'completed', 1000, 10_000],
      ['agent:story-head', 1, 'completed', 2000, 7000],
      ['tool:story-head#5', 2, 'completed', 4000, 5000],
    ])
  })

  it('runs what has not ended until now', () => {
    const state = storyRun().slice(0, 5).reduce(reduceRun, initialRunState('exec-1'))
    const timeline = timelineOf(state, start + 30_000)

    expect(timeline.bars.every((bar) => bar.end === start + 30_000 && bar.state === 'running')).toBe(true)
    expect(timeline.end).toBe(start + 30_000)
  })
})

describe('the event log filter', () => {
  const events = storyRun()
  const state = events.reduce(reduceRun, initialRunState('exec-1'))
  const seqs = (filter: Parameters<typeof filterEvents>[1]) =>
    filterEvents(events, filter, state).map((e) => e.seq)

  it('keeps everything without a filter', () => {
    expect(seqs(NO_FILTER)).toHaveLength(12)
  })

  it('filters by type, by department (the event’s own or its agent’s) and by agent, together', () => {
    expect(seqs({ ...NO_FILTER, types: ['tool-call', 'tool-result'] })).toEqual([5, 6])
    expect(seqs({ ...NO_FILTER, department: 'story' })).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(seqs({ ...NO_FILTER, agentId: 'story-head' })).toEqual([3, 4, 5, 6, 7, 8, 9])
    expect(seqs({ types: ['agent-thinking'], department: 'story', agentId: 'story-head' })).toEqual([4, 7])
    expect(seqs({ ...NO_FILTER, department: 'art' })).toEqual([])
  })
})
