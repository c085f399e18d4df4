/**
 * The one catalogue of error codes. Every failure that reaches a caller (emitter `error` event,
 * worker dead letters, both wire protocols, the HTTP API) carries one of these stable codes; callers
 * and tests match on the code, never on the message. `httpStatus` is what the HTTP API answers with.
 */
export const ERROR_CODES = {
  // Producers (emitter) and persistence.
  invalid_event: { httpStatus: 422, message: 'The event does not match the schema of its type' },
  unknown_event_type: {
    httpStatus: 422,
    message: 'The event type is not one of the known agent event types',
  },
  event_too_large: {
    httpStatus: 413,
    message: 'The serialized event exceeds the configured maximum size',
  },
  outbox_overflow: {
    httpStatus: 503,
    message: 'The in-memory outbox was full while Redis was unreachable; the oldest event was dropped',
  },
  redis_unavailable: { httpStatus: 503, message: 'Redis could not be reached' },
  store_unavailable: { httpStatus: 503, message: 'MongoDB could not be reached' },
  store_rejected: { httpStatus: 422, message: 'MongoDB refused the document permanently' },
  invalid_config: { httpStatus: 500, message: 'The configuration is invalid' },
  shard_count_mismatch: {
    httpStatus: 500,
    message: "SHARD_COUNT differs from the shard count the deployment's data was laid out with",
  },
  not_initialized: { httpStatus: 500, message: 'The component was used before initialize()' },
  dependency_missing: {
    httpStatus: 500,
    message: 'An optional dependency this feature needs is not installed',
  },
  closed: { httpStatus: 503, message: 'The component is shutting down; reconnect to another node' },

  // Clients of a web node: both wire protocols and the HTTP API.
  invalid_request: { httpStatus: 400, message: 'The request is malformed' },
  message_too_large: { httpStatus: 413, message: 'The message exceeds the largest one a client may send' },
  too_many_subscriptions: {
    httpStatus: 429,
    message: 'The connection has reached its maximum number of subscriptions',
  },
  too_many_replays: {
    httpStatus: 429,
    message: 'The connection runs its maximum number of replays at once; stop one first',
  },
  rate_limited: {
    httpStatus: 429,
    message: 'Too many messages on this connection; slow down or be disconnected',
  },
  too_many_connections: { httpStatus: 429, message: 'Too many connections from this address' },
  slow_consumer: {
    httpStatus: 429,
    message: 'The client did not read its events fast enough and was disconnected; resume with since',
  },
  history_unavailable: {
    httpStatus: 503,
    message: 'The history of the execution could not be read; retry the request',
  },
  not_found: { httpStatus: 404, message: 'There is no such resource' },
  method_not_allowed: { httpStatus: 405, message: 'The resource does not support this method' },
  internal_error: { httpStatus: 500, message: 'The web node failed unexpectedly while handling the request' },

  // Authentication and authorization.
  origin_not_allowed: { httpStatus: 403, message: 'The Origin of the request is not allowed' },
  token_missing: { httpStatus: 401, message: 'No access token was presented' },
  token_invalid: {
    httpStatus: 401,
    message: 'The access token is malformed, wrongly signed or not meant for this broker',
  },
  token_expired: { httpStatus: 401, message: 'The access token has expired' },
  forbidden: {
    httpStatus: 403,
    message: 'The access token does not grant access to this execution or conversation',
  },
  auth_misconfigured: { httpStatus: 500, message: 'Authentication is misconfigured' },
} as const satisfies Record<string, { readonly httpStatus: number; readonly message: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** The error object of every wire: `{ code, message }`, safe to send to the client it concerns. */
export interface ErrorBody<C extends ErrorCode = ErrorCode> {
  readonly code: C
  readonly message: string
}

/**
 * An {@link ErrorBody}, with the code's catalogue message unless a more precise one is given.
 * @example socket.emit('error', errorBody('rate_limited'))
 */
export function errorBody<C extends ErrorCode>(
  code: C,
  message: string = ERROR_CODES[code].message,
): ErrorBody<C> {
  return Object.freeze({ code, message })
}

/** The HTTP status the HTTP API answers a code with. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].httpStatus
}

export interface ErrorDetail {
  readonly path: string
  readonly message: string
}

/** An error value with a stable code, safe to serialize onto any wire. */
export class AgentEventsError extends Error {
  readonly code: ErrorCode
  readonly details: readonly ErrorDetail[]

  constructor(
    code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    details: readonly ErrorDetail[] = [],
  ) {
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
