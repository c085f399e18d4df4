import type { Server as HttpServer } from 'node:http'
import type { Queue } from 'bullmq'
import type { Server } from 'socket.io'
import { getLogger } from '../logger.js'
import type { EventStore } from '../store/event-store.js'
import type { AdapterClients } from './adapter-clients.js'
import type { RawWebSocketEndpoint } from './raw-websocket-endpoint.js'
import type { Readiness } from '../operations/readiness.js'
import type { ReplayService } from './replay/replay-service.js'
import type { SocketIoEndpoint } from './socket-io-endpoint.js'
import type { SubscriptionService } from './subscription-service.js'

export interface WebNodeParts {
  readonly httpServer: HttpServer
  readonly io: Server
  readonly socketIo: SocketIoEndpoint
  readonly raw: RawWebSocketEndpoint
  readonly service: SubscriptionService
  readonly replays: ReplayService
  readonly readiness: Readiness
  readonly redis: AdapterClients
  readonly queues: readonly Queue[]
  readonly store: EventStore | undefined
  /** How long clients get to leave before they are cut off. */
  readonly graceMs: number
}

const log = getLogger('web-node')

/**
 * The ordered, idempotent shutdown of a web node: not ready and no new connections, subscriptions or
 * replays (running replays end `stopped`); every client told to reconnect elsewhere and closed
 * (within the grace period); then Redis and the store, which the clients' replays no longer need.
 */
export class WebNodeShutdown {
  private running: Promise<void> | undefined
  private readonly deferred: (() => void)[] = []

  constructor(private readonly parts: WebNodeParts) {}

  /** Runs `stop` first thing when the node closes. */
  defer(stop: () => void): void {
    this.deferred.push(stop)
  }

  run(): Promise<void> {
    this.running ??= this.steps()
    return this.running
  }

  private async steps(): Promise<void> {
    const { httpServer, io, socketIo, raw, service, replays, readiness, redis, queues, store, graceMs } =
      this.parts
    readiness.markShuttingDown()
    for (const stop of this.deferred) stop()
    service.close()
    replays.close()
    const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()))
    socketIo.notifyShutdown()
    await raw.close(graceMs)
    // Closing the engine closes every Socket.IO transport: clients see "transport close" and reconnect.
    await new Promise<void>((resolve) => void io.close(() => resolve()))
    httpServer.closeAllConnections()
    await httpClosed
    await Promise.all(
      queues.map((queue) =>
        queue.close().catch((error: unknown) => log.debug({ err: error }, 'queue close failed')),
      ),
    )
    await redis.close()
    await store?.close()
    log.info('web node closed')
  }
}
