import type { Server, Socket } from 'socket.io'
import type { AccessClaims } from '../auth/access-claims.js'
import { tokenFromHandshake } from '../auth/token-from-request.js'
import type { TokenVerifier } from '../auth/verify-token.js'
import type { StampedAgentEvent } from '../events/schemas.js'
import { getLogger } from '../logger.js'
import { webMetrics } from '../metrics/web-metrics.js'
import type { EventSink } from './outgoing-event.js'
import { SOCKET_IO_EVENTS, wireError, type Outcome, type SocketIoAck, type WireError } from './protocol.js'
import type { ReplaySink } from './replay/replay-session.js'
import type { ReplayService } from './replay/replay-service.js'
import { parseReplay, parseReplayControl, parseSubscribe, parseUnsubscribe } from './request-parsing.js'
import { RequestIntake, type RequestIntakeLimits } from './request-intake.js'
import { endAtExpiry } from './session-expiry.js'
import { encodeEventPacket, writePacket, type PreEncodedPacket } from './socket-io-packets.js'
import type { SubscriptionRegistry } from './subscription-registry.js'
import type { SubscriptionService } from './subscription-service.js'

export interface SocketIoEndpointOptions {
  /** Verifies the handshake's token (`auth.token`, else `Authorization: Bearer`). */
  readonly verify: TokenVerifier
  readonly intake: RequestIntakeLimits
}

/** The Socket.IO side of a web node, as the node's shutdown sees it. */
export interface SocketIoEndpoint {
  /** Tells every client that the node is going away; their transports close next, and they reconnect. */
  notifyShutdown(): void
}

type Ack = (reply: SocketIoAck<object>) => void
type Respond = (outcome: Outcome<object>) => void

const REQUEST_EVENTS: ReadonlySet<string> = new Set([
  SOCKET_IO_EVENTS.subscribe,
  SOCKET_IO_EVENTS.unsubscribe,
  SOCKET_IO_EVENTS.replay,
  SOCKET_IO_EVENTS.replayControl,
])
const log = getLogger('socket-io')

/**
 * Serves the Socket.IO protocol of the default namespace: the handshake's token is verified, every
 * request passes the connection's size and rate limits, then `subscribe` / `unsubscribe` / `replay` /
 * `replay-control` are answered with acknowledgements; events go out as `event`, replays as
 * `replay-event` / `replay-reset` / `replay-end`, and `error` carries what has no ack to go to.
 */
