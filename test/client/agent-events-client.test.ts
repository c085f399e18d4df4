import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { AgentEventsClient } from '../../src/client/index.js'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import type { WireError } from '../../src/server/protocol.js'
import { epochSeconds, SECRET, secretBytes, signToken } from '../auth/tokens.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestEmitter,
  startTestNode,
  until,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

function startClient(options: ConstructorParameters<typeof AgentEventsClient>[0]): AgentEventsClient {
  const client = new AgentEventsClient(options)
  onTestFinished(() => client.close())
  return client
}

describe('the browser client', () => {
  it('resumes an execution after its node restarts, with no gap and no duplicate', async () => {
    const stack = names()
    const first = await startTestNode(stack)
    const received: StampedAgentEvent[] = []
    let subscriptions = 0
    const client = startClient({ url: first.url })
    client.watchExecution('exec-client', {
      onEvent: (event) => received.push(event),
      onSubscribed: () => (subscriptions += 1),
    })
    await until(() => subscriptions === 1, 'the subscription')
    const emitter = await startTestEmitter(stack, { recentBufferSize: 1000 })

    await emitSamples(emitter, 'exec-client', 100)
    await until(() => received.length === 100, 'the first 100 events')
    await first.close()
    await emitSamples(emitter, 'exec-client', 100)
    const second = await startTestNode(stack, { port: first.port })
    await until(() => subscriptions === 2, 'the client to resubscribe', 20_000)
    await emitSamples(emitter, 'exec-client', 50)

    await until(() => received.length >= 250, 'every event after the restart')
    expect(seqsOf(received)).toEqual(range(1, 250))
    expect(second.port).toBe(first.port)
  })

  it('reconnects with a fresh token when its token expires, and misses nothing meanwhile', async () => {
    const stack = names()
    const node = await startTestNode(stack, { auth: { mode: 'hs256', secret: SECRET } })
    let tokensIssued = 0
    let subscriptions = 0
    const received: StampedAgentEvent[] = []
    const client = startClient({
      url: node.url,
      token: () => {
        tokensIssued += 1
        return signToken(
          { executions: ['exec-expiring'], exp: epochSeconds(1) },
          secretBytes(SECRET),
          'HS256',
        )
      },
    })
    client.watchExecution('exec-expiring', {
      onEvent: (event) => received.push(event),
      onSubscribed: () => (subscriptions += 1),
    })
    await until(() => subscriptions === 1, 'the subscription')
    const emitter = await startTestEmitter(stack)

    await emitSamples(emitter, 'exec-expiring', 20)
    await until(() => subscriptions >= 2, 'a resubscription after the token expired')
    await emitSamples(emitter, 'exec-expiring', 20)

    await until(() => received.length >= 40, 'every event')
    expect(seqsOf(received)).toEqual(range(1, 40))
    expect(tokensIssued).toBeGreaterThanOrEqual(2)
  })

  it('sends a fresh token on every connection and reports a forbidden watch', async () => {
    const stack = names()
    const node = await startTestNode(stack, { auth: { mode: 'hs256', secret: SECRET } })
    let tokensIssued = 0
    const errors: WireError[] = []
    const received: StampedAgentEvent[] = []
    const client = startClient({
      url: node.url,
      token: async () => {
        tokensIssued += 1
        return signToken({ executions: ['exec-mine'] }, secretBytes(SECRET), 'HS256')
      },
    })

    client.watchExecution('exec-theirs', {
      onEvent: (event) => received.push(event),
      onError: (error) => errors.push(error),
    })
    client.watchExecution('exec-mine', { onEvent: (event) => received.push(event) })
    await until(() => errors.length > 0, 'the forbidden watch to be refused')
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-theirs', 5)
    await emitSamples(emitter, 'exec-mine', 5)

    await until(() => received.length >= 5, 'the events of the granted execution')
    expect(errors.map((error) => error.code)).toEqual(['forbidden'])
    expect(received.every((event) => event.executionId === 'exec-mine')).toBe(true)
    expect(tokensIssued).toBe(1)
  })
})
