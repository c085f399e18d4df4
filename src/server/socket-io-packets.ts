import type { Namespace, Socket } from 'socket.io'
import type { StampedAgentEvent } from '../events/schemas.js'
import { SOCKET_IO_EVENTS } from './protocol.js'

/** An `event` packet encoded once (and framed once for WebSocket transports) for every socket it goes to. */
export interface PreEncodedPacket {
  readonly packets: readonly unknown[]
  readonly options: Readonly<Record<string, unknown>>
}

/** socket.io-parser's packet type of an EVENT. */
const EVENT_PACKET = 2

/**
 * The adapter's encoder and the client's engine writer are what Socket.IO's own broadcasts use to
 * encode a packet once and write it to many sockets; their typings mark them private, hence these views.
 */
interface EncodingAdapter {
  _encode(packet: { type: number; data: unknown[]; nsp: string }, options: Record<string, unknown>): unknown[]
}
interface EngineWriter {
  writeToEngine(packets: readonly unknown[], options: Readonly<Record<string, unknown>>): void
}

/**
 * Encodes an event as the Socket.IO `event` packet of a namespace, as a broadcast does.
 * @example const packet = encodeEventPacket(io.of('/'), event); writePacket(socket, packet)
 */
export function encodeEventPacket(namespace: Namespace, event: StampedAgentEvent): PreEncodedPacket {
  const options: Record<string, unknown> = { preEncoded: true }
  const adapter = namespace.adapter as unknown as EncodingAdapter
  const packets = adapter._encode(
    { type: EVENT_PACKET, data: [SOCKET_IO_EVENTS.event, event], nsp: namespace.name },
    options,
  )
  return { packets, options }
}

/** Writes a pre-encoded packet to one socket. */
export function writePacket(socket: Socket, packet: PreEncodedPacket): void {
  ;(socket.client as unknown as EngineWriter).writeToEngine(packet.packets, packet.options)
}
