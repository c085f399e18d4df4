import { describe, expect, inject, it } from 'vitest'
import { uniqueName } from '../support/names.js'
import { AUTH, emitInOrder, openAcceptedStream, streamPath, tokenFor } from '../support/ag-ui-stack.js'
import { orchestrationScript } from '../support/orchestration-script.js'
import { openSseStream } from '../support/sse-client.js'
import { range, stackNames, startTestEmitter, startTestNode, until } from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

describe('AG-UI endpoint: refusals', () => {
  it('answers like the HTTP API: 404, 405, 401, 400, 403, each with its error code', async () => {
    const stack = names()
    const node = await startTestNode(stack, { auth: AUTH, mongoUri: stack.mongoUri })
    const executionId = uniqueName('exec')
    const mine = await tokenFor({ executions: [executionId] })
    const refusal = async (path: string, options: Parameters<typeof openSseStream>[2] = {}) => {
      const answer = await openSseStream(node.url, path, options)
      return { status: answer.status, headers: answer.headers, body: await answer.json() }
    }

    expect(await refusal('/ag-ui/runs/x', { token: mine })).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    })
    expect(await refusal(streamPath(executionId), { token: mine, method: 'POST' })).toMatchObject({
      status: 405,
      headers: { allow: 'GET' },
      body: { error: { code: 'method_not_allowed' } },
    })
    expect(await refusal(streamPath(executionId))).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer' },
      body: { error: { code: 'token_missing' } },
    })
    expect(await refusal(streamPath(executionId), { token: 'not-a-jwt' })).toMatchObject({
      status: 401,
      body: { error: { code: 'token_invalid' } },
    })
    expect(await refusal(streamPath(executionId), { token: mine, lastEventId: 'soon' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request', message: expect.stringContaining('Last-Event-ID') } },
    })
    expect(
      await refusal(streamPath(executionId), { token: mine, lastEventId: '-1', resumeInQuery: true }),
    ).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } })
    expect(await refusal(streamPath(uniqueName('exec-other')), { token: mine })).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    })
  })

  it('answers 503 history_unavailable when part of the history is nowhere (no store, short buffer)', async () => {
    const stack = names()
    const node = await startTestNode(stack, { auth: AUTH })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 2 })
    const executionId = uniqueName('exec-lost')
    await emitInOrder(emitter, orchestrationScript({ executionId }).slice(0, 5))

    const answer = await openSseStream(node.url, streamPath(executionId), {
      token: await tokenFor({ executions: [executionId] }),
    })
    expect(answer.status).toBe(503)
    expect(await answer.json()).toMatchObject({
      error: { code: 'history_unavailable', message: expect.stringContaining('Events 1..3') },
    })
  })
})

describe('AG-UI endpoint: a long-lived stream', () => {
  it('sends heartbeat comments while idle, allows the page origin, and ends cleanly when the node shuts down', async () => {
    const stack = names()
    const node = await startTestNode(stack, {
      auth: AUTH,
      heartbeatInterval: 100,
      clientTimeout: 5000,
      allowedOrigins: ['https://app.example.com'],
    })
    const emitter = await startTestEmitter(stack)
    const executionId = uniqueName('exec-idle')
    await emitInOrder(emitter, orchestrationScript({ executionId }).slice(0, 3))

    const stream = await openAcceptedStream(node.url, executionId, {
      token: await tokenFor({ executions: [executionId] }),
      tokenInQuery: true,
      origin: 'https://app.example.com',
    })
    expect(stream.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(stream.headers['cache-control']).toBe('no-store')
    await stream.waitForEvents(3)
    await until(() => stream.comments.filter((comment) => comment === 'heartbeat').length >= 2, 'heartbeats')
    expect(node.stats().subscribers).toBe(1)

    await node.close()
    expect(await stream.ended).toBe('end')
    expect(stream.events.map((event) => event.data.type)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'SUBAGENT_STARTED',
    ])
  })

  it('drops a client that stops reading, without holding its events in memory, and lets it resume', async () => {
    const stack = names()
    const node = await startTestNode(stack, { auth: AUTH, clientBufferLimit: 256 * 1024 })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 5000 })
    const executionId = uniqueName('exec-big')
    const token = await tokenFor({ executions: [executionId] })
    await emitInOrder(emitter, orchestrationScript({ executionId }).slice(0, 3))
    const stalled = await openAcceptedStream(node.url, executionId, { token })
    const reader = await openAcceptedStream(node.url, executionId, { token })
    await stalled.waitForEvents(3)
    stalled.pause()

    // About 19 MB of thinking, more than the loopback socket buffers of a stalled client hold.
    const step = 'x'.repeat(16 * 1024)
    for (const batch of range(0, 59)) {
      await emitInOrder(
        emitter,
        range(0, 19).map((i) => ({
          type: 'agent-thinking',
          executionId,
          agentId: 'story-head',
          currentStep: `${batch}.${i} ${step}`,
        })),
      )
      await reader.waitForEvents(3 + (batch + 1) * 20)
    }
    stalled.resume()
    expect(await stalled.ended).toBe('aborted')
    await until(() => node.stats().subscribers === 1, 'the stalled stream to be forgotten')

    const seen = stalled.events.length
    expect(seen).toBeLessThan(reader.events.length)
    expect(stalled.events).toEqual(reader.events.slice(0, seen))
    const resumed = await openAcceptedStream(node.url, executionId, {
      token,
      lastEventId: stalled.events.at(-1)?.id,
    })
    await resumed.waitForEvents(reader.events.length - seen)
    expect(resumed.events).toEqual(reader.events.slice(seen))
  })
})
