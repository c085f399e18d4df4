import { describe, expect, inject, it } from 'vitest'
import { assertSchemaValid, expectedStream, verifyStream, type SseEvent } from '../support/ag-ui-checks.js'
import {
  AUTH,
  emitInOrder,
  expectResumableAtEveryCut,
  openAcceptedStream,
  readWholeStream,
  storedEvents,
  tokenFor,
} from '../support/ag-ui-stack.js'
import { orchestrationScript } from '../support/orchestration-script.js'
import { uniqueName } from '../support/names.js'
import { stackNames, startTestEmitter, startTestNode, startTestWorker } from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

/** A whole AG-UI stream must be valid event by event and as one run, and be exactly the pure mapping. */
async function expectValidRun(stream: readonly SseEvent[], expected: readonly SseEvent[]): Promise<void> {
  const events = stream.map((event) => event.data)
  assertSchemaValid(events)
  await verifyStream(events)
  expect(stream).toEqual(expected)
  expect(events[0]?.type).toBe('RUN_STARTED')
  expect(events.at(-1)?.type).toBe('RUN_FINISHED')
}

describe('AG-UI stream of an execution (GET /ag-ui/executions/:id)', () => {
  it('streams a finished run from the recent buffer, and resumes after every SSE id exactly', async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const node = await startTestNode(stack, { auth: AUTH, mongoUri: stack.mongoUri })
    const emitter = await startTestEmitter(stack)
    const executionId = uniqueName('exec-film')
    const script = orchestrationScript({ executionId, conversationId: uniqueName('conv') })
    await emitInOrder(emitter, script)
    const token = await tokenFor({ executions: [executionId] })

    const full = await readWholeStream(node.url, executionId, { token })
    await expectValidRun(full, expectedStream(await storedEvents(store, executionId, script.length)))
    await expectResumableAtEveryCut(node.url, executionId, token, full)
  })

  it('streams a run older than the recent buffer from the store, and resumes after every SSE id exactly', async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const node = await startTestNode(stack, { auth: AUTH, mongoUri: stack.mongoUri })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 3 })
    const executionId = uniqueName('exec-old')
    const script = orchestrationScript({ executionId })
    await emitInOrder(emitter, script)
    const stored = await storedEvents(store, executionId, script.length)
    const token = await tokenFor({ executions: [executionId] })

    const full = await readWholeStream(node.url, executionId, { token })
    await expectValidRun(full, expectedStream(stored))
    await expectResumableAtEveryCut(node.url, executionId, token, full)
  })

  it('streams a live run from before its first event, and resumes mid-run while events keep coming', async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const node = await startTestNode(stack, { auth: AUTH, mongoUri: stack.mongoUri })
    const emitter = await startTestEmitter(stack)
    const executionId = uniqueName('exec-live')
    const script = orchestrationScript({ executionId })
    const token = await tokenFor({ executions: [executionId] })

    const live = await openAcceptedStream(node.url, executionId, { token })
    await emitInOrder(emitter, script.slice(0, 7))
    // Seven events make nine AG-UI events; cut inside the tool call (START, ARGS | END).
    await live.waitForEvents(9)
    const cut = live.events[6]
    expect(cut?.data.type).toBe('TOOL_CALL_ARGS')
    const rest = emitInOrder(emitter, script.slice(7))
    const resumed = await openAcceptedStream(node.url, executionId, { token, lastEventId: cut?.id ?? 0 })
    await rest

    expect(await live.ended).toBe('end')
    expect(await resumed.ended).toBe('end')
    await expectValidRun(live.events, expectedStream(await storedEvents(store, executionId, script.length)))
    expect(resumed.events).toEqual(live.events.slice(7))
  })

  it('ends a failed run with RUN_ERROR', async () => {
    const stack = names()
    const node = await startTestNode(stack, { auth: AUTH })
    const emitter = await startTestEmitter(stack)
    const executionId = uniqueName('exec-failed')
    await emitInOrder(emitter, orchestrationScript({ executionId, failed: true }))

    const full = await readWholeStream(node.url, executionId, {
      token: await tokenFor({ executions: ['*'] }),
    })
    const events = full.map((event) => event.data)
    assertSchemaValid(events)
    await verifyStream(events)
    expect(events.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'failed' })
  })
})
