import { encode } from 'notepack.io'

/**
 * The baseline's broadcast path: what the stock Socket.IO Redis adapter puts on Redis for
 * `io.to(rooms).emit('event', event)`, built by the producer itself, as `@socket.io/redis-emitter`
 * does. The bare nodes' adapters use their own key, so that they and our nodes never see each
 * other's messages on the shared redis-server.
 */

/** The `key` option of the bare nodes' Redis adapters: their channels are `bench-bare#/#...`. */
export const BARE_ADAPTER_KEY = 'bench-bare'

/** The uid the baseline producer publishes under; a node skips only messages of its own uid. */
const PRODUCER_UID = 'bench-bare-producer'
/** socket.io-parser packet type of an EVENT. */
const SOCKET_IO_EVENT = 2

/** The adapter channel of a broadcast to `rooms` in the default namespace. */
export function bareAdapterChannel(rooms: readonly string[]): string {
  const prefix = `${BARE_ADAPTER_KEY}#/#`
  return rooms.length === 1 ? `${prefix}${rooms[0]}#` : prefix
}

/**
 * The adapter message broadcasting Socket.IO event `name` with `payload` to `rooms`: msgpack of
 * `[uid, packet, { rooms, except, flags }]`, as the stock adapter publishes it.
 */
export function bareBroadcastMessage(name: string, payload: unknown, rooms: readonly string[]): Buffer {
  return encode([
    PRODUCER_UID,
    { type: SOCKET_IO_EVENT, nsp: '/', data: [name, payload] },
    { rooms: [...rooms], except: [], flags: {} },
  ])
}
