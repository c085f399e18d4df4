import type { AccessClaims } from '../auth/access-claims.js'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import { webMetrics, type ClientProtocol } from '../metrics/web-metrics.js'
import type { PreEncodedPacket } from './socket-io-packets.js'
import { conversationRoom, executionRoom } from '../redis/keys.js'
import type { SubscriptionTarget } from './protocol.js'

/** One event on its way to the subscribers of a node; each protocol's encoding is made once for all. */
export class OutgoingEvent {
  #rawFrame: string | undefined
  #socketIoPacket: PreEncodedPacket | undefined

  constructor(readonly event: StampedAgentEvent) {}

  /** `{"type":"event","event":{...}}`, the raw WebSocket frame of the event. */
  get rawFrame(): string {
    this.#rawFrame ??= JSON.stringify({ type: 'event', event: this.event })
    return this.#rawFrame
  }

  /** The Socket.IO `event` packet of the event, encoded by `encode` the first time it is asked for. */
  socketIoPacket(encode: (event: StampedAgentEvent) => PreEncodedPacket): PreEncodedPacket {
    this.#socketIoPacket ??= encode(this.event)
    return this.#socketIoPacket
  }
}

/** How a subscriber's protocol reaches its client. */
export interface EventSink {
  readonly protocol: ClientProtocol
  send(outgoing: OutgoingEvent): void
  /** Bytes queued on our side that the client has not taken yet. */
  bufferedBytes(): number
  /** Disconnects the client, telling it that it was too slow (it resumes with `since`). */
  dropAsSlowConsumer(): void
}

/** The room index a subscriber keeps itself listed in (the node's SubscriptionRegistry). */
export interface RoomMembership {
  join(room: string, subscriber: Subscriber): void
  leave(room: string, subscriber: Subscriber): void
  /** The subscriber's connection has ended. */
  forget(subscriber: Subscriber): void
}

export interface SubscriberLimits {
  /** Past this many bytes queued for the client, it is dropped as a slow consumer. */
  readonly bufferLimitBytes: number
  /** Past this many live events held for one execution during its replay, likewise. */
  readonly maxHeldEvents: number
  /** A replay paused for a full buffer for longer than this drops the client as a slow consumer. */
  readonly drainTimeoutMs: number
}

/** How often a paused replay checks whether the client has taken its buffered events. */
const DRAIN_POLL_MS = 10

type TypeFilter = ReadonlySet<AgentEventType> | undefined

/**
 * The delivery state of one client connection, whatever its protocol: its subscriptions and type
 * filters, the last seq delivered per subscribed execution (so that nothing is delivered twice), and
 * the live events held while an execution's history is being replayed.
 */
export class Subscriber {
  private readonly executions = new Map<string, TypeFilter>()
  private readonly conversations = new Map<string, TypeFilter>()
  private readonly cursors = new Map<string, number>()
  private readonly held = new Map<string, OutgoingEvent[]>()
  private requests: Promise<unknown> = Promise.resolve()
  #closed = false

  /**
   * @param claims what the client's access token lets it watch; every subscription is checked
   *   against them before it starts
   */
  constructor(
    private readonly sink: EventSink,
    private readonly rooms: RoomMembership,
    private readonly limits: SubscriberLimits,
    readonly claims: AccessClaims,
  ) {}

  get closed(): boolean {
    return this.#closed
  }

  get subscriptionCount(): number {
    return this.executions.size + this.conversations.size
  }

  /** Subscriptions by kind. */
  get subscriptionCounts(): { readonly execution: number; readonly conversation: number } {
    return { execution: this.executions.size, conversation: this.conversations.size }
  }

  isSubscribed(target: SubscriptionTarget): boolean {
    return target.kind === 'execution'
      ? this.executions.has(target.executionId)
      : this.conversations.has(target.conversationId)
  }

  /** Whether the live events of the execution are held (a replay or a catch-up is under way). */
  isHolding(executionId: string): boolean {
    return this.held.has(executionId)
  }

  /** The events a replay of the execution sends: those of the types its subscription asked for. */
  replayable(executionId: string, events: readonly StampedAgentEvent[]): readonly StampedAgentEvent[] {
    const types = this.executions.get(executionId)
    return types ? events.filter((event) => types.has(event.type)) : events
  }

  /**
   * Holds the live events of every execution subscription that is live, for a catch-up from history
   * (after the node's pub/sub connection was lost); returns their ids.
   */
  holdLiveExecutions(): string[] {
    if (this.#closed) return []
    const live = [...this.executions.keys()].filter((executionId) => !this.held.has(executionId))
    for (const executionId of live) this.held.set(executionId, [])
    return live
  }

  /** The last seq delivered (or replayed past) in a subscribed execution. */
  cursorOf(executionId: string): number | undefined {
    return this.cursors.get(executionId)
  }

  /**
   * Runs request handlers one at a time in arrival order, so that replies leave in request order
   * and a replay never overlaps another change of the same subscriptions.
   */
  serially<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.requests.then(task)
    this.requests = result.catch(() => undefined)
    return result
  }

