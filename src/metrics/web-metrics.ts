import { Counter, Gauge, Histogram } from 'prom-client'
import { lazily, metricsRegistry } from './registry.js'

/** The client protocols of a web node: Socket.IO, the raw WebSocket protocol, AG-UI over SSE. */
export const CLIENT_PROTOCOLS = ['socket.io', 'raw', 'ag-ui'] as const
export type ClientProtocol = (typeof CLIENT_PROTOCOLS)[number]

/** Metrics of a web node (counters; gauges that read state at scrape time are added by the node). */
export const webMetrics = lazily(() => {
  const registers = [metricsRegistry]
  return {
    received: new Counter({
      name: 'agent_events_received_total',
      help: 'Events this node received from Redis for its subscribers',
      registers,
    }),
    delivered: new Counter({
      name: 'agent_events_delivered_total',
      help: 'Events sent to clients, live or replayed, by protocol',
      labelNames: ['protocol'] as const,
      registers,
    }),
    replays: new Counter({
      name: 'agent_events_replays_total',
      help: 'Subscriptions that replayed history (subscribe, reconnect catch-up; a conversation counts once)',
      registers,
    }),
    replaySize: new Histogram({
      name: 'agent_events_replay_events',
      help: 'Events sent by one replay',
      buckets: [0, 1, 10, 100, 1000, 10_000],
      registers,
    }),
    replayMissing: new Counter({
      name: 'agent_events_replay_missing_total',
      help: 'Replays that could not deliver a range (in neither the recent buffer nor the store)',
      registers,
    }),
    clientErrors: new Counter({
      name: 'agent_events_client_errors_total',
      help: 'Requests refused and clients dropped, by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    connectionsOpened: new Counter({
      name: 'agent_events_connections_opened_total',
      help: 'Client connections accepted, by protocol',
      labelNames: ['protocol'] as const,
      registers,
    }),
    httpRequests: new Counter({
      name: 'agent_events_http_requests_total',
      help: 'HTTP API requests answered, by route and status',
      labelNames: ['route', 'status'] as const,
      registers,
    }),
    internalErrors: new Counter({
      name: 'agent_events_internal_errors_total',
      help: 'Unexpected failures while handling a request or a message',
      registers,
    }),
  }
})

/** What a running web node reports at scrape time. */
export interface NodeStateSource {
  /** Open client connections by protocol, and subscriptions by kind. */
  clients(): {
    readonly connections: Readonly<Record<ClientProtocol, number>>
    readonly subscriptions: Readonly<Record<'execution' | 'conversation', number>>
  }
  /** The persistence path's inboxes and queues (shared by every node: read from one). */
  queue(): Promise<QueueState>
}

export interface QueueState {
  readonly waiting: number
  readonly active: number
  readonly delayed: number
  /** Dead letters: events the store refused, and jobs that exhausted their attempts. */
  readonly failed: number
  /** Stamped batches in the shards' inboxes, not yet moved into persistence jobs. */
  readonly inboxEntries: number
  /** Age of the oldest event waiting for persistence (inbox or queue), in seconds (0 when none waits). */
  readonly oldestWaitingSeconds: number
}

const sources = new Set<NodeStateSource>()

/**
 * Reports a node's state on `/metrics` until the returned function is called. Several nodes in one
 * process (tests) add up their clients; the queue, shared by all, is read from one of them.
 */
export function reportNodeState(source: NodeStateSource): () => void {
  nodeGauges()
  sources.add(source)
  return () => void sources.delete(source)
}

const nodeGauges = lazily(() => {
  const registers = [metricsRegistry]
  const clientsOf = () => [...sources].map((source) => source.clients())
  const queueState = async (): Promise<QueueState | undefined> => {
    const [first] = sources
    return first ? first.queue() : undefined
  }
  return {
    connections: new Gauge({
      name: 'agent_events_connections',
      help: 'Open client connections, by protocol',
      labelNames: ['protocol'] as const,
      registers,
      collect() {
        this.reset()
        for (const protocol of CLIENT_PROTOCOLS) {
          this.set({ protocol }, sum(clientsOf().map((clients) => clients.connections[protocol])))
        }
      },
    }),
    subscriptions: new Gauge({
      name: 'agent_events_subscriptions',
      help: 'Subscriptions held by connected clients, by kind',
      labelNames: ['kind'] as const,
      registers,
      collect() {
        this.reset()
        for (const kind of ['execution', 'conversation'] as const) {
          this.set({ kind }, sum(clientsOf().map((clients) => clients.subscriptions[kind])))
        }
      },
    }),
    queueJobs: new Gauge({
      name: 'agent_events_queue_jobs',
      help: 'Jobs of the persistence queue, by state (failed: dead letters)',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        this.reset()
        const state = await queueState()
        if (!state) return
        for (const name of ['waiting', 'active', 'delayed', 'failed'] as const)
          this.set({ state: name }, state[name])
      },
    }),
    inboxEntries: new Gauge({
      name: 'agent_events_inbox_entries',
      help: "Stamped batches in the shards' inboxes, not yet moved into persistence jobs",
      registers,
      async collect() {
        this.set((await queueState())?.inboxEntries ?? 0)
      },
    }),
    deadLetters: new Gauge({
      name: 'agent_events_dead_letters',
      help: 'Jobs in the dead-letter queue (a refused event is a job of its own)',
      registers,
      async collect() {
        this.set((await queueState())?.failed ?? 0)
      },
    }),
    persistenceLag: new Gauge({
      name: 'agent_events_persistence_lag_seconds',
      help: 'Age of the oldest event waiting for persistence, in an inbox or a queue',
      registers,
      async collect() {
        this.set((await queueState())?.oldestWaitingSeconds ?? 0)
      },
    }),
  }
})

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}
