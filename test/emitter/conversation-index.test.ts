import { Redis } from 'ioredis'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import {
  CONVERSATION_INDEX_LIMIT,
  indexConversationExecutions,
  readConversationIndex,
} from '../../src/redis/conversation-index.js'
import { conversationExecutionsKey } from '../../src/redis/keys.js'
import { emitSamples, range, stackNames, startTestEmitter } from '../support/web-node-stack.js'

function redisClient(url: string): Redis {
  const redis = new Redis(url)
  onTestFinished(() => void redis.disconnect())
  return redis
}

describe('the conversation index', () => {
  it('records each execution of a conversation once, at the time it was first seen, with the expiry of the buffer', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const redis = redisClient(stack.redisUrl)
    const emitter = await startTestEmitter(stack, { recentBufferTtlSeconds: 600 })
    const key = conversationExecutionsKey(stack.keyPrefix, 'conv-index')

    const before = Date.now()
    await emitSamples(emitter, 'exec-first', 3, 'conv-index')
    const firstSeen = await redis.zscore(key, 'exec-first')
    await emitSamples(emitter, 'exec-second', 3, 'conv-index')
    await emitSamples(emitter, 'exec-first', 3, 'conv-index')
    await emitSamples(emitter, 'exec-alone', 3)

    expect(await readConversationIndex(redis, stack.keyPrefix, 'conv-index')).toEqual([
      'exec-first',
      'exec-second',
    ])
    expect(Number(firstSeen)).toBeGreaterThanOrEqual(before)
    expect(await redis.zscore(key, 'exec-first')).toBe(firstSeen)
    const ttl = await redis.ttl(key)
    expect(ttl).toBeGreaterThan(590)
    expect(ttl).toBeLessThanOrEqual(600)
  })

  it(`keeps the ${CONVERSATION_INDEX_LIMIT} executions seen last`, async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const redis = redisClient(stack.redisUrl)
    const options = { keyPrefix: stack.keyPrefix, recentBufferTtlSeconds: 600 }
    const executions = range(1, CONVERSATION_INDEX_LIMIT + 5).map((i) => ({
      executionId: `exec-${i}`,
      conversationId: 'conv-many',
    }))

    for (const [i, execution] of executions.entries()) {
      const pipeline = redis.pipeline()
      indexConversationExecutions(pipeline, options, [execution], 1_000 + i)
      await pipeline.exec()
    }

    const kept = await readConversationIndex(redis, stack.keyPrefix, 'conv-many')
    expect(kept).toHaveLength(CONVERSATION_INDEX_LIMIT)
    expect(kept[0]).toBe('exec-6')
    expect(kept.at(-1)).toBe(`exec-${CONVERSATION_INDEX_LIMIT + 5}`)
  })
})
