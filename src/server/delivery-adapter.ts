import { randomUUID } from 'node:crypto'
import { RedisAdapter, type RedisAdapterOptions } from '@socket.io/redis-adapter'
import type { Redis } from 'ioredis'
import { decode } from 'notepack.io'
import type { Namespace } from 'socket.io'
import type { StampedAgentEvent } from '../events/schemas.js'
import { getLogger } from '../logger.js'
import { EMITTER_UID, EVENT_JSON_FLAG } from '../redis/adapter-message.js'
import { adapterChannel, adapterChannelPrefix, adapterKey } from '../redis/keys.js'
import type { SubscriptionRegistry } from './subscription-registry.js'

/** The room of a node's readiness probe: a channel only that node's adapter acts on. */
const probeRoom = (nodeId: string): string => `agent-events-probe:${nodeId}`

type RedisChannel = string | Buffer

/**
 * `onmessage` is private in the adapter's typings, yet it is the one place where a node sees each
 * broadcast before the adapter fans it out to sockets: this view of the class makes it overridable.
 */
type OverridableRedisAdapter = new (
  nsp: Namespace,
  pubClient: Redis,
  subClient: Redis,
  opts?: Partial<RedisAdapterOptions>,
) => Namespace['adapter'] & {
  onmessage(pattern: RedisChannel | null, channel: RedisChannel, message: Buffer): void
}

const log = getLogger('delivery-adapter')

/**
 * The Socket.IO Redis adapter of a web node, taking over the delivery of agent events: a message
 * published by the emitter (uid `agent-events-emitter`, packet `['event', StampedAgentEvent]`) goes to
 * the node's SubscriptionRegistry, which applies per-subscriber filters, deduplication and replay
 * holds for Socket.IO and raw WebSocket clients alike. Every other message (ordinary Socket.IO
 * broadcasts between nodes) is handled as the stock adapter does.
 */
export class DeliveryAdapter extends (RedisAdapter as unknown as OverridableRedisAdapter) {
  private readonly probeChannel: string
  private readonly channelPrefix: string
  private probeWaiters: (() => void)[] = []

  constructor(
    nsp: Namespace,
    private readonly publisher: Redis,
    subscriberClient: Redis,
    private readonly registry: SubscriptionRegistry,
    keyPrefix: string,
  ) {
    super(nsp, publisher, subscriberClient, { key: adapterKey(keyPrefix) })
    this.channelPrefix = adapterChannelPrefix(keyPrefix)
    this.probeChannel = adapterChannel(keyPrefix, [probeRoom(randomUUID())])
  }

  /**
   * Resolves once a message published now comes back through this adapter's subscription: the node
   * really receives broadcasts (a pattern subscription lost at startup would otherwise go unnoticed).
   */
  async confirmReceiving(timeoutMs: number, retryMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let received = false
    const arrived = new Promise<void>((resolve) => this.probeWaiters.push(resolve)).then(() => {
      received = true
    })
    while (!received) {
      if (Date.now() >= deadline) throw new Error(`no broadcast came back within ${timeoutMs} ms`)
      await this.publisher.publish(this.probeChannel, 'probe')
      await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, retryMs))])
    }
  }

  override onmessage(pattern: RedisChannel | null, channel: RedisChannel, message: Buffer): void {
    try {
      if (this.deliver(channel.toString(), message)) return
    } catch (error) {
      log.warn({ err: error }, 'undecodable adapter message')
      return
    }
    super.onmessage(pattern, channel, message)
  }

  /** True when the message was ours to handle (an agent event or this node's probe). */
  private deliver(channel: string, message: Buffer): boolean {
    if (channel === this.probeChannel) {
      for (const resolve of this.probeWaiters.splice(0)) resolve()
      return true
    }
    if (this.nsp.name !== '/' || !channel.startsWith(this.channelPrefix)) return false
    const room = channel.slice(this.channelPrefix.length, -1)
    // Single-room channel of a room nobody here listens to: skip decoding, the stock path ignores it too.
    if (room !== '' && !this.registry.hasRoom(room)) return false
    const emitted = emittedEvent(decode(message))
    if (!emitted) return false
    this.registry.dispatch(emitted.event, emitted.rooms)
    return true
  }
}

/**
 * The event and rooms of an emitter message `[uid, packet, { rooms, flags: { event: json } }]`, else
 * undefined. The event is read from its JSON text, not from the decoded packet: msgpack decoding
 * would turn a `__proto__` key of a payload into a prototype.
 */
function emittedEvent(decoded: unknown): { event: StampedAgentEvent; rooms: string[] } | undefined {
  if (!Array.isArray(decoded) || decoded[0] !== EMITTER_UID) return undefined
  const options: unknown = decoded[2]
  if (!isRecord(options) || !isRecord(options.flags)) return undefined
  const { rooms } = options
  const json = options.flags[EVENT_JSON_FLAG]
  if (typeof json !== 'string' || !Array.isArray(rooms) || !rooms.every((room) => typeof room === 'string')) {
    return undefined
  }
  const event: unknown = JSON.parse(json)
  const stamped = isRecord(event) && typeof event.executionId === 'string' && typeof event.seq === 'number'
  return stamped ? { event: event as unknown as StampedAgentEvent, rooms: rooms as string[] } : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/**
 * The adapter factory for `io.adapter()`. Both Redis clients must be `ready` already: a pattern
 * subscription issued while the subscriber client is still connecting is silently lost. A plain
 * function, not an arrow: Socket.IO calls it with `new`.
 */
export function createDeliveryAdapter(
  publisher: Redis,
  subscriber: Redis,
  registry: SubscriptionRegistry,
  keyPrefix: string,
): (nsp: Namespace) => DeliveryAdapter {
  return function deliveryAdapter(nsp: Namespace) {
    return new DeliveryAdapter(nsp, publisher, subscriber, registry, keyPrefix)
  }
}
