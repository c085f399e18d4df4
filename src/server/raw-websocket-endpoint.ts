import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { getLogger } from '../logger.js'
import {
  GOING_AWAY_CLOSE_CODE,
  parseRawRequest,
  SLOW_CONSUMER_CLOSE_CODE,
  wireError,
  type RawServerMessage,
} from './protocol.js'
import type { Subscriber } from './subscriber.js'
import type { SubscriptionRegistry } from './subscription-registry.js'
import type { SubscriptionService } from './subscription-service.js'

export interface RawWebSocketEndpointOptions {
  /** The server pings every client this often. */
  readonly heartbeatInterval: number
  /** A client that has sent nothing (not even a pong) for this long is terminated. */
  readonly clientTimeout: number
  /** Largest frame a client may send; a larger one closes the connection (1009). */
  readonly maxMessageBytes: number
  /** Upgrades on this path prefix belong to Socket.IO and are left alone. */
  readonly socketIoPath: string
}

/** How long clients get to answer the close handshake on shutdown before they are cut off. */
const CLOSE_GRACE_MS = 1000
const log = getLogger('raw-websocket')

/**
 * The plain WebSocket endpoint (the seed's JSON protocol, usable with wscat) on every upgrade path
 * but Socket.IO's. Requests of one connection are answered one at a time, in order.
 */
export class RawWebSocketEndpoint {
  private readonly wss: WebSocketServer
  private readonly lastHeard = new Map<WebSocket, number>()
  private readonly heartbeat: NodeJS.Timeout
  private closing: Promise<void> | undefined

  constructor(
    private readonly server: HttpServer,
    private readonly registry: SubscriptionRegistry,
    private readonly service: SubscriptionService,
    private readonly options: RawWebSocketEndpointOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes })
    server.on('upgrade', this.onUpgrade)
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatInterval)
    this.heartbeat.unref()
  }

  /** Connected raw clients. */
  get clientCount(): number {
    return this.wss.clients.size
  }

  /** Stops accepting upgrades and closes every client (1001), cutting off those that do not answer. */
  close(): Promise<void> {
    this.closing ??= this.closeClients()
    return this.closing
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if ((request.url ?? '/').startsWith(this.options.socketIoPath)) return
    if (this.closing) {
      socket.destroy()
      return
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws))
  }

  private onConnection(ws: WebSocket): void {
    this.lastHeard.set(ws, Date.now())
    const subscriber = this.registry.connect({
      send: (outgoing) => ws.send(outgoing.rawFrame),
      bufferedBytes: () => ws.bufferedAmount,
      dropAsSlowConsumer() {
        ws.close(SLOW_CONSUMER_CLOSE_CODE, 'slow_consumer')
      },
    })
    ws.on('message', (data, isBinary) => {
      this.lastHeard.set(ws, Date.now())
      subscriber
        .serially(() => this.handle(ws, subscriber, data, isBinary))
        .catch((error: unknown) => {
          log.error({ err: error }, 'raw websocket request failed')
          ws.send(
            JSON.stringify({ type: 'error', error: wireError('internal_error') } satisfies RawServerMessage),
          )
        })
    })
    ws.on('pong', () => this.lastHeard.set(ws, Date.now()))
    ws.on('close', () => {
      this.lastHeard.delete(ws)
      subscriber.close()
    })
    ws.on('error', (error) => log.debug({ err: error }, 'raw websocket error'))
  }

  private async handle(
    ws: WebSocket,
    subscriber: Subscriber,
    data: RawData,
    isBinary: boolean,
  ): Promise<void> {
    const send = (message: RawServerMessage): void => ws.send(JSON.stringify(message))
    if (isBinary) {
      return send({ type: 'error', error: wireError('invalid_request', 'Binary frames are not accepted') })
    }
    const parsed = parseRawRequest(textOf(data))
    if (!parsed.ok) return send({ type: 'error', error: parsed.error })
    const request = parsed.value
    switch (request.type) {
      case 'ping':
        return send({ type: 'pong' })
      case 'unsubscribe': {
        const outcome = this.service.unsubscribe(subscriber, request.target)
        return send(
          outcome.ok ? { type: 'unsubscribed', ...outcome.value } : { type: 'error', error: outcome.error },
        )
      }
      case 'subscribe':
        return this.service.subscribe(subscriber, request.request, (outcome) =>
          send(
            outcome.ok ? { type: 'subscribed', ...outcome.value } : { type: 'error', error: outcome.error },
          ),
        )
    }
  }

  private checkHeartbeats(): void {
    const now = Date.now()
    for (const ws of this.wss.clients) {
      if (now - (this.lastHeard.get(ws) ?? now) > this.options.clientTimeout) {
        log.debug('raw client timed out')
        ws.terminate()
      } else if (ws.readyState === ws.OPEN) {
        ws.ping()
      }
    }
  }

  private async closeClients(): Promise<void> {
    clearInterval(this.heartbeat)
    this.server.off('upgrade', this.onUpgrade)
    const clients = [...this.wss.clients]
    const closed = clients.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())))
    for (const ws of clients) ws.close(GOING_AWAY_CLOSE_CODE, 'server shutting down')
    const cutOff = setTimeout(() => clients.forEach((ws) => ws.terminate()), CLOSE_GRACE_MS)
    await Promise.all(closed)
    clearTimeout(cutOff)
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}
