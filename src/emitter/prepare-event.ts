import { monotonicFactory } from 'ulidx'
import { AgentEventsError } from '../errors.js'
import type { AgentEvent } from '../events/schemas.js'
import { buildAdapterMessage } from '../redis/adapter-message.js'
import type { StampableEvent } from '../redis/event-stamper.js'
import { conversationRoom, executionRoom } from '../redis/keys.js'

/** Unique across processes (80 random bits) and time-ordered within one (monotonic ULID). */
const nextEventId = monotonicFactory()

/** A valid event with its id, normalized to plain JSON, and everything Redis needs to stamp it. */
export interface PreparedEvent extends StampableEvent {
  readonly event: AgentEvent & { readonly id: string }
}

export type PrepareResult = { ok: true; prepared: PreparedEvent } | { ok: false; error: AgentEventsError }

/**
 * Gives a validated event its id (unless the caller chose one, which makes a retried emit
 * idempotent) and enforces the size limit on its serialized form. The event must come from
 * `validateAgentEvent`, which validates the JSON form of what it is given: it is plain JSON already
 * (no `undefined`, Dates as ISO strings), so serializing it cannot fail.
 */
export function prepareEvent(
  event: AgentEvent,
  limits: { readonly maxEventBytes: number; readonly keyPrefix: string },
): PrepareResult {
  const { maxEventBytes, keyPrefix } = limits
  const { id: chosenId, seq: _ignoredSeq, ...fields } = event
  const normalized = { id: chosenId ?? nextEventId(), ...fields } as AgentEvent & { id: string }
  const json = JSON.stringify(normalized)
  const bytes = Buffer.byteLength(json)
  if (bytes > maxEventBytes) {
    return {
      ok: false,
      error: new AgentEventsError(
        'event_too_large',
        `The event is ${bytes} bytes serialized; the limit is ${maxEventBytes} (MAX_EVENT_BYTES)`,
      ),
    }
  }
  const rooms = [executionRoom(normalized.executionId)]
  if (normalized.conversationId !== undefined) rooms.push(conversationRoom(normalized.conversationId))
  return {
    ok: true,
    prepared: {
      id: normalized.id,
      executionId: normalized.executionId,
      conversationId: normalized.conversationId,
      json,
      message: buildAdapterMessage(normalized, rooms, keyPrefix),
      event: normalized,
    },
  }
}
