import { describe, expect, it } from 'vitest'
import { CodebuffEventMapper } from '../../src/codebuff/index.js'
import { ids, prompt } from './fixtures/mapping-harness.js'

describe('reasoning of a codebuff run', () => {
  it('drops reasoning it cannot attribute, and counts it', () => {
    const mapper = new CodebuffEventMapper({
      ...ids,
      agentId: 'coder',
      agentName: 'Coder',
      task: prompt,
      orchestration: false,
    })
    mapper.begin()
    for (const agentId of ['a', 'b']) {
      mapper.onEvent({
        type: 'subagent_start',
        agentId,
        agentType: 'worker',
        displayName: agentId,
        parentAgentId: 'main',
      })
    }
    mapper.onStreamChunk({
      type: 'reasoning_chunk',
      agentId: 'run-x',
      ancestorRunIds: ['run-main'],
      chunk: 'hmm',
    })
    const closing = mapper.complete({ output: { type: 'lastMessage', value: [] } })
    expect(closing.map((event) => event.type)).toEqual(['agent-complete', 'agent-complete', 'agent-complete'])
    expect(mapper.droppedThoughts).toBe(1)
  })

  it('attributes the reasoning of parallel sub-agents whose runs could be told apart when they began', () => {
    const mapper = new CodebuffEventMapper({
      ...ids,
      agentId: 'coder',
      agentName: 'Coder',
      task: prompt,
      orchestration: false,
    })
    const events = [...mapper.begin()]
    const start = (agentId: string, parentAgentId: string) =>
      events.push(
        ...mapper.onEvent({
          type: 'subagent_start',
          agentId,
          agentType: 'worker',
          displayName: agentId,
          parentAgentId,
        }),
      )
    const reason = (runId: string, ancestorRunIds: string[], chunk: string) =>
      events.push(...mapper.onStreamChunk({ type: 'reasoning_chunk', agentId: runId, ancestorRunIds, chunk }))

    start('a', 'main-id')
    reason('run-a', ['run-main'], 'a plans') // only a runs: run-a is a's
    start('b', 'main-id')
    reason('run-b', ['run-main'], 'b plans') // a is bound already: run-b is b's
    start('a1', 'a')
    reason('run-a1', ['run-main', 'run-a'], 'a1 plans') // the only child of a
    reason('run-a', ['run-main'], 'a again')
    events.push(...mapper.complete({ output: { type: 'lastMessage', value: [] } }))

    const thoughts = events.flatMap((event) =>
      event.type === 'agent-thinking' ? [[event.agentId, event.currentStep]] : [],
    )
    expect(thoughts).toEqual([
      ['a', 'a plans'],
      ['b', 'b plans'],
      ['a1', 'a1 plans'],
      ['a', 'a again'],
    ])
    expect(mapper.droppedThoughts).toBe(0)
  })

  it('sends a long thought at once, at most 4,000 characters of it', () => {
    const mapper = new CodebuffEventMapper({
      ...ids,
      agentId: 'coder',
      agentName: 'Coder',
      task: prompt,
      orchestration: false,
    })
    mapper.begin()
    const chunk = (text: string) =>
      mapper.onStreamChunk({ type: 'reasoning_chunk', agentId: 'run-main', ancestorRunIds: [], chunk: text })
    expect(chunk('x'.repeat(3000))).toEqual([])
    const [thought] = chunk('y'.repeat(3000))
    expect(thought?.type === 'agent-thinking' && thought.currentStep).toBe(
      'x'.repeat(3000) + 'y'.repeat(1000),
    )
  })
})
