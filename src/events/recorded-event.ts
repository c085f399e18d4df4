import { AgentEventsError } from '../errors.js'
import { eventIdSchema, isAgentEventType, type StampedAgentEvent } from './schemas.js'

/**
 * A stamped event with its exact JSON text, as the emit step recorded it for persistence. The text
 * is stored as it is, so the worker never serializes an event again.
 */
export interface RecordedEvent {
  readonly event: StampedAgentEvent
  readonly json: string
}

export type RecordedEventResult = { ok: true; record: RecordedEvent } | { ok: false; error: AgentEventsError }

/**
 * Reads one recorded event's JSON. The emitter validated the event in full before stamping it, so
 * this checks only what the store and the summaries rely on (ids, seq, type, timestamp): enough to
 * turn a corrupted or foreign record into a dead letter instead of a bad document.
 * @example const result = parseRecordedEvent('{"seq":1,"id":"01J…","type":"department-start",…}')
 */
export function parseRecordedEvent(json: string): RecordedEventResult {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return invalid('the record is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid('not an object')
  const event = value as Record<string, unknown>
  if (!eventIdSchema.safeParse(event.id).success) return invalid('id is missing or malformed')
  if (typeof event.seq !== 'number' || !Number.isSafeInteger(event.seq) || event.seq < 1)
    return invalid('seq is not a positive integer')
  if (typeof event.executionId !== 'string' || event.executionId === '')
    return invalid('executionId is missing')
  if (!isAgentEventType(event.type)) return invalid('type is not a known event type')
  if (typeof event.timestamp !== 'string' || Number.isNaN(Date.parse(event.timestamp)))
    return invalid('timestamp is not an ISO time')
  return { ok: true, record: { event: value as StampedAgentEvent, json } }
}

const invalid = (reason: string): RecordedEventResult => ({
  ok: false,
  error: new AgentEventsError('invalid_event', `The recorded event is unusable: ${reason}`),
})
