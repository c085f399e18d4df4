import { encode } from 'notepack.io'
import { adapterChannel } from './keys.js'

/**
 * Builds the message the Socket.IO Redis adapter expects on its channel, `[uid, packet, opts]`
 * encoded with msgpack (notepack.io, as the adapter does), around an event whose `seq` is only known
 * inside the stamping script. msgpack is concatenative, so the message is split in two: the head
 * ends with the event map (its header already counting a `seq` entry) and the tail starts after it;
 * the script writes `"seq", <seq>` in between.
 */

/** The uid every emitter publishes under; a web node's uid never equals it, so nodes never skip it. */
const EMITTER_UID = 'agent-events-emitter'
/** socket.io-parser packet type of an EVENT. */
const SOCKET_IO_EVENT = 2
/** Name of the Socket.IO event that carries one AgentEvent to clients. */
export const SOCKET_EVENT_NAME = 'event'

/** msgpack of the string "seq" followed by the integer 0: the placeholder stripped from the head. */
const SEQ_PLACEHOLDER = encode({ seq: 0 }).subarray(1)

export interface AdapterMessage {
  readonly head: Buffer
  readonly tail: Buffer
  readonly channel: string
}

export function buildAdapterMessage(
  event: Record<string, unknown>,
  rooms: readonly string[],
): AdapterMessage {
  // `seq` is appended last so that its placeholder is the last entry of the encoded map.
  const withPlaceholder = encode({ ...event, seq: 0 })
  const eventHead = withPlaceholder.subarray(0, withPlaceholder.length - SEQ_PLACEHOLDER.length)
  const head = Buffer.concat([
    Buffer.from([0x93]), // fixarray of 3: uid, packet, opts
    encode(EMITTER_UID),
    Buffer.from([0x83]), // fixmap of 3: type, nsp, data (data last, so that the event ends the packet)
    encode('type'),
    encode(SOCKET_IO_EVENT),
    encode('nsp'),
    encode('/'),
    encode('data'),
    Buffer.from([0x92]), // fixarray of 2: event name, payload
    encode(SOCKET_EVENT_NAME),
    eventHead,
  ])
  const tail = encode({ rooms: [...rooms], except: [], flags: {} })
  return { head, tail, channel: adapterChannel(rooms) }
}
