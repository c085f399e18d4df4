import { encode, Encoder } from '@msgpack/msgpack'
import { adapterChannel } from './keys.js'

/**
 * Builds the message the Socket.IO Redis adapter expects on its channel, `[uid, packet, opts]` in
 * msgpack, around an event whose `seq` is only known inside the stamping script. msgpack is
 * concatenative, so the message is built in three parts the script joins with the seq:
 *
 *   head | "seq" seq | middle | str("{\"seq\":" seq "," jsonTail)
 *
 * `head` ends inside the event map of `packet.data` (its header already counting the `seq` entry),
 * `middle` closes the packet and opens `opts`, whose last value is the event's exact JSON text at
 * `opts.flags.event`. Any Socket.IO node with the stock adapter delivers `packet.data` to the rooms
 * (it ignores unknown flags); our web nodes read the JSON instead, because msgpack decoders lose
 * `__proto__` keys, and msgpack encoders of other languages may not keep every number exact.
 */

/** The uid every emitter publishes under; a web node's uid never equals it, so nodes never skip it. */
export const EMITTER_UID = 'agent-events-emitter'
/** socket.io-parser packet type of an EVENT. */
const SOCKET_IO_EVENT = 2
/** Name of the Socket.IO event that carries one AgentEvent to clients. */
const SOCKET_EVENT_NAME = 'event'
/** The broadcast flag carrying the event's JSON text. */
export const EVENT_JSON_FLAG = 'event'

/** msgpack of the string "seq" followed by the integer 0: the placeholder stripped from the head. */
const SEQ_PLACEHOLDER = encode({ seq: 0 }).subarray(1)
/** msgpack of an empty string: the placeholder of the JSON text stripped from the middle. */
const JSON_PLACEHOLDER = encode('')

export interface AdapterMessage {
  readonly head: Buffer
  readonly middle: Buffer
  readonly channel: string
}

/** One encoder for every message: `encode()` would allocate a fresh encoder and buffer per call. */
const encoder = new Encoder()

/** `[uid, { type, nsp, data: ['event', ` up to the event's map: the same in every message. */
const MESSAGE_PREFIX = Buffer.concat([
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
])

export function buildAdapterMessage(
  event: Record<string, unknown>,
  rooms: readonly string[],
  keyPrefix: string,
): AdapterMessage {
  // `seq` is appended last so that its placeholder is the last entry of the encoded map. Numbers
  // that are not safe integers are encoded as float64, exactly as JSON holds them. The encoder's
  // buffer is shared: each part is copied out before the next encoding.
  const withPlaceholder = encoder.encodeSharedRef({ ...event, seq: 0 })
  const head = Buffer.concat([
    MESSAGE_PREFIX,
    withPlaceholder.subarray(0, withPlaceholder.length - SEQ_PLACEHOLDER.length),
  ])
  const options = encoder.encodeSharedRef({ rooms: [...rooms], except: [], flags: { [EVENT_JSON_FLAG]: '' } })
  const middle = Buffer.from(options.subarray(0, options.length - JSON_PLACEHOLDER.length))
  return { head, middle, channel: adapterChannel(keyPrefix, rooms) }
}
