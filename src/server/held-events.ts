import type { StampedAgentEvent } from '../events/schemas.js'
import type { OutgoingEvent } from './outgoing-event.js'
import type { SubscriptionTarget } from './protocol.js'

/**
 * The live events one connection holds back while history is replayed: per execution (its
 * subscription's replay) and per conversation (the replay of its executions). A held event is sent,
 * or dropped as a duplicate, once its subscription's replay is complete.
 *
 * @example
 * held.hold({ kind: 'execution', executionId: 'exec-1' })
 * held.listFor(event)?.push(outgoing) // instead of sending it
 * for (const outgoing of held.release({ kind: 'execution', executionId: 'exec-1' })) offer(outgoing)
 */
export class HeldEvents {
  private readonly executions = new Map<string, OutgoingEvent[]>()
  private readonly conversations = new Map<string, OutgoingEvent[]>()

  /** Starts holding the target's live events (kept if it holds them already). */
  hold(target: SubscriptionTarget): void {
    const [map, id] = this.entryOf(target)
    if (!map.has(id)) map.set(id, [])
  }

  isHolding(target: SubscriptionTarget): boolean {
    const [map, id] = this.entryOf(target)
    return map.has(id)
  }

  /** Where a live event must wait, if its execution or its conversation is held. */
  listFor(event: StampedAgentEvent): OutgoingEvent[] | undefined {
    const { executionId, conversationId } = event
    return (
      this.executions.get(executionId) ??
      (conversationId === undefined ? undefined : this.conversations.get(conversationId))
    )
  }

  /** Stops holding the target and returns what it held, in arrival order. */
  release(target: SubscriptionTarget): OutgoingEvent[] {
    const [map, id] = this.entryOf(target)
    const held = map.get(id) ?? []
    map.delete(id)
    return held
  }

  private entryOf(target: SubscriptionTarget): [Map<string, OutgoingEvent[]>, string] {
    return target.kind === 'execution'
      ? [this.executions, target.executionId]
      : [this.conversations, target.conversationId]
  }
}
