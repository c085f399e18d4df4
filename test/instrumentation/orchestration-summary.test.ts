import { afterEach, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { orchestrate, withAgent, withDepartment, withTool } from '../../src/instrumentation/index.js'
import { durableNames, emitterOptions, startInProcessWorker, uniqueName } from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A small film-studio run: two departments, heads and a sub-agent, tools, scores, one failed tool. */
async function studioRun(emitter: AgentEventEmitter, executionId: string, conversationId: string) {
  return orchestrate(
    executionId,
    async () => {
      const story = await withDepartment('story', async (department) => {
        const outline = await withAgent(
          {
            agentId: 'story-head',
            agentName: 'Story Head',
            task: 'Outline the pilot',
            isDepartmentHead: true,
          },
          async (head) => {
            head.thinking('Reading the brief', 20)
            const beats = await withTool('beat-sheet', { acts: 3 }, () => [
              'setup',
              'confrontation',
              'resolution',
            ])
            head.addTokenUsage({ input: 1200, output: 800 })
            const notes = await withAgent(
              { agentId: 'story-critic', agentName: 'Critic', task: 'Review' },
              (critic) => {
                critic.addTokenUsage({ input: 300, output: 100, total: 400 })
                critic.qualityCheck(70, true)
                return 'tighten act two'
              },
            )
            head.setQualityScore(90)
            return `${beats.join(' / ')} (${notes})`
          },
        )
        department.reviewStatus('approved', 'Strong structure')
        return outline
      })
      await withDepartment('art', () =>
        withAgent(
          { agentId: 'art-head', agentName: 'Art Head', task: 'Mood board', isDepartmentHead: true },
          async (head) => {
            head.addTokenUsage({ input: 500, output: 250 })
            await withTool('image-search', { q: 'noir' }, () =>
              Promise.reject(new Error('rate limited')),
            ).catch(() => 'fallback palette')
            head.setQualityScore(80)
          },
        ),
      )
      return story
    },
    { emitter, conversationId, context: { prompt: 'Write a pilot' } },
  )
}

describe('a runner instrumented with the helpers, against Redis, a persistence worker and MongoDB', () => {
  it('stores the whole orchestration and an exact dashboard summary', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const executionId = uniqueName('exec')
    const conversationId = uniqueName('conv')

    const outline = await studioRun(emitter, executionId, conversationId)
    expect(outline).toBe('setup / confrontation / resolution (tighten act two)')
    expect(await emitter.flush(10_000)).toBe(true)

    const expectedTypes = [
      'orchestration-start',
      'department-start',
      'agent-start',
      'agent-thinking',
      'tool-call',
      'tool-result',
      'agent-start',
      'quality-check',
      'agent-complete',
      'agent-complete',
      'review-status',
      'department-complete',
      'department-start',
      'agent-start',
      'tool-call',
      'tool-result',
      'agent-complete',
      'department-complete',
      'orchestration-complete',
    ]
    const summary = await eventually(
      async () => {
        const current = await store.getExecution(executionId)
        return current?.eventCount === expectedTypes.length ? current : undefined
      },
      { what: 'the summary of every event' },
    )
    const events = await store.getExecutionEvents(executionId)
    expect(events.map((event) => event.type)).toEqual(expectedTypes)
    expect(events.map((event) => event.seq)).toEqual(expectedTypes.map((_, index) => index + 1))

    expect(summary).toMatchObject({
      executionId,
      conversationId,
      status: 'completed',
      eventCount: expectedTypes.length,
      lastSeq: expectedTypes.length,
      tokenUsage: { input: 2000, output: 1150, total: 3150 },
      quality: { count: 3, sum: 240, min: 70, max: 90, passed: 1, failed: 0 },
    })
    expect([...summary.departments].sort()).toEqual(['art', 'story'])
    expect([...summary.agents].sort()).toEqual(['art-head', 'story-critic', 'story-head'])
    expect(summary.completedAt?.getTime()).toBe(Date.parse(events.at(-1)?.timestamp ?? ''))

    const critic = events.find((event) => event.type === 'agent-start' && event.agentId === 'story-critic')
    expect(critic).toMatchObject({ parentAgentId: 'story-head', department: 'story', conversationId })
    const [call, result] = events.filter(
      (event) => event.type === 'tool-call' || event.type === 'tool-result',
    )
    expect(call?.type === 'tool-call' && result?.type === 'tool-result' && call.toolCallId).toBe(
      result?.type === 'tool-result' && result.toolCallId,
    )
    const failedTool = events.filter((event) => event.type === 'tool-result').at(-1)
    expect(failedTool).toMatchObject({ toolName: 'image-search', success: false, error: 'rate limited' })
  })

  it('marks the execution failed when the orchestration throws', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const executionId = uniqueName('exec')
    const failure = new Error('budget exhausted')

    const run = orchestrate(
      executionId,
      () =>
        withDepartment('story', () =>
          withAgent({ agentId: 'story-head', agentName: 'Story Head' }, (head) => {
            head.addTokenUsage({ input: 10, output: 5 })
            throw failure
          }),
        ),
      { emitter },
    )
    await expect(run).rejects.toBe(failure)
    expect(await emitter.flush(10_000)).toBe(true)

    const summary = await eventually(async () => {
      const current = await store.getExecution(executionId)
      return current?.eventCount === 6 ? current : undefined
    })
    expect(summary).toMatchObject({ status: 'failed', tokenUsage: { input: 10, output: 5, total: 15 } })
    const events = await store.getExecutionEvents(executionId)
    expect(events.at(-2)).toMatchObject({
      type: 'department-complete',
      status: 'failed',
      error: 'budget exhausted',
    })
    expect(events.at(-1)).toMatchObject({
      type: 'orchestration-complete',
      status: 'failed',
      error: 'budget exhausted',
    })
  })
})
