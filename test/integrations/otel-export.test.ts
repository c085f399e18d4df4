import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { buildExecutionTrace } from '../../src/integrations/otel/execution-trace.js'
import {
  ExecutionTraceExporter,
  traceJobIdOf,
  traceQueueNameOf,
} from '../../src/integrations/otel/execution-trace-exporter.js'
import { encodeTraceRequest } from '../../src/integrations/otel/otlp-json.js'
import { traceIdOf } from '../../src/integrations/otel/trace-ids.js'
import { EventStore } from '../../src/store/event-store.js'
import { PersistenceWorker } from '../../workers/persistence-worker.js'
import { emitInOrder, storedEvents } from '../support/ag-ui-stack.js'
import { uniqueName } from '../support/names.js'
import { orchestrationScript, SCRIPT_START, stampedScript } from '../support/orchestration-script.js'
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js'
import { startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter, until, type StackNames } from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString()

/** A persistence worker in this process with the trace exporter the environment turns on, and its store. */
async function startTracingWorker(
  stack: StackNames,
  receiver: OtlpReceiver,
  attempts = 5,
): Promise<{ store: EventStore; traces: ExecutionTraceExporter }> {
  const config = parseConfig({
    REDIS_URL: stack.redisUrl,
    QUEUE_NAME: stack.queueName,
    REDIS_KEY_PREFIX: stack.keyPrefix,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=studio%20key',
    OTEL_SERVICE_NAME: 'film-studio',
    TRACE_EXPORT_ATTEMPTS: String(attempts),
    TRACE_EXPORT_BACKOFF_MS: '50',
  })
  const store = await EventStore.open(stack.mongoUri)
  const traces = ExecutionTraceExporter.fromConfig(config, store)
  if (!traces) throw new Error('the exporter should be on when an OTLP endpoint is configured')
  await traces.start()
  const worker = new PersistenceWorker(store, config, { persisted: traces })
  await worker.start()
  onTestFinished(async () => {
    await worker.close()
    await traces.close()
    await store.close()
  })
  return { store, traces }
}

