/**
 * The one catalogue of error codes. Every failure that reaches a caller (emitter `error` event,
 * worker dead letters, wire protocols, HTTP API) carries one of these stable codes; callers and
 * tests match on the code, never on the message.
 */
export const ERROR_CODES = {
  invalid_event: 'The event does not match the schema of its type',
  unknown_event_type: 'The event type is not one of the known agent event types',
  event_too_large: 'The serialized event exceeds the configured maximum size',
  outbox_overflow: 'The in-memory outbox was full while Redis was unreachable; the oldest event was dropped',
  redis_unavailable: 'Redis could not be reached',
  store_unavailable: 'MongoDB could not be reached',
  store_rejected: 'MongoDB refused the document permanently',
  invalid_config: 'The configuration is invalid',
  invalid_request: 'The request is malformed',
  not_initialized: 'The component was used before initialize()',
  closed: 'The component was used after close()',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export interface ErrorDetail {
  readonly path: string
  readonly message: string
}

/** An error value with a stable code, safe to serialize onto any wire. */
export class AgentEventsError extends Error {
  readonly code: ErrorCode
  readonly details: readonly ErrorDetail[]

  constructor(code: ErrorCode, message: string = ERROR_CODES[code], details: readonly ErrorDetail[] = []) {
    super(message)
    this.name = 'AgentEventsError'
    this.code = code
    this.details = details
  }

  toJSON(): { code: ErrorCode; message: string; details?: readonly ErrorDetail[] } {
    return this.details.length > 0
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message }
  }
}

export function isAgentEventsError(value: unknown): value is AgentEventsError {
  return value instanceof AgentEventsError
}
