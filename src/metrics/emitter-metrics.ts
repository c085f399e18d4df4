import { Counter, Gauge } from 'prom-client'
import { lazily, metricsRegistry } from './registry.js'

/** Metrics of the event emitter of this process (a producer). */
export const emitterMetrics = lazily(() => {
  const registers = [metricsRegistry]
  return {
    emitted: new Counter({
      name: 'agent_events_emitted_total',
      help: 'Valid events accepted by the emitter, by type',
      labelNames: ['type'] as const,
      registers,
    }),
    published: new Counter({
      name: 'agent_events_published_total',
      help: 'Events stamped, published and queued for persistence in Redis',
      registers,
    }),
    rejected: new Counter({
      name: 'agent_events_rejected_total',
      help: 'Events refused by the emitter, by reason (error code)',
      labelNames: ['reason'] as const,
      registers,
    }),
    dropped: new Counter({
      name: 'agent_events_dropped_total',
      help: 'Accepted events dropped from a full outbox during a Redis outage',
      registers,
    }),
    coalesced: new Counter({
      name: 'agent_events_coalesced_total',
      help: 'agent-thinking events superseded by a later one of the same agent (thinking rate limit)',
      registers,
    }),
    outbox: new Gauge({
      name: 'agent_events_outbox_events',
      help: 'Events accepted and not yet taken by Redis',
      registers,
    }),
  }
})
