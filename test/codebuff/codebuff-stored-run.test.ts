import { afterEach, describe, expect, inject, it } from 'vitest'
import { runWithAgentEvents } from '../../src/codebuff/index.js'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { durableNames, emitterOptions, startInProcessWorker, uniqueName } from '../support/durable-stack.js'
import { eventually } from '../support/eventually.js'
import { rejectedRun } from './fixtures/failing-runs.js'
import { runWithSubAgents } from './fixtures/run-with-sub-agents.js'
import { ReplayingCodebuffClient } from './fixtures/replaying-client.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('codebuff runs through the emitter, a persistence worker and MongoDB', () => {
  it('stores every event of a run in callback order, and summarises it', async () => {
    const names = durableNames(inject('redisUrl'), inject('mongoUrl'))
    const { store, close } = await startInProcessWorker(names)
    cleanups.push(close)
    const emitter = new AgentEventEmitter(emitterOptions(names))
    cleanups.push(() => emitter.close())
    await emitter.initialize()
    const completed = uniqueName('exec')
    const failed = uniqueName('exec')

    const noTime = (): void => undefined
    await runWithAgentEvents(
      new ReplayingCodebuffClient(runWithSubAgents, noTime),
      { agent: 'base', prompt: 'Add a health check' },
      { executionId: completed, emitter, agentId: 'coder' },
    )
    await expect(
      runWithAgentEvents(
        new ReplayingCodebuffClient(rejectedRun, noTime),
        { agent: 'base', prompt: 'Run the tests' },
        { executionId: failed, emitter, agentId: 'tester' },
      ),
    ).rejects.toThrow('ECONNRESET')

    const summaryOf = (executionId: string, events: number) =>
      eventually(async () => {
        const summary = await store.getExecution(executionId)
        return summary?.eventCount === events ? summary : undefined
      })
    const summary = await summaryOf(completed, 20)
    expect(summary).toMatchObject({ status: 'completed', eventCount: 20, lastSeq: 20 })
    expect([...summary.agents].sort()).toEqual(['coder', 'fp-1', 'th-1'])
    const stored = await store.getExecutionEvents(completed)
    const pairs = stored.flatMap((event) =>
      event.type === 'tool-call' || event.type === 'tool-result' ? [`${event.type}:${event.toolCallId}`] : [],
    )
    expect(pairs).toEqual([
      'tool-call:toolu_01',
      'tool-result:toolu_01',
      'tool-call:toolu_02',
      'tool-call:toolu_03',
      'tool-result:toolu_03',
      'tool-result:toolu_02',
      'tool-call:toolu_04',
      'tool-result:toolu_04',
      'tool-call:toolu_05',
      'tool-result:toolu_05',
    ])
    expect(stored.at(-2)).toMatchObject({ type: 'agent-complete', cost: { amount: 37, unit: 'credits' } })

    expect(await summaryOf(failed, 9)).toMatchObject({ status: 'failed' })
  })
})