  /**
   * Subscribes to an execution and holds its live events (instead of sending them) until
   * {@link completeReplay}: registered before the history is read, so that no event falls between.
   */
  holdExecution(executionId: string, types: TypeFilter): void {
    if (this.#closed) return
    this.executions.set(executionId, types)
    this.held.set(executionId, [])
    this.rooms.join(executionRoom(executionId), this)
  }

  /**
   * Sends the replayed events, then the held live ones that follow `cursor` (the last seq the replay
   * covered), in seq order, and goes live. A replay larger than the client's buffer limit is paced
   * by the client's reading (live events stay held meanwhile) instead of dropping it.
   */
  async completeReplay(
    executionId: string,
    replayed: readonly StampedAgentEvent[],
    cursor: number,
  ): Promise<void> {
    let sent = 0
    try {
      for (const event of replayed) {
        if (this.#closed) return
        this.sink.send(new OutgoingEvent(event))
        sent += 1
        if (this.sink.bufferedBytes() > this.limits.bufferLimitBytes && !(await this.drained())) {
          return this.dropAsSlowConsumer()
        }
      }
      const held = this.held.get(executionId) ?? []
      this.held.delete(executionId)
      if (this.#closed) return
      this.cursors.set(executionId, cursor)
      sent += held.filter((outgoing) => this.offer(outgoing)).length
    } finally {
      if (sent > 0) webMetrics().delivered.inc({ protocol: this.sink.protocol }, sent)
    }
  }

  subscribeConversation(conversationId: string, types: TypeFilter): void {
    if (this.#closed) return
    this.conversations.set(conversationId, types)
    this.rooms.join(conversationRoom(conversationId), this)
  }

  unsubscribe(target: SubscriptionTarget): void {
    if (target.kind === 'execution') {
      const { executionId } = target
      this.executions.delete(executionId)
      this.cursors.delete(executionId)
      this.held.delete(executionId)
      this.rooms.leave(executionRoom(executionId), this)
    } else {
      this.conversations.delete(target.conversationId)
      this.rooms.leave(conversationRoom(target.conversationId), this)
    }
  }

  /** The client's protocol, for the node's delivery counts. */
  get protocol(): EventSink['protocol'] {
    return this.sink.protocol
  }

  /**
   * A live event of one of this subscriber's rooms: filtered, deduplicated, held or sent. Returns
   * whether it was sent now.
   */
  offer(outgoing: OutgoingEvent): boolean {
    if (this.#closed) return false
    const { event } = outgoing
    if (!this.wants(event)) return false
    const held = this.held.get(event.executionId)
    if (held) {
      if (held.length >= this.limits.maxHeldEvents) this.dropAsSlowConsumer()
      else held.push(outgoing)
      return false
    }
    if (this.executions.has(event.executionId)) {
      if (event.seq <= (this.cursors.get(event.executionId) ?? 0)) return false
      this.cursors.set(event.executionId, event.seq)
    }
    this.deliver(outgoing)
    return true
  }

  /** Forgets every subscription; the connection is gone. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const executionId of [...this.executions.keys()])
      this.unsubscribe({ kind: 'execution', executionId })
    for (const conversationId of [...this.conversations.keys()]) {
      this.unsubscribe({ kind: 'conversation', conversationId })
    }
    this.rooms.forget(this)
  }

  private wants(event: StampedAgentEvent): boolean {
    const accepts = (filter: TypeFilter): boolean => filter === undefined || filter.has(event.type)
    if (this.executions.has(event.executionId) && accepts(this.executions.get(event.executionId))) return true
    const { conversationId } = event
    return (
      conversationId !== undefined &&
      this.conversations.has(conversationId) &&
      accepts(this.conversations.get(conversationId))
    )
  }

  private deliver(outgoing: OutgoingEvent): void {
    if (this.#closed) return
    this.sink.send(outgoing)
    if (this.sink.bufferedBytes() > this.limits.bufferLimitBytes) this.dropAsSlowConsumer()
  }

  /** Waits until the client has taken half of its buffer; false when it does not within the drain timeout. */
  private async drained(): Promise<boolean> {
    const deadline = Date.now() + this.limits.drainTimeoutMs
    while (!this.#closed && this.sink.bufferedBytes() > this.limits.bufferLimitBytes / 2) {
      if (Date.now() >= deadline) return false
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS))
    }
    return true
  }

  private dropAsSlowConsumer(): void {
    if (this.#closed) return
    webMetrics().clientErrors.inc({ code: 'slow_consumer' })
    this.close()
    this.sink.dropAsSlowConsumer()
  }
}
