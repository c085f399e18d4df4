import { Redis } from 'ioredis'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import type { EmitResult } from '../../src/emitter/event-emitter-core.js'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { RecentBuffer } from '../../src/redis/recent-buffer.js'
import { stackNames, startTestEmitter, type StackNames } from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

async function bufferedEvents(stack: StackNames, executionId: string): Promise<StampedAgentEvent[]> {
  const redis = new Redis(stack.redisUrl)
  onTestFinished(() => void redis.disconnect())
  return new RecentBuffer(redis, { keyPrefix: stack.keyPrefix, shardCount: 1 }).readAfter(executionId)
}

const thinking = (executionId: string, agentId: string, step: number) =>
  ({ type: 'agent-thinking', executionId, agentId, currentStep: `step ${step}` }) as const

const countBy = (results: readonly EmitResult[]) =>
  results.reduce<Record<string, number>>((counts, result) => {
    counts[result.status] = (counts[result.status] ?? 0) + 1
    return counts
  }, {})

describe('agent-thinking coalescing', () => {
  it('sends at most N thinking events per second per agent, the latest winning', async () => {
    const stack = names()
    const emitter = await startTestEmitter(stack, { thinkingEventsPerSecond: 5, recentBufferSize: 1000 })
    const heard: string[] = []
    emitter.subscribe('agent-thinking', (event) => void heard.push(event.currentStep))

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, step) => emitter.emitAgentEvent(thinking('exec-think', 'writer', step))),
    )
    expect(await emitter.flush()).toBe(true)

    const stored = await bufferedEvents(stack, 'exec-think')
    // The first goes at once; the other 49 arrive within one interval: only the last of them follows.
    expect(stored.map((event) => (event.type === 'agent-thinking' ? event.currentStep : ''))).toEqual([
      'step 0',
      'step 49',
    ])
    expect(countBy(results)).toMatchObject({ coalesced: 48 })
    expect(emitter.stats.coalesced).toBe(48)
    expect(heard).toHaveLength(50)
  })

  it('limits each agent on its own and never coalesces other event types', async () => {
    const stack = names()
    const emitter = await startTestEmitter(stack, { thinkingEventsPerSecond: 5, recentBufferSize: 1000 })

    await Promise.all([
      ...Array.from({ length: 10 }, (_, step) => emitter.emitAgentEvent(thinking('exec-agents', 'a', step))),
      ...Array.from({ length: 10 }, (_, step) => emitter.emitAgentEvent(thinking('exec-agents', 'b', step))),
      ...Array.from({ length: 10 }, () =>
        emitter.emitAgentEvent({
          type: 'tool-call',
          executionId: 'exec-other',
          agentId: 'a',
          toolName: 'search',
        }),
      ),
    ])
    expect(await emitter.flush()).toBe(true)

    const thoughts = await bufferedEvents(stack, 'exec-agents')
    const stepsOf = (agentId: string) =>
      thoughts.filter((event) => event.type === 'agent-thinking' && event.agentId === agentId).length
    expect([stepsOf('a'), stepsOf('b')]).toEqual([2, 2])
    expect(await bufferedEvents(stack, 'exec-other')).toHaveLength(10)
  })

  it("keeps an execution's order: a held thinking event goes out before the next event of its execution", async () => {
    const stack = names()
    const emitter = await startTestEmitter(stack, { thinkingEventsPerSecond: 1, recentBufferSize: 1000 })

    await emitter.emitAgentEvent(thinking('exec-order', 'writer', 1))
    const held = emitter.emitAgentEvent(thinking('exec-order', 'writer', 2))
    await emitter.emitAgentEvent({
      type: 'tool-call',
      executionId: 'exec-order',
      agentId: 'writer',
      toolName: 'search',
    })
    expect((await held).status).not.toBe('coalesced')
    expect(await emitter.flush()).toBe(true)

    const events = await bufferedEvents(stack, 'exec-order')
    expect(events.map((event) => `${event.seq}:${event.type}`)).toEqual([
      '1:agent-thinking',
      '2:agent-thinking',
      '3:tool-call',
    ])
  })
})