/** A handle on the export jobs, to see what was scheduled and what became of it. */
function traceJobs(stack: StackNames): Queue {
  const connection = new Redis(stack.redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(traceQueueNameOf(stack.queueName), { connection, prefix: stack.keyPrefix })
  onTestFinished(async () => {
    await queue.close()
    connection.disconnect()
  })
  return queue
}

describe('OpenTelemetry export of finished executions', () => {
  it('exports an orchestration emitted through the real stack as one trace, once', async () => {
    const stack = names()
    const receiver = await startOtlpReceiver()
    const { store, traces } = await startTracingWorker(stack, receiver)
    const emitter = await startTestEmitter(stack)
    const executionId = uniqueName('exec-film')
    const script = orchestrationScript({ executionId, conversationId: 'conv-film' })
    await emitInOrder(emitter, script)
    await until(() => receiver.exports.length === 1, 'the trace export')

    const [received] = receiver.exports
    expect(received?.path).toBe('/v1/traces')
    expect(received?.headers).toMatchObject({ 'content-type': 'application/json', 'x-api-key': 'studio key' })
    const events = await storedEvents(store, executionId, script.length)
    expect(received?.body).toEqual(encodeTraceRequest(buildExecutionTrace(events).spans, 'film-studio'))
    expect(received?.body.resourceSpans[0]?.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'film-studio' } },
    ])

    const spans = receiver.spans()
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceIdOf(executionId)]))
    const named = (name: string) => spans.find((span) => span.name === name)
    const root = named('invoke_workflow')
    const storyHead = named('invoke_agent Story Head')
    const plot = named('invoke_agent Plot Analyst')
    const search = named('execute_tool search')
    expect(root).toMatchObject({
      kind: 1,
      startTimeUnixNano: nanos(SCRIPT_START),
      endTimeUnixNano: nanos(SCRIPT_START + 24_000),
    })
    expect(root?.parentSpanId).toBeUndefined()
    expect(named('department story')?.parentSpanId).toBe(root?.spanId)
    expect(storyHead?.parentSpanId).toBe(named('department story')?.spanId)
    expect(plot?.parentSpanId).toBe(storyHead?.spanId)
    expect(plot?.attributes).toEqual(
      expect.arrayContaining([
        { key: 'gen_ai.agent.name', value: { stringValue: 'Plot Analyst' } },
        { key: 'gen_ai.agent.id', value: { stringValue: 'plot' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '1200' } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: '800' } },
      ]),
    )
    expect(search).toMatchObject({
      parentSpanId: plot?.spanId,
      startTimeUnixNano: nanos(SCRIPT_START + 5000),
      endTimeUnixNano: nanos(SCRIPT_START + 7000),
      attributes: expect.arrayContaining([
        { key: 'gen_ai.tool.call.id', value: { stringValue: 'call-search-1' } },
      ]),
    })
    expect(named('invoke_agent Critic')?.status).toEqual({ code: 2, message: 'model refused' })
    expect(plot?.events.filter((event) => event.name === 'gen_ai.evaluation.result')).toHaveLength(2)

    // A redelivered orchestration-complete schedules nothing: the finished job is the mark.
    const jobs = traceJobs(stack)
    const finishedOn = (await jobs.getJob(traceJobIdOf(executionId)))?.finishedOn
    await traces.onPersisted(events)
    expect(await jobs.getJobCounts('waiting', 'active', 'delayed')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
    })
    expect((await jobs.getJob(traceJobIdOf(executionId)))?.finishedOn).toBe(finishedOn)
    expect(receiver.exports).toHaveLength(1)
  })

  it('retries a refused export with backoff and sends the same spans again', async () => {
    const stack = names()
    const receiver = await startOtlpReceiver()
    await startTracingWorker(stack, receiver)
    const emitter = await startTestEmitter(stack)
    receiver.failNext(2, 503)
    await emitInOrder(emitter, orchestrationScript({ executionId: uniqueName('exec-retry') }))

    await until(() => receiver.exports.some((received) => received.status === 200), 'a successful export')
    expect(receiver.exports.map((received) => received.status)).toEqual([503, 503, 200])
    const [first, , last] = receiver.exports
    expect(last?.body).toEqual(first?.body)
  })

  it('gives up at once on a permanent refusal', async () => {
    const stack = names()
    const receiver = await startOtlpReceiver()
    await startTracingWorker(stack, receiver)
    const emitter = await startTestEmitter(stack)
    const executionId = uniqueName('exec-refused')
    receiver.failNext(1, 400)
    await emitInOrder(emitter, orchestrationScript({ executionId }))

    const jobs = traceJobs(stack)
    await until(async () => (await jobs.getJob(traceJobIdOf(executionId)))?.finishedOn, 'the export to fail')
    expect(await (await jobs.getJob(traceJobIdOf(executionId)))?.getState()).toBe('failed')
    expect(receiver.exports.map((received) => received.status)).toEqual([400])
  })

  it('waits, with backoff, until the store holds every event up to the orchestration-complete', async () => {
    const stack = names()
    const receiver = await startOtlpReceiver()
    const { store, traces } = await startTracingWorker(stack, receiver, 10)
    const executionId = uniqueName('exec-lagging')
    const events = stampedScript({ executionId })
    const complete = events.slice(-1)
    await store.persistBatch(complete)
    await traces.onPersisted(complete)

    const jobs = traceJobs(stack)
    await until(
      async () => ((await jobs.getJob(traceJobIdOf(executionId)))?.attemptsMade ?? 0) >= 2,
      'two waits',
    )
    expect(receiver.exports).toHaveLength(0)
    await store.persistBatch(events.slice(0, -1))
    await until(() => receiver.exports.length === 1, 'the trace export')
    expect(receiver.exports[0]?.body).toEqual(
      encodeTraceRequest(buildExecutionTrace(events).spans, 'film-studio'),
    )
  })

  it('runs in the Procfile worker process when OTEL_EXPORTER_OTLP_ENDPOINT is set, and stops cleanly', async () => {
    const stack = names()
    const receiver = await startOtlpReceiver()
    const worker = await startWorkerProcess(stack, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'worker-process',
    })
    const emitter = await startTestEmitter(stack)
    const executionId = uniqueName('exec-process')
    await emitInOrder(emitter, orchestrationScript({ executionId }))

    await until(() => receiver.exports.length === 1, 'the trace export', 30_000)
    expect(receiver.spans().map((span) => span.traceId)).toEqual(Array(10).fill(traceIdOf(executionId)))
    expect(await worker.process.kill('SIGTERM')).toBe(0)
  })
})
