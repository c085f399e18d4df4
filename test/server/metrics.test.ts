import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { metricsRegistry } from '../../src/metrics/registry.js'
import { connectClient } from '../support/web-node-clients.js'
import { sampleValue } from '../support/prometheus-text.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { emitSamples, stackNames, startTestEmitter, until } from '../support/web-node-stack.js'

const scrape = async (url: string): Promise<string> => (await fetch(`${url}/metrics`)).text()

describe('/metrics', () => {
  it('counts exactly the events a test emitted: emitted, rejected, received, delivered, persisted', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const web = await startWebProcess(stack)
    const worker = await startWorkerProcess(stack, { WORKER_METRICS_PORT: '0' })
    const clients = await Promise.all([connectClient('socket.io', web.url), connectClient('raw', web.url)])
    onTestFinished(() => Promise.all(clients.map((client) => client.close())).then(() => undefined))
    for (const client of clients) await client.subscribe({ executionId: 'exec-metrics' })
    const emitter = await startTestEmitter(stack)
    // The emitter's metrics live in this process, where other tests of the file emit too: compare deltas.
    const before = await metricsRegistry.metrics()
    const emitterDelta = async (name: string, labels: Record<string, string> = {}) =>
      (sampleValue(await metricsRegistry.metrics(), name, labels) ?? 0) -
      (sampleValue(before, name, labels) ?? 0)

    await emitSamples(emitter, 'exec-metrics', 120)
    await emitter.emitAgentEvent({ type: 'agent-dance', executionId: 'exec-metrics' } as never)
    await emitter.emitAgentEvent({ type: 'agent-start', executionId: 'exec-metrics' } as never)
    await emitter.emitAgentEvent({ type: 'agent-start', executionId: 'exec-metrics' } as never)
    for (const client of clients) await client.waitForEvents(120)

    expect(await emitterDelta('agent_events_emitted_total', { type: 'tool-call' })).toBe(30)
    expect(await emitterDelta('agent_events_emitted_total', { type: 'agent-thinking' })).toBe(30)
    expect(await emitterDelta('agent_events_published_total')).toBe(120)
    expect(await emitterDelta('agent_events_rejected_total', { reason: 'unknown_event_type' })).toBe(1)
    expect(await emitterDelta('agent_events_rejected_total', { reason: 'invalid_event' })).toBe(2)

    const webText = await scrape(web.url)
    expect(sampleValue(webText, 'agent_events_received_total')).toBe(120)
    expect(sampleValue(webText, 'agent_events_delivered_total', { protocol: 'socket.io' })).toBe(120)
    expect(sampleValue(webText, 'agent_events_delivered_total', { protocol: 'raw' })).toBe(120)
    expect(sampleValue(webText, 'agent_events_connections', { protocol: 'raw' })).toBe(1)
    expect(sampleValue(webText, 'agent_events_subscriptions', { kind: 'execution' })).toBe(2)
    expect(sampleValue(webText, 'agent_events_replays_total')).toBe(2)

    const metricsUrl = worker.metricsUrl ?? ''
    const workerText = await until(async () => {
      const text = await scrape(metricsUrl)
      return sampleValue(text, 'agent_events_persisted_total', { outcome: 'stored' }) === 120
        ? text
        : undefined
    }, 'the worker to persist every event')
    expect(sampleValue(workerText, 'agent_events_persisted_total', { outcome: 'duplicate' }) ?? 0).toBe(0)
    const settled = await until(async () => {
      const text = await scrape(web.url)
      return sampleValue(text, 'agent_events_queue_jobs', { state: 'waiting' }) === 0 ? text : undefined
    }, 'the queue to drain')
    expect(sampleValue(settled, 'agent_events_dead_letters')).toBe(0)
  })

  it('is served with /healthz and /readyz by the web node and the worker', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const web = await startWebProcess(stack)
    const worker = await startWorkerProcess(stack, { WORKER_METRICS_PORT: '0' })

    for (const url of [web.url, worker.metricsUrl ?? '']) {
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
      const ready = await fetch(`${url}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toMatchObject({ status: 'ready' })
    }
    expect(await (await fetch(`${web.url}/readyz`)).json()).toEqual({
      status: 'ready',
      checks: { redis: 'ok', broadcasts: 'ok', store: 'ok' },
    })
  })
})
