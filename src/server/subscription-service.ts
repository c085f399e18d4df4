import { getLogger } from '../logger.js'
import type { ConversationResume } from './conversation-resume.js'
import type { History, HistoryReader } from './history-reader.js'
import {
  wireError,
  type Outcome,
  type SubscribeRequest,
  type Subscribed,
  type SubscriptionTarget,
  type Unsubscribed,
  type WireError,
} from './protocol.js'
import { countReplay } from './replay-metrics.js'
import type { SubscriptionAccess } from './subscription-access.js'
import type { HeldSubscriptions, Subscriber } from './subscriber.js'

export interface SubscriptionServiceOptions {
  /** Subscriptions (executions and conversations) one connection may hold at once. */
  readonly maxSubscriptionsPerConnection: number
}

const log = getLogger('subscription-service')

/**
 * The semantics of `subscribe` and `unsubscribe`, shared by both wire protocols. A subscription to an
 * execution replays its history after `since` and then goes live with no gap and no duplicate: the
 * subscriber is registered (holding live events) before the history is read, the reply and the
 * replayed events are sent, and only then the held live events that follow the replay. A
 * conversation subscription does the same per execution (ConversationResume).
 */
export class SubscriptionService {
  private closing = false

  constructor(
    private readonly history: HistoryReader,
    private readonly conversations: ConversationResume,
    private readonly access: SubscriptionAccess,
    private readonly options: SubscriptionServiceOptions,
  ) {}

  /**
   * Subscribes; `respond` receives the outcome just before the replayed events are sent, in the same
   * tick, so that a client sees the reply, then the replay, then live events.
   */
  async subscribe(
    subscriber: Subscriber,
    request: SubscribeRequest,
    respond: (outcome: Outcome<Subscribed>) => void,
  ): Promise<void> {
    const refusal = await this.refusalOf(subscriber, request)
    if (refusal) return respond({ ok: false, error: refusal })
    if (request.kind === 'conversation') return this.conversations.subscribe(subscriber, request, respond)

    const types = request.types ? new Set(request.types) : undefined
    const { executionId } = request
    const afterSeq = request.since ?? subscriber.cursorOf(executionId) ?? 0
    subscriber.holdExecution(executionId, types)
    let history
    try {
      history = await this.history.read(executionId, afterSeq)
    } catch (error) {
      log.warn({ err: error, executionId }, 'history read failed')
      subscriber.unsubscribe(request)
      return respond({ ok: false, error: wireError('history_unavailable') })
    }
    if (subscriber.closed) return
    const replayed = subscriber.replayable(executionId, history.events)
    const { lastSeq, missing } = history
    countReplay(replayed.length, missing !== undefined)
    respond({
      ok: true,
      value: missing
        ? { executionId, replayed: replayed.length, lastSeq, missing }
        : { executionId, replayed: replayed.length, lastSeq },
    })
    await subscriber.completeReplay(executionId, replayed, Math.max(afterSeq, lastSeq))
  }

  /**
   * Sends each held subscription the events after its cursor (per execution), then releases it: the
   * catch-up after the node's pub/sub connection came back, for events published while it was away.
   */
  async catchUp(subscriber: Subscriber, held: HeldSubscriptions): Promise<void> {
    for (const conversationId of held.conversations)
      await this.conversations.catchUp(subscriber, conversationId)
    for (const executionId of held.executions) {
      // A subscribe or unsubscribe processed since the hold has released it already.
      if (!subscriber.isHolding({ kind: 'execution', executionId })) continue
      const afterSeq = subscriber.cursorOf(executionId) ?? 0
      let history: History = { events: [], lastSeq: afterSeq }
      try {
        history = await this.history.read(executionId, afterSeq)
      } catch (error) {
        log.warn({ err: error, executionId }, 'catch-up history read failed')
      }
      if (history.missing)
        log.warn({ executionId, missing: history.missing }, 'events lost in a Redis reconnect')
      const replayed = subscriber.replayable(executionId, history.events)
      countReplay(replayed.length, history.missing !== undefined)
      await subscriber.completeReplay(executionId, replayed, Math.max(afterSeq, history.lastSeq))
    }
  }

  /** Why the subscription must be refused, if it must: shutdown, the per-connection limit, the claims. */
  private async refusalOf(subscriber: Subscriber, request: SubscribeRequest): Promise<WireError | undefined> {
    if (this.closing) return wireError('closed')
    const limit = this.options.maxSubscriptionsPerConnection
    if (!subscriber.isSubscribed(request) && subscriber.subscriptionCount >= limit) {
      return wireError('too_many_subscriptions', `A connection may hold at most ${limit} subscriptions`)
    }
    let allowed: boolean
    try {
      allowed = await this.access.allows(subscriber.claims, request)
    } catch (error) {
      log.warn({ err: error }, 'access lookup failed')
      return wireError('history_unavailable')
    }
    if (allowed) return undefined
    const what =
      request.kind === 'execution'
        ? `execution ${request.executionId}`
        : `conversation ${request.conversationId}`
    return wireError('forbidden', `The access token does not grant access to ${what}`)
  }

  /** Ends a subscription; succeeds also when there was none. */
  unsubscribe(subscriber: Subscriber, target: SubscriptionTarget): Outcome<Unsubscribed> {
    subscriber.unsubscribe(target)
    return {
      ok: true,
      value:
        target.kind === 'execution'
          ? { executionId: target.executionId }
          : { conversationId: target.conversationId },
    }
  }

  /** New subscriptions are refused with `closed` from now on. */
  close(): void {
    this.closing = true
  }
}
