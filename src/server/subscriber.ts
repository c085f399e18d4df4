import type { AccessClaims } from '../auth/access-claims.js'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import { webMetrics } from '../metrics/web-metrics.js'
import { conversationRoom, executionRoom } from '../redis/keys.js'
import { sendPaced } from './client-drain.js'
import { DeliveryCursors } from './delivery-cursors.js'
import { HeldEvents } from './held-events.js'
import type { EventSink, OutgoingEvent } from './outgoing-event.js'
import type { SubscriptionTarget } from './protocol.js'

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
  /** Past this many live events held for one execution or conversation during its replay, likewise. */
  readonly maxHeldEvents: number
  /** A replay paused for a full buffer for longer than this drops the client as a slow consumer. */
  readonly drainTimeoutMs: number
}

/** The subscriptions that were live and are now held for a catch-up from history. */
export interface HeldSubscriptions {
  readonly executions: readonly string[]
  readonly conversations: readonly string[]
}

type TypeFilter = ReadonlySet<AgentEventType> | undefined

/**
 * The delivery state of one client connection, whatever its protocol: its subscriptions and type
 * filters, the last seq delivered per execution (so that nothing is delivered twice, and so that a
 * conversation resumes each of its executions), and the live events held while history is replayed.
 */
export class Subscriber {
  private readonly executions = new Map<string, TypeFilter>()
  private readonly conversations = new Map<string, TypeFilter>()
  private readonly cursors = new DeliveryCursors()
  private readonly held = new HeldEvents()
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

  /** The client's protocol, for the node's delivery counts. */
  get protocol(): EventSink['protocol'] {
    return this.sink.protocol
  }

  isSubscribed(target: SubscriptionTarget): boolean {
    return target.kind === 'execution'
      ? this.executions.has(target.executionId)
      : this.conversations.has(target.conversationId)
  }

  /** Whether the target's live events are held (a replay or a catch-up is under way). */
  isHolding(target: SubscriptionTarget): boolean {
    return this.held.isHolding(target)
  }

  /** The events a replay of the execution sends: those of the types its subscription asked for. */
  replayable(executionId: string, events: readonly StampedAgentEvent[]): readonly StampedAgentEvent[] {
    const types = this.executions.get(executionId)
    return types ? events.filter((event) => types.has(event.type)) : events
  }

  /** The events of one execution's history that a conversation subscription sends, as it would live. */
  replayableInConversation(
    conversationId: string,
    events: readonly StampedAgentEvent[],
  ): readonly StampedAgentEvent[] {
    const types = this.conversations.get(conversationId)
    return events.filter(
      (event) => event.conversationId === conversationId && (types === undefined || types.has(event.type)),
    )
  }

