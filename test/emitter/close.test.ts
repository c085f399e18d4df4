import { Redis } from 'ioredis'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { RecentBuffer } from '../../src/redis/recent-buffer.js'
import { range, sampleEvent, seqsOf, stackNames } from '../support/web-node-stack.js'

describe('closing an emitter', () => {
  it('flushes every accepted event to Redis before it disconnects', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const emitter = new AgentEventEmitter({
      redisUrl: stack.redisUrl,
      keyPrefix: stack.keyPrefix,
      recentBufferSize: 5000,
      ackTimeoutMs: 0,
    })
    await emitter.initialize()

    const results = await Promise.all(
      range(0, 2999).map((i) => emitter.emitAgentEvent(sampleEvent('exec-close', i))),
    )
    const pendingAtClose = emitter.pending
    await emitter.close()

    expect(results.every((result) => result.status === 'queued')).toBe(true)
    expect(pendingAtClose).toBeGreaterThan(0)
    expect(emitter.pending).toBe(0)
    const redis = new Redis(stack.redisUrl)
    onTestFinished(() => void redis.disconnect())
    expect(
      seqsOf(
        await new RecentBuffer(redis, { keyPrefix: stack.keyPrefix, shardCount: 1 }).readAfter('exec-close'),
      ),
    ).toEqual(range(1, 3000))
  })
})
