import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { AccessClaims } from '../auth/access-claims.js'
import { tokenFromUpgradeRequest } from '../auth/token-from-request.js'
import type { TokenVerifier } from '../auth/verify-token.js'
import { httpStatusOf } from '../errors.js'
import { getLogger } from '../logger.js'
import { webMetrics } from '../metrics/web-metrics.js'
import type { ClientAdmission } from './client-admission.js'
import { RAW_CLOSE_CODES, wireError, type RawServerMessage, type WireError } from './protocol.js'
import type { ConnectionReplays } from './replay/connection-replays.js'
import type { ReplayService } from './replay/replay-service.js'
import { parseRawRequest } from './request-parsing.js'
import { HARD_FRAME_LIMIT_FACTOR, RequestIntake, type RequestIntakeLimits } from './request-intake.js'
import { endAtExpiry } from './session-expiry.js'
import type { Subscriber } from './subscriber.js'
import type { SubscriptionRegistry } from './subscription-registry.js'
import type { SubscriptionService } from './subscription-service.js'

export interface RawWebSocketEndpointOptions {
  /** The server pings every client this often. */
  readonly heartbeatInterval: number
  /** A client that has sent nothing (not even a pong) for this long is terminated. */
  readonly clientTimeout: number
  /** Upgrades on this path prefix belong to Socket.IO and are left alone. */
  readonly socketIoPath: string
  readonly admission: ClientAdmission
  /** Verifies the upgrade request's token (`Authorization: Bearer`, else `?token=`). */
  readonly verify: TokenVerifier
  readonly intake: RequestIntakeLimits
}

const log = getLogger('raw-websocket')

