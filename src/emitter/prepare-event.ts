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
 * idempotent), normalizes it to JSON (dropping `undefined`, Dates as ISO strings) and enforces
 * the size limit on the serialized form.
 */
export function prepareEvent(
  event: AgentEvent,
  limits: { readonly maxEventBytes: number; readonly keyPrefix: string },
): PrepareResult {
  const { maxEventBytes, keyPrefix } = limits
  const { id: chosenId, seq: _ignoredSeq, ...fields } = event
  let json: string
  try {
    json = JSON.stringify({ id: chosenId ?? nextEventId(), ...fields })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      error: new AgentEventsError('invalid_event', `The event is not serializable: ${reason}`),
    }
  }
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
  const normalized = JSON.parse(json) as AgentEvent & { id: string }
  const rooms = [executionRoom(normalized.executionId)]
  if (normalized.conversationId !== undefined) rooms.push(conversationRoom(normalized.conversationId))
  return {
    ok: true,
    prepared: {
      id: normalized.id,
      executionId: normalized.executionId,
      json,
      message: buildAdapterMessage(normalized, rooms, keyPrefix),
      event: normalized,
    },
  }
}
