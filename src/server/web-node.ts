import { randomUUID } from 'node:crypto'
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type RequestListener,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Socket as EngineSocket } from 'engine.io'
import { Server } from 'socket.io'
import { tokenFromUpgradeRequest } from '../auth/token-from-request.js'
import { createTokenVerifier } from '../auth/verify-token.js'
import { defaultDashboardDirectory } from '../dashboard/dashboard-directory.js'
import { createDashboardRoute } from '../dashboard/dashboard-route.js'
import { getLogger } from '../logger.js'
import { collectProcessMetrics } from '../metrics/registry.js'
import { reportNodeState } from '../metrics/web-metrics.js'
import { RecentBuffer } from '../redis/recent-buffer.js'
import { EventStore } from '../store/event-store.js'
import { connectAdapterClients } from './adapter-clients.js'
import { ClientAdmission } from './client-admission.js'
import { ConversationExecutions } from './conversation-executions.js'
import { ConversationResume } from './conversation-resume.js'
import { createDeliveryAdapter, DeliveryAdapter } from './delivery-adapter.js'
import { HistoryReader } from './history-reader.js'
import { AgUiEndpoint } from './ag-ui/ag-ui-endpoint.js'
import { createHttpApi } from './http-api.js'
import { reportPresence } from './node-presence.js'
import { createOperationsApi } from './operations-api.js'
import { createQueueBoard } from './queue-board.js'
import { httpRoutes } from './http-routes.js'
import { createOperationsEndpoints } from '../operations/operations-endpoints.js'
import { queueStateReader } from './queue-state.js'
import { openPersistenceQueues } from '../queue/persistence-queue.js'
import { checkShardCount } from '../redis/shard-count-check.js'
import { RawWebSocketEndpoint } from './raw-websocket-endpoint.js'
import { Readiness } from '../operations/readiness.js'
import { catchUpAfterReconnects } from './reconnect-catch-up.js'
import { ReplayService } from './replay/replay-service.js'
import { HARD_FRAME_LIMIT_FACTOR, type RequestIntakeLimits } from './request-intake.js'
import { attachSocketIoEndpoint } from './socket-io-endpoint.js'
import { SubscriptionAccess } from './subscription-access.js'
import { SubscriptionRegistry } from './subscription-registry.js'
import { SubscriptionService } from './subscription-service.js'
import { WebNodeShutdown } from './web-node-shutdown.js'
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
  /** The HTTP server carrying Socket.IO, the raw WebSocket endpoint, the HTTP API and `/metrics`. */
  readonly httpServer: HttpServer
  /** The Socket.IO server (default namespace `/`), joined to the other nodes by the Redis adapter. */
  readonly io: Server
  /** Open connections per protocol, connected subscribers and rooms listened to, on this node. */
  stats(): WebNodeStats
  /**
   * Shuts down gracefully: not ready any more, stops accepting, tells every client to reconnect
   * elsewhere (they resume with `since`) and closes it, cutting off those still there after
   * `shutdownGraceMs`; then Redis and the store. Idempotent: every call returns the same promise.
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
  /** Replays playing or paused on this node. */
  readonly replays: number
}

const SOCKET_IO_PATH = '/socket.io'
const READINESS_TIMEOUT_MS = 2000
const log = getLogger('web-node')

/**
 * Starts a web node: Socket.IO with the delivery adapter, the raw WebSocket endpoint, the HTTP API
 * and the operations endpoints on one port. Resolves once the node listens and receives broadcasts.
 *
 * @example
 * const node = await startWebSocketServer({ port: 3001, redisUrl: 'redis://127.0.0.1:6379',
 *   mongoUri: 'mongodb://127.0.0.1:27017/agent_events', heartbeatInterval: 30000, clientTimeout: 60000 })
 * // Socket.IO: io(node.url, { auth: { token } }).emit('subscribe', { executionId: 'exec-123' }, (ack) => ...)
 * // raw WebSocket: new WebSocket(`ws://127.0.0.1:${node.port}/?token=...`) then {"type":"subscribe","executionId":"exec-123"}
 * await node.close()
 */