  /**
   * Holds the live events of every subscription that is live, for a catch-up from history (after the
   * node's pub/sub connection was lost); returns what it holds.
   */
  holdLive(): HeldSubscriptions {
    if (this.#closed) return { executions: [], conversations: [] }
    const executions = [...this.executions.keys()].filter(
      (executionId) => !this.held.isHolding({ kind: 'execution', executionId }),
    )
    const conversations = [...this.conversations.keys()].filter(
      (conversationId) => !this.held.isHolding({ kind: 'conversation', conversationId }),
    )
    for (const executionId of executions) this.held.hold({ kind: 'execution', executionId })
    for (const conversationId of conversations) this.held.hold({ kind: 'conversation', conversationId })
    return { executions, conversations }
  }

  /** The last seq delivered (or replayed past) in an execution. */
  cursorOf(executionId: string): number | undefined {
    return this.cursors.get(executionId)
  }

  /** The last seq delivered per execution of a conversation subscription: where it resumes. */
  conversationCursors(conversationId: string): Map<string, number> {
    return this.cursors.ofConversation(conversationId)
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
    this.held.hold({ kind: 'execution', executionId })
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
      sent += await this.sendReplayed(replayed)
      const held = this.held.release({ kind: 'execution', executionId })
      if (this.#closed) return
      this.cursors.raise(executionId, cursor)
      sent += held.filter((outgoing) => this.offer(outgoing)).length
    } finally {
      if (sent > 0) webMetrics().delivered.inc({ protocol: this.sink.protocol }, sent)
    }
  }

  /**
   * Subscribes to a conversation and holds the live events of all its executions until
   * {@link completeConversationReplay}: registered before its executions are looked up.
   */
  holdConversation(conversationId: string, types: TypeFilter): void {
    if (this.#closed) return
    this.conversations.set(conversationId, types)
    this.held.hold({ kind: 'conversation', conversationId })
    this.rooms.join(conversationRoom(conversationId), this)
  }

  /**
   * Sends the replayed events of a conversation's executions, moves each execution's cursor to what
   * the replay covered (`cursors`), then sends the held live events that follow their execution's
   * cursor, and goes live: per execution, no gap and no duplicate.
   */
  async completeConversationReplay(
    conversationId: string,
    replayed: readonly StampedAgentEvent[],
    cursors: ReadonlyMap<string, number>,
  ): Promise<void> {
    let sent = 0
    try {
      sent += await this.sendReplayed(replayed)
      const held = this.held.release({ kind: 'conversation', conversationId })
      if (this.#closed || !this.conversations.has(conversationId)) return
      for (const [executionId, seq] of cursors) {
        this.cursors.raise(executionId, seq)
        this.cursors.follow(executionId, conversationId)
      }
      sent += held.filter((outgoing) => this.offer(outgoing)).length
    } finally {
      if (sent > 0) webMetrics().delivered.inc({ protocol: this.sink.protocol }, sent)
    }
  }

  /** Ends a subscription; what it held goes to the connection's other subscriptions that want it. */
  unsubscribe(target: SubscriptionTarget): void {
    const held = this.held.release(target)
    if (target.kind === 'execution') {
      const { executionId } = target
      this.executions.delete(executionId)
      this.cursors.forgetExecution(executionId)
      this.rooms.leave(executionRoom(executionId), this)
    } else {
      const { conversationId } = target
      this.conversations.delete(conversationId)
      this.cursors.forgetConversation(conversationId, (executionId) => this.executions.has(executionId))
      this.rooms.leave(conversationRoom(conversationId), this)
    }
    const sent = held.filter((outgoing) => this.offer(outgoing)).length
    if (sent > 0) webMetrics().delivered.inc({ protocol: this.sink.protocol }, sent)
  }

  /**
   * A live event of one of this subscriber's rooms: filtered, deduplicated, held or sent. Returns
   * whether it was sent now.
   */
  offer(outgoing: OutgoingEvent): boolean {
    if (this.#closed) return false
    const { event } = outgoing
    if (!this.wants(event)) return false
    const { executionId, conversationId } = event
    const held = this.held.listFor(event)
    if (held) {
      if (held.length >= this.limits.maxHeldEvents) this.dropAsSlowConsumer()
      else held.push(outgoing)
      return false
    }
    if (!this.cursors.advance(executionId, event.seq)) return false
    if (conversationId !== undefined && this.conversations.has(conversationId)) {
      this.cursors.follow(executionId, conversationId)
    }
    this.deliver(outgoing)
    return true
  }

  /** Forgets every subscription; the connection is gone. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const executionId of [...this.executions.keys()]) {
      this.unsubscribe({ kind: 'execution', executionId })
    }
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

  /** Sends replayed events paced by the client's reading; returns how many were sent. */
  private async sendReplayed(events: readonly StampedAgentEvent[]): Promise<number> {
    const { sent, caughtUp } = await sendPaced(this.sink, events, {
      ...this.limits,
      cancelled: () => this.#closed,
    })
    if (!caughtUp) this.dropAsSlowConsumer()
    return sent
  }

  private dropAsSlowConsumer(): void {
    if (this.#closed) return
    webMetrics().clientErrors.inc({ code: 'slow_consumer' })
    this.close()
    this.sink.dropAsSlowConsumer()
  }
}
