import { Redis } from 'ioredis'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { startRedisServer } from '../support/services.js'
import { PROTOCOLS } from '../support/web-node-clients.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestClient,
  startTestEmitter,
  startTestNode,
} from '../support/web-node-stack.js'

describe('pub/sub connection lost', () => {
  it('catches execution subscribers up on the events published while the node was away', async () => {
    // A server of its own: killing every pub/sub connection must not touch other tests' nodes.
    const redis = await startRedisServer()
    onTestFinished(() => redis.dispose())
    const admin = new Redis(redis.url)
    onTestFinished(() => void admin.disconnect())
    const stack = stackNames(redis.url, inject('mongoUrl'))
    const node = await startTestNode(stack)
    const clients = await Promise.all(PROTOCOLS.map((protocol) => startTestClient(protocol, node)))
    for (const client of clients) await client.subscribe({ executionId: 'exec-blip' })
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-blip', 10)
    for (const client of clients) await client.waitForEvents(10)

    expect(await admin.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(1)
    await emitSamples(emitter, 'exec-blip', 30)
    for (const client of clients) await client.waitForEvents(40)
    await emitSamples(emitter, 'exec-blip', 10)

    for (const client of clients) {
      await client.waitForEvents(50)
      expect(seqsOf(client.events)).toEqual(range(1, 50))
    }
  })
})