export async function startWebSocketServer(options: WebNodeOptions = {}): Promise<WebNode> {
  const resolved = resolveWebNodeOptions(options)
  const verify = createTokenVerifier(resolved.auth)
  if (resolved.auth.mode === 'disabled' && resolved.auth.warning) log.warn(resolved.auth.warning)
  collectProcessMetrics()
  const redis = await connectAdapterClients(resolved.redisUrl, resolved.startTimeoutMs)
  let store: EventStore | undefined
  try {
    if (resolved.mongoUri !== undefined) store = await EventStore.open(resolved.mongoUri)
  } catch (error) {
    await redis.close()
    throw error
  }
  const layout = { keyPrefix: resolved.keyPrefix, shardCount: resolved.shardCount }
  try {
    await checkShardCount(redis.publisher, layout)
  } catch (error) {
    await Promise.all([redis.close(), store?.close()])
    throw error
  }
  const queues = openPersistenceQueues(redis.publisher, layout, resolved.queueName)
  for (const queue of queues) queue.on('error', (error) => log.debug({ err: error }, 'queue error'))
  const registry = new SubscriptionRegistry({
    bufferLimitBytes: resolved.clientBufferLimit,
    maxHeldEvents: resolved.maxHeldEvents,
    drainTimeoutMs: resolved.clientTimeout,
  })
  const buffer = new RecentBuffer(redis.publisher, layout)
  const history = new HistoryReader(buffer, store, { waitMs: resolved.replayWaitMs })
  const access = new SubscriptionAccess(buffer, store)
  const conversations = new ConversationResume(
    history,
    new ConversationExecutions(redis.publisher, store, {
      keyPrefix: resolved.keyPrefix,
      storeWaitMs: resolved.replayWaitMs,
    }),
  )
  const service = new SubscriptionService(history, conversations, access, resolved)
  const replays = new ReplayService(history, access, store, resolved)
  const admission = new ClientAdmission(resolved)
  const intake = intakeLimits(resolved)
  // Socket.IO takes its paths ahead of the listeners the server has when it attaches, so the HTTP
  // routes are registered first and filled in once their parts exist.
  let routes: RequestListener = notFound
  const httpServer = createServer((request, response) => routes(request, response))
  const io = new Server(httpServer, {
    path: SOCKET_IO_PATH,
    pingInterval: resolved.heartbeatInterval,
    pingTimeout: socketIoPingTimeout(resolved),
    maxHttpBufferSize: resolved.maxMessageBytes * HARD_FRAME_LIMIT_FACTOR,
    cors: { origin: (origin, callback) => callback(null, admission.allowsOrigin(origin)) },
    allowRequest: (request, callback) => {
      const refusal = admission.refusalOf(request)
      callback(refusal ? `${refusal.code}: ${refusal.message}` : null, refusal === undefined)
    },
    // The raw WebSocket endpoint takes the other upgrades.
    destroyUpgrade: false,
    adapter: createDeliveryAdapter(redis.publisher, redis.subscriber, registry, resolved.keyPrefix),
  })
  io.engine.on('connection', (connection: EngineSocket) => {
    connection.once('close', admission.admit(connection.request))
  })
  const raw = new RawWebSocketEndpoint(httpServer, registry, service, replays, {
    heartbeatInterval: resolved.heartbeatInterval,
    clientTimeout: resolved.clientTimeout,
    socketIoPath: `${SOCKET_IO_PATH}/`,
    admission,
    verify,
    intake,
  })
  const socketIo = attachSocketIoEndpoint(io, registry, service, replays, { verify, intake })
  const agUi = new AgUiEndpoint({
    registry,
    service,
    admission,
    verify,
    heartbeatMs: resolved.heartbeatInterval,
  })
  const adapter = io.of('/').adapter
  const readiness = new Readiness(
    {
      redis: async () => void (await redis.publisher.ping()),
      broadcasts: () =>
        adapter instanceof DeliveryAdapter
          ? adapter.confirmReceiving(READINESS_TIMEOUT_MS)
          : Promise.resolve(),
      ...(store ? { store: () => (store as EventStore).ping() } : {}),
    },
    READINESS_TIMEOUT_MS,
  )
  const authenticate = (request: IncomingMessage) => verify(tokenFromUpgradeRequest(request))
  const persistenceState = queueStateReader(queues, redis.publisher, layout)
  routes = httpRoutes({
    routes: [
      createOperationsEndpoints(readiness),
      createOperationsApi({
        authenticate,
        redis: redis.publisher,
        keyPrefix: resolved.keyPrefix,
        queues,
        persistenceState,
      }),
      createQueueBoard({ queues, verify }),
      agUi.route,
      createHttpApi({ store, authenticate }),
      createDashboardRoute({ directory: resolved.dashboardDir ?? defaultDashboardDirectory() }),
    ],
    fallback: resolved.requestListener ?? notFound,
    allowsOrigin: (origin) => admission.allowsOrigin(origin),
  })
  const shutdown = new WebNodeShutdown({
    httpServer,
    io,
    socketIo,
    raw,
    service,
    replays,
    readiness,
    redis,
    queues,
    store,
    graceMs: resolved.shutdownGraceMs,
  })
  shutdown.defer(() => agUi.close())
  try {
    if (!(adapter instanceof DeliveryAdapter)) throw new Error('the default namespace has no DeliveryAdapter')
    await adapter.confirmReceiving(resolved.startTimeoutMs)
    shutdown.defer(
      catchUpAfterReconnects(redis.subscriber, adapter, registry, service, resolved.startTimeoutMs),
    )
    shutdown.defer(
      reportNodeState({
        clients: () => ({
          connections: {
            'socket.io': io.engine.clientsCount,
            raw: raw.clientCount,
            'ag-ui': agUi.streamCount,
          },
          subscriptions: registry.stats().subscriptions,
        }),
        queue: persistenceState,
      }),
    )
    await listen(httpServer, resolved)
  } catch (error) {
    await shutdown.run()
    throw error
  }
  const { port } = httpServer.address() as AddressInfo
  const url = `http://${urlHost(resolved.host)}:${port}`
  const startedAt = new Date().toISOString()
  const nodeId = randomUUID()
  const stopPresence = reportPresence(redis.publisher, resolved.keyPrefix, () => ({
    nodeId,
    url,
    pid: process.pid,
    startedAt,
    connections: { 'socket.io': io.engine.clientsCount, raw: raw.clientCount, 'ag-ui': agUi.streamCount },
    subscriptions: registry.stats().subscriptions,
  }))
  shutdown.defer(() => void stopPresence())
  log.info({ port, url, auth: resolved.auth.mode }, 'web node listening')
  return {
    port,
    url,
    httpServer,
    io,
    stats: () => ({
      socketIoClients: io.engine.clientsCount,
      rawClients: raw.clientCount,
      ...registry.stats(),
      replays: replays.runningCount,
    }),
    close: () => shutdown.run(),
  }
}

function intakeLimits(options: ResolvedWebNodeOptions): RequestIntakeLimits {
  return {
    maxMessageBytes: options.maxMessageBytes,
    messagesPerSecond: options.messagesPerSecond,
    messageBurst: options.messageBurst,
    disconnectAfterSeconds: options.rateLimitDisconnectSeconds,
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
