import type { StampedAgentEvent } from '../events/schemas.js'
import { getLogger } from '../logger.js'
import type { ConversationExecutions } from './conversation-executions.js'
import type { HistoryReader } from './history-reader.js'
import {
  wireError,
  type MissingRange,
  type Outcome,
  type SubscribeRequest,
  type Subscribed,
} from './protocol.js'
import { countReplay } from './replay-metrics.js'
import type { Subscriber } from './subscriber.js'

type ConversationSubscribe = Extract<SubscribeRequest, { kind: 'conversation' }>

/** What a conversation subscription replays, and where each execution's live events then start. */
interface ConversationReplay {
  readonly events: readonly StampedAgentEvent[]
  /** Each execution's last seq when its history was read. */
  readonly lastSeqs: ReadonlyMap<string, number>
  /** The seq each execution's live events must follow. */
  readonly cursors: ReadonlyMap<string, number>
  readonly missing: ReadonlyMap<string, MissingRange>
}

const log = getLogger('conversation-resume')

/**
 * Conversation subscriptions, resumed per execution: the subscriber joins the conversation's room
 * and holds its live events first, then the conversation's executions are looked up (the emitter's
 * index and the stored summaries, plus any the client names in `since`), each execution's history
 * after `since[executionId]` is replayed (after 0 for one the client never saw), and the held live
 * events that follow each execution's replay are released. Without `since`, nothing is replayed: the
 * reply names each execution's last seq, where its live events start.
 *
 * @example await resume.subscribe(subscriber, { kind: 'conversation', conversationId: 'conv-1', since }, respond)
 */
export class ConversationResume {
  constructor(
    private readonly history: HistoryReader,
    private readonly executions: ConversationExecutions,
  ) {}

  async subscribe(
    subscriber: Subscriber,
    request: ConversationSubscribe,
    respond: (outcome: Outcome<Subscribed>) => void,
  ): Promise<void> {
    const { conversationId, since } = request
    subscriber.holdConversation(conversationId, request.types ? new Set(request.types) : undefined)
    let replay: ConversationReplay
    try {
      replay = await this.read(subscriber, conversationId, since)
    } catch (error) {
      log.warn({ err: error, conversationId }, 'conversation history read failed')
      subscriber.unsubscribe(request)
      return respond({ ok: false, error: wireError('history_unavailable') })
    }
    if (subscriber.closed) return
    if (since) countReplay(replay.events.length, replay.missing.size > 0)
    const executions = Object.fromEntries(replay.lastSeqs)
    respond({
      ok: true,
      value:
        replay.missing.size > 0
          ? {
              conversationId,
              replayed: replay.events.length,
              executions,
              missing: Object.fromEntries(replay.missing),
            }
          : { conversationId, replayed: replay.events.length, executions },
    })
    await subscriber.completeConversationReplay(conversationId, replay.events, replay.cursors)
  }

  /**
   * Replays each execution of a held conversation subscription after its cursor, then releases it:
   * the catch-up after the node's pub/sub connection came back.
   */
  async catchUp(subscriber: Subscriber, conversationId: string): Promise<void> {
    // A subscribe or unsubscribe processed since the hold has released it already.
    if (!subscriber.isHolding({ kind: 'conversation', conversationId })) return
    const since = subscriber.conversationCursors(conversationId)
    let replay: ConversationReplay = { events: [], lastSeqs: since, cursors: since, missing: new Map() }
    try {
      replay = await this.read(subscriber, conversationId, since)
    } catch (error) {
      log.warn({ err: error, conversationId }, 'conversation catch-up read failed')
    }
    if (replay.missing.size > 0) {
      log.warn(
        { conversationId, missing: Object.fromEntries(replay.missing) },
        'events lost in a Redis reconnect',
      )
    }
    countReplay(replay.events.length, replay.missing.size > 0)
    await subscriber.completeConversationReplay(conversationId, replay.events, replay.cursors)
  }

  private async read(
    subscriber: Subscriber,
    conversationId: string,
    since: ReadonlyMap<string, number> | undefined,
  ): Promise<ConversationReplay> {
    const known = await this.executions.list(conversationId)
    for (const executionId of since?.keys() ?? []) if (!known.has(executionId)) known.set(executionId, 0)
    if (since === undefined) {
      const lastSeqs = new Map(
        await Promise.all(
          [...known].map(
            async ([executionId, knownLastSeq]) =>
              [executionId, await this.history.lastSeq(executionId, { knownLastSeq })] as const,
          ),
        ),
      )
      return { events: [], lastSeqs, cursors: lastSeqs, missing: new Map() }
    }
    const events: StampedAgentEvent[] = []
    const lastSeqs = new Map<string, number>()
    const cursors = new Map<string, number>()
    const missing = new Map<string, MissingRange>()
    // One execution at a time: the store answers one bounded read after another.
    for (const [executionId, knownLastSeq] of known) {
      const afterSeq = since.get(executionId) ?? 0
      const history = await this.history.read(executionId, afterSeq, { knownLastSeq })
      events.push(...subscriber.replayableInConversation(conversationId, history.events))
      lastSeqs.set(executionId, history.lastSeq)
      cursors.set(executionId, Math.max(afterSeq, history.lastSeq))
      if (history.missing) missing.set(executionId, history.missing)
    }
    return { events, lastSeqs, cursors, missing }
  }
}
