import type { Server, Socket } from 'socket.io'
import { getLogger } from '../logger.js'
import {
  parseSubscribe,
  parseUnsubscribe,
  SOCKET_IO_EVENTS,
  wireError,
  type Outcome,
  type SocketIoAck,
} from './protocol.js'
import type { EventSink } from './subscriber.js'
import type { SubscriptionRegistry } from './subscription-registry.js'
import type { SubscriptionService } from './subscription-service.js'

type Ack = (reply: SocketIoAck<object>) => void

const log = getLogger('socket-io')

/**
 * Serves the Socket.IO protocol of the default namespace: `subscribe` / `unsubscribe` with
 * acknowledgements, events as `event`, and `error` for what has no acknowledgement to go to.
 */
export function attachSocketIoEndpoint(
  io: Server,
  registry: SubscriptionRegistry,
  service: SubscriptionService,
): void {
  io.on('connection', (socket) => {
    const subscriber = registry.connect(socketSink(socket))
    socket.on('disconnect', () => subscriber.close())

    socket.on(SOCKET_IO_EVENTS.subscribe, (...args: unknown[]) => {
      const { payload, respond } = requestOf(socket, args)
      serve(
        subscriber.serially(async () => {
          const request = parseSubscribe(payload)
          if (!request.ok) return respond(request)
          await service.subscribe(subscriber, request.value, respond)
        }),
        respond,
      )
    })

    socket.on(SOCKET_IO_EVENTS.unsubscribe, (...args: unknown[]) => {
      const { payload, respond } = requestOf(socket, args)
      serve(
        subscriber.serially(() => {
          const target = parseUnsubscribe(payload)
          respond(target.ok ? service.unsubscribe(subscriber, target.value) : target)
        }),
        respond,
      )
    })
  })
}

type Respond = (outcome: Outcome<object>) => void

/** A request's payload, and how to answer it: its ack, or the `error` event when it has none. */
function requestOf(socket: Socket, args: unknown[]): { payload: unknown; respond: Respond } {
  // The client's acknowledgement callback is the last argument, when it asked for one.
  const last = args.at(-1)
  const ack = typeof last === 'function' ? (last as Ack) : undefined
  const respond: Respond = (outcome) => {
    if (ack) ack(outcome.ok ? { ok: true, ...outcome.value } : { ok: false, error: outcome.error })
    else if (!outcome.ok) socket.emit(SOCKET_IO_EVENTS.error, outcome.error)
  }
  return { payload: ack && args.length === 1 ? undefined : args[0], respond }
}

/** A request handler that failed unexpectedly answers `internal_error` instead of failing the process. */
function serve(handling: Promise<void>, respond: Respond): void {
  handling.catch((error: unknown) => {
    log.error({ err: error }, 'socket.io request failed')
    respond({ ok: false, error: wireError('internal_error') })
  })
}

function socketSink(socket: Socket): EventSink {
  const pending = new PendingBytes(socket)
  return {
    send: (outgoing) => socket.emit(SOCKET_IO_EVENTS.event, outgoing.event),
    bufferedBytes: () => pending.bytes(),
    dropAsSlowConsumer() {
      socket.emit(SOCKET_IO_EVENTS.error, wireError('slow_consumer'))
      socket.disconnect(true)
    },
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
