import type { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import type { ReceivedReplayMessage, Reply, TestClient } from './web-node-clients.js'
import { sampleEvent } from './web-node-stack.js'

/**
 * Emits one event per entry of `gapsMs` plus one, with explicit timestamps that many ms apart (an
 * hour in the past), in order; resolves once Redis has taken them all.
 * @example await emitTimed(emitter, 'exec-1', [400, 1200]) // 3 events at t, t+400, t+1600
 */
export async function emitTimed(
  emitter: AgentEventEmitter,
  executionId: string,
  gapsMs: readonly number[],
  conversationId?: string,
): Promise<void> {
  let at = Date.now() - 3_600_000
  const times = [at, ...gapsMs.map((gap) => (at += gap))]
  // Called in order within one tick: the emitter stamps them in this order.
  const results = await Promise.all(
    times.map((time, i) =>
      emitter.emitAgentEvent({ ...sampleEvent(executionId, i, conversationId), timestamp: new Date(time) }),
    ),
  )
  const refused = results.find((result) => result.status === 'rejected')
  if (refused) throw new Error(`an event was refused: ${JSON.stringify(refused)}`)
  if (!(await emitter.flush(15_000))) throw new Error('the emitter did not drain its outbox')
}

/** The replay id of a successful `replay` reply; throws with the reply otherwise. */
export function replayIdOf(reply: Reply): string {
  if (!reply.ok || typeof reply.replayId !== 'string')
    throw new Error(`replay refused: ${JSON.stringify(reply)}`)
  return reply.replayId
}

/** The messages of one replay, in arrival order. */
export function messagesOf(client: TestClient, replayId: string): ReceivedReplayMessage[] {
  return client.replayMessages.items.filter((message) => message.replayId === replayId)
}

/** The events of one replay, in arrival order (resets ignored). */
export function replayedEvents(client: TestClient, replayId: string): StampedAgentEvent[] {
  return messagesOf(client, replayId).flatMap((message) =>
    message.type === 'replay-event' ? [message.event] : [],
  )
}

/** What a client holds after applying a replay's messages in order: a reset clears, an event adds. */
export function heldEvents(client: TestClient, replayId: string): StampedAgentEvent[] {
  let held: StampedAgentEvent[] = []
  for (const message of messagesOf(client, replayId)) {
    if (message.type === 'replay-reset') held = []
    if (message.type === 'replay-event') held.push(message.event)
  }
  return held
}

/** Resolves with the replay's `replay-end` once it arrives. */
export async function endOf(
  client: TestClient,
  replayId: string,
  timeoutMs?: number,
): Promise<Extract<ReceivedReplayMessage, { type: 'replay-end' }>> {
  const isEnd = (message: ReceivedReplayMessage) =>
    message.replayId === replayId && message.type === 'replay-end'
  const messages = await client.replayMessages.waitUntil(
    (items) => items.some(isEnd),
    `replay-end of ${replayId}`,
    timeoutMs,
  )
  const end = messages.find(isEnd)
  if (end?.type !== 'replay-end') throw new Error('unreachable: the end was found')
  return end
}

/** Resolves once the replay has sent at least `count` events. */
export async function eventsOf(client: TestClient, replayId: string, count: number): Promise<void> {
  await client.replayMessages.waitUntil(
    () => replayedEvents(client, replayId).length >= count,
    `${count} events of ${replayId}`,
  )
}