export function attachSocketIoEndpoint(
  io: Server,
  registry: SubscriptionRegistry,
  service: SubscriptionService,
  replayService: ReplayService,
  options: SocketIoEndpointOptions,
): SocketIoEndpoint {
  const claimsOf = new WeakMap<Socket, AccessClaims>()
  const namespace = io.of('/')
  const encode = (event: StampedAgentEvent): PreEncodedPacket => encodeEventPacket(namespace, event)

  io.use((socket, next) => {
    options.verify(tokenFromHandshake(socket.handshake)).then(
      (result) => {
        if (result.ok) {
          claimsOf.set(socket, result.claims)
          return next()
        }
        webMetrics().clientErrors.inc({ code: result.error.code })
        // The client's `connect_error` carries the message, and the code in `data`.
        next(Object.assign(new Error(result.error.message), { data: result.error }))
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    )
  })

  io.on('connection', (socket) => {
    const claims = claimsOf.get(socket)
    if (!claims) return void socket.disconnect(true)
    webMetrics().connectionsOpened.inc({ protocol: 'socket.io' })
    const pending = new PendingBytes(socket)
    const subscriber = registry.connect(socketSink(socket, pending, encode), claims)
    const replays = replayService.connect(replaySink(socket, pending), claims)
    const cancelExpiry = endAtExpiry(claims, () => {
      webMetrics().clientErrors.inc({ code: 'token_expired' })
      socket.emit(
        SOCKET_IO_EVENTS.error,
        wireError('token_expired', 'The access token expired: reconnect with a fresh one'),
      )
      socket.disconnect(true)
    })
    socket.on('disconnect', () => {
      cancelExpiry()
      subscriber.close()
      replays.close()
    })

    const intake = new RequestIntake(options.intake)
    socket.use((packet, next) => {
      // A packet without an event name (`420`) still carries the client's ack callback: answer on it.
      const [name, ...args] = typeof packet[0] === 'function' ? [undefined, ...packet] : packet
      const { respond } = requestOf(socket, args)
      const refusal = refusalOf(intake, name, args)
      if (!refusal) return next()
      respond({ ok: false, error: refusal.error })
      if (refusal.disconnect) socket.disconnect(true)
    })

    /** Answers one kind of request: its payload parsed, then handled in the connection's order. */
    const onRequest = <T>(
      event: string,
      parse: (payload: unknown) => Outcome<T>,
      handle: (request: T, respond: Respond) => unknown,
    ): void => {
      socket.on(event, (...args: unknown[]) => {
        const { payload, respond } = requestOf(socket, args)
        serve(
          subscriber.serially(async () => {
            const request = parse(payload)
            if (!request.ok) return respond(request)
            await handle(request.value, respond)
          }),
          respond,
        )
      })
    }
    onRequest(SOCKET_IO_EVENTS.subscribe, parseSubscribe, (request, respond) =>
      service.subscribe(subscriber, request, respond),
    )
    onRequest(SOCKET_IO_EVENTS.unsubscribe, parseUnsubscribe, (target, respond) =>
      respond(service.unsubscribe(subscriber, target)),
    )
    onRequest(SOCKET_IO_EVENTS.replay, parseReplay, (request, respond) =>
      replayService.start(replays, request, respond),
    )
    onRequest(SOCKET_IO_EVENTS.replayControl, parseReplayControl, (control, respond) =>
      replayService.control(replays, control, respond),
    )
  })

  return {
    notifyShutdown() {
      // `local`: a plain io.emit goes through the Redis adapter to the clients of every node.
      io.local.emit(SOCKET_IO_EVENTS.error, wireError('closed'))
    },
  }
}

/** Why a request must be dropped before it is handled, if it must: limits first, then its name. */
function refusalOf(
  intake: RequestIntake,
  name: unknown,
  args: readonly unknown[],
): { readonly error: WireError; readonly disconnect: boolean } | undefined {
  const bytes = requestBytes(name, args)
  if (bytes === undefined) {
    return { error: wireError('invalid_request', 'The request cannot be measured'), disconnect: false }
  }
  const verdict = intake.admit(bytes)
  if (!verdict.ok) return verdict
  if (typeof name !== 'string' || !REQUEST_EVENTS.has(name)) {
    const known = [...REQUEST_EVENTS].join(', ')
    return { error: wireError('invalid_request', `Unknown request; send one of ${known}`), disconnect: false }
  }
  return undefined
}

/** The size of a request as JSON, without its ack callback; undefined when it cannot be serialized. */
function requestBytes(name: unknown, args: readonly unknown[]): number | undefined {
  const payload = typeof args.at(-1) === 'function' ? args.slice(0, -1) : args
  try {
    return Buffer.byteLength(JSON.stringify([name, ...payload]) ?? '')
  } catch {
    return undefined
  }
}

/** A request's payload, and how to answer it: its ack, or the `error` event when it has none. */
function requestOf(socket: Socket, args: readonly unknown[]): { payload: unknown; respond: Respond } {
  // The client's acknowledgement callback is the last argument, when it asked for one.
  const last = args.at(-1)
  const ack = typeof last === 'function' ? (last as Ack) : undefined
  const respond: Respond = (outcome) => {
    if (!outcome.ok) webMetrics().clientErrors.inc({ code: outcome.error.code })
    if (ack) ack(outcome.ok ? { ok: true, ...outcome.value } : { ok: false, error: outcome.error })
    else if (!outcome.ok) socket.emit(SOCKET_IO_EVENTS.error, outcome.error)
  }
  return { payload: ack && args.length === 1 ? undefined : args[0], respond }
}

/** A request handler that failed unexpectedly answers `internal_error` instead of failing the process. */
function serve(handling: Promise<void>, respond: Respond): void {
  handling.catch((error: unknown) => {
    log.error({ err: error }, 'socket.io request failed')
    webMetrics().internalErrors.inc()
    respond({ ok: false, error: wireError('internal_error') })
  })
}

function socketSink(
  socket: Socket,
  pending: PendingBytes,
  encode: (event: StampedAgentEvent) => PreEncodedPacket,
): EventSink {
  return {
    protocol: 'socket.io',
    send: (outgoing) => writePacket(socket, outgoing.socketIoPacket(encode)),
    bufferedBytes: () => pending.bytes(),
    dropAsSlowConsumer() {
      socket.emit(SOCKET_IO_EVENTS.error, wireError('slow_consumer'))
      socket.disconnect(true)
    },
  }
}

/** Replay messages as Socket.IO events: the message's `type` is the event name, the rest its payload. */
function replaySink(socket: Socket, pending: PendingBytes): ReplaySink {
  return {
    send: ({ type, ...payload }) => void socket.emit(type, payload),
    bufferedBytes: () => pending.bytes(),
  }
}

/**
 * Bytes queued for one Socket.IO client and not yet taken by it: packets waiting in the engine's
 * write buffer (counted as they are created and flushed, so each check is O(1)) plus what the
 * WebSocket transport holds.
 */
class PendingBytes {
  private buffered = 0

  constructor(private readonly socket: Socket) {
    const conn = socket.conn
    conn.on('packetCreate', (packet: unknown) => {
      this.buffered += packetBytes(packet)
    })
    conn.on('flush', (packets: unknown[]) => {
      for (const packet of packets) this.buffered -= packetBytes(packet)
    })
  }

  bytes(): number {
    const transportSocket: unknown = (this.socket.conn.transport as unknown as { socket?: unknown }).socket
    const inTransport =
      typeof transportSocket === 'object' &&
      transportSocket !== null &&
      'bufferedAmount' in transportSocket &&
      typeof transportSocket.bufferedAmount === 'number'
        ? transportSocket.bufferedAmount
        : 0
    return this.buffered + inTransport
  }
}

function packetBytes(packet: unknown): number {
  if (typeof packet !== 'object' || packet === null || !('data' in packet)) return 0
  const { data } = packet
  if (typeof data === 'string') return data.length
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength
  return 0
}
