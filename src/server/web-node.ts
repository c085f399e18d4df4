import { createServer, type Server as HttpServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server } from 'socket.io'
import { getLogger } from '../logger.js'
import { RecentBuffer } from '../redis/recent-buffer.js'
import { EventStore } from '../store/event-store.js'
import { connectAdapterClients, type AdapterClients } from './adapter-clients.js'
import { createDeliveryAdapter, DeliveryAdapter } from './delivery-adapter.js'
import { HistoryReader } from './history-reader.js'
import { RawWebSocketEndpoint } from './raw-websocket-endpoint.js'
import { catchUpAfterReconnects } from './reconnect-catch-up.js'
import { attachSocketIoEndpoint } from './socket-io-endpoint.js'
import { SubscriptionRegistry } from './subscription-registry.js'
import { SubscriptionService } from './subscription-service.js'
import {
  resolveWebNodeOptions,
  socketIoPingTimeout,
  type ResolvedWebNodeOptions,
  type WebNodeOptions,
} from './web-node-options.js'

export type { WebNodeOptions } from './web-node-options.js'

/** A running web node. */
export interface WebNode {
  /** The port it listens on (the chosen one when started with port 0). */
  readonly port: number
  /** `http://<host>:<port>`; raw WebSocket clients connect to `ws://<host>:<port>/<any path>`. */
  readonly url: string
  /** The HTTP server carrying Socket.IO, the raw WebSocket endpoint and `requestListener`. */
  readonly httpServer: HttpServer
  /** The Socket.IO server (default namespace `/`), joined to the other nodes by the Redis adapter. */
  readonly io: Server
  /** Open connections per protocol, connected subscribers and rooms listened to, on this node. */
  stats(): WebNodeStats
  /**
   * Stops accepting connections, closes every client (raw WebSocket clients with 1001), then the
   * Redis connections and the store. Idempotent: every call returns the same promise.
   */
  close(): Promise<void>
}

export interface WebNodeStats {
  readonly socketIoClients: number
  readonly rawClients: number
  /** Client connections known to the subscription registry (both protocols). */
  readonly subscribers: number
  /** Execution and conversation rooms at least one client of this node listens to. */
  readonly rooms: number
}

const SOCKET_IO_PATH = '/socket.io'
const log = getLogger('web-node')

/**
 * Starts a web node: Socket.IO with the delivery adapter and the raw WebSocket endpoint on one port.
 * Resolves once the node listens and receives broadcasts from Redis.
 *
 * @example
 * const node = await startWebSocketServer({ port: 3001, redisUrl: 'redis://127.0.0.1:6379',
 *   mongoUri: 'mongodb://127.0.0.1:27017/agent_events', heartbeatInterval: 30000, clientTimeout: 60000 })
 * // Socket.IO: io(node.url).emit('subscribe', { executionId: 'exec-123' }, (ack) => ...)
 * // raw WebSocket: new WebSocket(`ws://127.0.0.1:${node.port}/`) then {"type":"subscribe","executionId":"exec-123"}
 * await node.close()
 */
export async function startWebSocketServer(options: WebNodeOptions = {}): Promise<WebNode> {
  const resolved = resolveWebNodeOptions(options)
  const redis = await connectAdapterClients(resolved.redisUrl, resolved.startTimeoutMs)
  let store: EventStore | undefined
  try {
    if (resolved.mongoUri !== undefined) store = await EventStore.open(resolved.mongoUri)
  } catch (error) {
    await redis.close()
    throw error
  }
  const httpServer = createServer(resolved.requestListener ?? notFound)
  const registry = new SubscriptionRegistry({
    bufferLimitBytes: resolved.clientBufferLimit,
    maxHeldEvents: resolved.maxHeldEvents,
    drainTimeoutMs: resolved.clientTimeout,
  })
  const history = new HistoryReader(new RecentBuffer(redis.publisher, resolved.keyPrefix), store, {
    waitMs: resolved.replayWaitMs,
  })
  const service = new SubscriptionService(history, resolved)
  const io = new Server(httpServer, {
    path: SOCKET_IO_PATH,
    pingInterval: resolved.heartbeatInterval,
    pingTimeout: socketIoPingTimeout(resolved),
    maxHttpBufferSize: resolved.maxMessageBytes,
    // The raw WebSocket endpoint takes the other upgrades.
    destroyUpgrade: false,
    adapter: createDeliveryAdapter(redis.publisher, redis.subscriber, registry),
  })
  const raw = new RawWebSocketEndpoint(httpServer, registry, service, {
    heartbeatInterval: resolved.heartbeatInterval,
    clientTimeout: resolved.clientTimeout,
    maxMessageBytes: resolved.maxMessageBytes,
    socketIoPath: `${SOCKET_IO_PATH}/`,
  })
  const shutdown = new Shutdown(httpServer, io, raw, service, redis, store)
  try {
    attachSocketIoEndpoint(io, registry, service)
    const adapter = io.of('/').adapter
    if (!(adapter instanceof DeliveryAdapter)) throw new Error('the default namespace has no DeliveryAdapter')
    await adapter.confirmReceiving(resolved.startTimeoutMs)
    shutdown.defer(
      catchUpAfterReconnects(redis.subscriber, adapter, registry, service, resolved.startTimeoutMs),
    )
    await listen(httpServer, resolved)
  } catch (error) {
    await shutdown.run()
    throw error
  }
  const { port } = httpServer.address() as AddressInfo
  const url = `http://${urlHost(resolved.host)}:${port}`
  log.info({ port, url }, 'web node listening')
  return {
    port,
    url,
    httpServer,
    io,
    stats: () => ({
      socketIoClients: io.engine.clientsCount,
      rawClients: raw.clientCount,
      ...registry.stats(),
    }),
    close: () => shutdown.run(),
  }
}

/** The ordered, idempotent shutdown of a node: intake, clients, then Redis and the store. */
class Shutdown {
  private running: Promise<void> | undefined
  private readonly deferred: (() => void)[] = []

  constructor(
    private readonly httpServer: HttpServer,
    private readonly io: Server,
    private readonly raw: RawWebSocketEndpoint,
    private readonly service: SubscriptionService,
    private readonly redis: AdapterClients,
    private readonly store: EventStore | undefined,
  ) {}

  /** Runs `stop` first thing when the node closes. */
  defer(stop: () => void): void {
    this.deferred.push(stop)
  }

  run(): Promise<void> {
    this.running ??= this.steps()
    return this.running
  }

  private async steps(): Promise<void> {
    for (const stop of this.deferred) stop()
    this.service.close()
    await this.raw.close()
    // io.close() disconnects the Socket.IO clients, closes the adapters and then the HTTP server.
    const httpClosed = new Promise<void>((resolve) => {
      void this.io.close(() => resolve())
    })
    this.httpServer.closeAllConnections()
    await httpClosed
    await this.redis.close()
    await this.store?.close()
    log.info('web node closed')
  }
}

function listen(server: HttpServer, options: ResolvedWebNodeOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function urlHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

const notFound: RequestListener = (_request, response) => {
  response.writeHead(404).end()
}