/**
 * The plain WebSocket endpoint (the seed's JSON protocol, usable with wscat) on every upgrade path
 * but Socket.IO's, with subscriptions and replays. An upgrade from a refused Origin or address is answered with an HTTP error; one
 * with a bad token is accepted only to be told why and closed (4401), which browsers can see. Requests
 * of one connection are answered one at a time, in order.
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
    private readonly replayService: ReplayService,
    private readonly options: RawWebSocketEndpointOptions,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.intake.maxMessageBytes * HARD_FRAME_LIMIT_FACTOR,
    })
    server.on('upgrade', this.onUpgrade)
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatInterval)
    this.heartbeat.unref()
  }

  /** Connected raw clients. */
  get clientCount(): number {
    return this.wss.clients.size
  }

  /**
   * Stops accepting upgrades, tells every client the node is going away and closes it (1012: service
   * restart, reconnect elsewhere); those that have not closed after `graceMs` are cut off.
   */
  close(graceMs: number): Promise<void> {
    this.closing ??= this.closeClients(graceMs)
    return this.closing
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if ((request.url ?? '/').startsWith(this.options.socketIoPath)) return
    // Node takes its own 'error' listener off an upgraded socket: until ws owns it, a client that resets
    // the connection while it is refused or verified would crash the process (the CVE-2022-41940 pattern).
    socket.on('error', onUpgradeSocketError)
    if (this.closing) return refuseUpgrade(socket, wireError('closed'))
    const refusal = this.options.admission.refusalOf(request)
    if (refusal) return refuseUpgrade(socket, refusal)
    const release = this.options.admission.admit(request)
    socket.once('close', release)
    this.options.verify(tokenFromUpgradeRequest(request)).then(
      (result) => {
        if (socket.destroyed) return
        this.wss.handleUpgrade(request, socket, head, (ws) => {
          socket.off('error', onUpgradeSocketError)
          if (result.ok) return this.onConnection(ws, result.claims)
          webMetrics().clientErrors.inc({ code: result.error.code })
          ws.send(errorFrame(result.error))
          ws.close(RAW_CLOSE_CODES.unauthenticated, result.error.code)
        })
      },
      (error: unknown) => {
        log.error({ err: error }, 'token verification failed')
        refuseUpgrade(socket, wireError('internal_error'))
      },
    )
  }

  private onConnection(ws: WebSocket, claims: AccessClaims): void {
    webMetrics().connectionsOpened.inc({ protocol: 'raw' })
    this.lastHeard.set(ws, Date.now())
    const subscriber = this.registry.connect(
      {
        protocol: 'raw',
        send: (outgoing) => ws.send(outgoing.rawFrame),
        bufferedBytes: () => ws.bufferedAmount,
        dropAsSlowConsumer() {
          ws.send(errorFrame(wireError('slow_consumer')))
          ws.close(RAW_CLOSE_CODES.slowConsumer, 'slow_consumer')
        },
      },
      claims,
    )
    const intake = new RequestIntake(this.options.intake)
    const send = (message: RawServerMessage): void => {
      if (message.type === 'error') webMetrics().clientErrors.inc({ code: message.error.code })
      ws.send(JSON.stringify(message))
    }
    const replays = this.replayService.connect({ send, bufferedBytes: () => ws.bufferedAmount }, claims)
    ws.on('message', (data, isBinary) => {
      this.lastHeard.set(ws, Date.now())
      const verdict = intake.admit(byteLength(data))
      if (!verdict.ok) {
        send({ type: 'error', error: verdict.error })
        if (verdict.disconnect) ws.close(RAW_CLOSE_CODES.rateLimited, 'rate_limited')
        return
      }
      subscriber
        .serially(() => this.handle(send, { subscriber, replays }, data, isBinary))
        .catch((error: unknown) => {
          log.error({ err: error }, 'raw websocket request failed')
          webMetrics().internalErrors.inc()
          send({ type: 'error', error: wireError('internal_error') })
        })
    })
    const cancelExpiry = endAtExpiry(claims, () => {
      send({
        type: 'error',
        error: wireError('token_expired', 'The access token expired: reconnect with a fresh one'),
      })
      ws.close(RAW_CLOSE_CODES.unauthenticated, 'token_expired')
    })
    ws.on('pong', () => this.lastHeard.set(ws, Date.now()))
    ws.on('close', () => {
      cancelExpiry()
      this.lastHeard.delete(ws)
      subscriber.close()
      replays.close()
    })
    ws.on('error', (error) => log.debug({ err: error }, 'raw websocket error'))
  }

  private async handle(
    send: (message: RawServerMessage) => void,
    { subscriber, replays }: { readonly subscriber: Subscriber; readonly replays: ConnectionReplays },
    data: RawData,
    isBinary: boolean,
  ): Promise<void> {
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
      case 'replay':
        return this.replayService.start(replays, request.request, (outcome) =>
          send(
            outcome.ok
              ? { type: 'replay-started', ...outcome.value }
              : { type: 'error', error: outcome.error },
          ),
        )
      case 'replay-control':
        return this.replayService.control(replays, request.control, (outcome) =>
          send(
            outcome.ok ? { type: 'replay-state', ...outcome.value } : { type: 'error', error: outcome.error },
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

  private async closeClients(graceMs: number): Promise<void> {
    clearInterval(this.heartbeat)
    this.server.off('upgrade', this.onUpgrade)
    const clients = [...this.wss.clients]
    const closed = clients.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())))
    for (const ws of clients) {
      ws.send(errorFrame(wireError('closed')))
      ws.close(RAW_CLOSE_CODES.serviceRestart, 'closed')
    }
    const cutOff = setTimeout(() => clients.forEach((ws) => ws.terminate()), graceMs)
    await Promise.all(closed)
    clearTimeout(cutOff)
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }
}

function onUpgradeSocketError(error: Error): void {
  log.debug({ err: error }, 'upgrade socket error')
}

function errorFrame(error: WireError): string {
  return JSON.stringify({ type: 'error', error } satisfies RawServerMessage)
}

/** Answers an upgrade request with the HTTP status of the error and `{ error }` as JSON. */
function refuseUpgrade(socket: Duplex, error: WireError): void {
  webMetrics().clientErrors.inc({ code: error.code })
  const body = JSON.stringify({ error })
  const status = httpStatusOf(error.code)
  socket.end(
    `HTTP/1.1 ${status} ${error.code}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, chunk) => total + chunk.length, 0)
  return data instanceof ArrayBuffer ? data.byteLength : data.length
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}
