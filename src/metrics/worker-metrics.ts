import { Counter, Gauge, Histogram } from 'prom-client'
import { lazily, metricsRegistry } from './registry.js'

/** Metrics of a persistence worker. */
export const workerMetrics = lazily(() => {
  const registers = [metricsRegistry]
  return {
    persisted: new Counter({
      name: 'agent_events_persisted_total',
      help: 'Events written to MongoDB, by outcome: stored, duplicate (already stored), rejected',
      labelNames: ['outcome'] as const,
      registers,
    }),
    batchSize: new Histogram({
      name: 'agent_events_persist_batch_events',
      help: 'Events per bulk write',
      buckets: [1, 10, 50, 100, 250, 500, 1000],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'agent_events_persist_batch_seconds',
      help: 'Duration of one batch write (events and summaries)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    batchFailures: new Counter({
      name: 'agent_events_persist_batch_failures_total',
      help: 'Batch writes that failed transiently; their jobs are retried',
      registers,
    }),
    deadLettered: new Counter({
      name: 'agent_events_dead_lettered_total',
      help: 'Events moved to the dead-letter queue by this worker',
      registers,
    }),
    pumped: new Counter({
      name: 'agent_events_pumped_total',
      help: "Events moved from the shards' inboxes into persistence jobs by this worker",
      registers,
    }),
    outages: new Counter({
      name: 'agent_events_outages_total',
      help: 'Writes that found the store or Redis unavailable and waited for it (no attempt spent)',
      registers,
    }),
    waitingForStore: new Gauge({
      name: 'agent_events_waiting_for_store',
      help: '1 while this worker waits out an outage of the store or Redis, else 0',
      registers,
    }),
  }
})
