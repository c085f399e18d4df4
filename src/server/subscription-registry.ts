import type { AccessClaims } from '../auth/access-claims.js'
import type { StampedAgentEvent } from '../events/schemas.js'
import { CLIENT_PROTOCOLS, webMetrics, type ClientProtocol } from '../metrics/web-metrics.js'
import { getLogger } from '../logger.js'
import { OutgoingEvent, type EventSink } from './outgoing-event.js'
import { Subscriber, type RoomMembership, type SubscriberLimits } from './subscriber.js'

const log = getLogger('subscription-registry')

/**
 * The subscribers of one web node, Socket.IO and raw WebSocket alike, indexed by room
 * (`execution:<id>`, `conversation:<id>`). The delivery adapter hands it every emitted event; it
 * offers the event once to each subscriber of any of the event's rooms.
 *
 * @example
 * const registry = new SubscriptionRegistry({ bufferLimitBytes: 1 << 20, maxHeldEvents: 10_000, drainTimeoutMs: 60_000 })
 * const subscriber = registry.connect(sink, claims)
 * registry.dispatch(event, ['execution:exec-1'])
 */
export class SubscriptionRegistry implements RoomMembership {
  private readonly rooms = new Map<string, Set<Subscriber>>()
  private readonly subscribers = new Set<Subscriber>()

  constructor(private readonly limits: SubscriberLimits) {}

  /** A new subscriber for one client connection; `close()` it when the connection ends. */
  connect(sink: EventSink, claims: AccessClaims): Subscriber {
    const subscriber = new Subscriber(sink, this, this.limits, claims)
    this.subscribers.add(subscriber)
    return subscriber
  }

  /** Every connected subscriber. */
  all(): Subscriber[] {
    return [...this.subscribers]
  }

  /** Connected subscribers (both protocols), rooms with at least one of them, subscriptions by kind. */
  stats(): {
    readonly subscribers: number
    readonly rooms: number
    readonly subscriptions: { readonly execution: number; readonly conversation: number }
  } {
    const subscriptions = { execution: 0, conversation: 0 }
    for (const subscriber of this.subscribers) {
      const counts = subscriber.subscriptionCounts
      subscriptions.execution += counts.execution
      subscriptions.conversation += counts.conversation
    }
    return { subscribers: this.subscribers.size, rooms: this.rooms.size, subscriptions }
  }

  /** Whether any subscriber of this node listens to the room. */
  hasRoom(room: string): boolean {
    return this.rooms.has(room)
  }

  /** Number of subscribers listening to the room. */
  subscriberCount(room: string): number {
    return this.rooms.get(room)?.size ?? 0
  }

  join(room: string, subscriber: Subscriber): void {
    const members = this.rooms.get(room) ?? new Set()
    members.add(subscriber)
    this.rooms.set(room, members)
  }

  leave(room: string, subscriber: Subscriber): void {
    const members = this.rooms.get(room)
    if (!members) return
    members.delete(subscriber)
    if (members.size === 0) this.rooms.delete(room)
  }

  forget(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber)
  }

  /** Offers an event to the subscribers of its rooms, each once even when it listens to several. */
  dispatch(event: StampedAgentEvent, rooms: readonly string[]): void {
    const targets = new Set<Subscriber>()
    for (const room of rooms) {
      for (const subscriber of this.rooms.get(room) ?? []) targets.add(subscriber)
    }
    if (targets.size === 0) return
    const outgoing = new OutgoingEvent(event)
    const delivered: Record<ClientProtocol, number> = { 'socket.io': 0, raw: 0, 'ag-ui': 0 }
    for (const subscriber of targets) {
      try {
        if (subscriber.offer(outgoing)) delivered[subscriber.protocol] += 1
      } catch (error) {
        // One broken connection must not keep the event from the others.
        log.warn({ err: error, executionId: event.executionId, seq: event.seq }, 'delivery failed')
      }
    }
    // Counted once per event, not per delivery: the counters are on the hot path of every fan-out.
    const metrics = webMetrics()
    metrics.received.inc()
    for (const protocol of CLIENT_PROTOCOLS) {
      if (delivered[protocol] > 0) metrics.delivered.inc({ protocol }, delivered[protocol])
    }
  }
}
