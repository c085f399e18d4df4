import { z } from 'zod'
import { errorBody, type ErrorBody, type ErrorCode } from '../errors.js'
import { EVENT_TYPES, type AgentEventType, type StampedAgentEvent } from '../events/schemas.js'

/**
 * Every message of both wire protocols of a web node, and every error code they carry. Socket.IO
 * and the raw WebSocket endpoint share the request shapes and the error codes; only the envelope
 * differs (Socket.IO events with acknowledgements, JSON frames with a `type`).
 */

/** The error object of both protocols, `{ code, message }`, with a code of `src/errors.ts`. */
export type WireError = ErrorBody

/** Builds a {@link WireError}, with the catalogue message of its code unless a more precise one is given. */
export function wireError(code: ErrorCode, message?: string): WireError {
  return errorBody(code, message)
}

const MAX_ID_LENGTH = 200
/** Long enough for every zod issue of a request, short enough that a hostile key cannot bloat a reply. */
const MAX_ERROR_MESSAGE_LENGTH = 500

const applicationId = z.string().min(1).max(MAX_ID_LENGTH)
const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .min(1)
  .max(EVENT_TYPES.length * 2)
  .transform((types) => [...new Set(types)])

/** Fields of a `subscribe` request, without the raw protocol's `type`. */
const subscribeFields = z
  .strictObject({
    executionId: applicationId.optional(),
    conversationId: applicationId.optional(),
    /** The last seq the client has seen: it receives every later event. Execution only. */
    since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /** The event types wanted; the server never sends any other. Absent: all types. */
    types: eventTypes.optional(),
  })
  .check((context) => {
    const { executionId, conversationId, since } = context.value
    if ((executionId === undefined) === (conversationId === undefined)) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: 'exactly one of executionId and conversationId is required',
      })
    }
    if (since !== undefined && executionId === undefined) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        path: ['since'],
        message: 'since applies to an execution subscription only',
      })
    }
  })

/** Fields of an `unsubscribe` request, without the raw protocol's `type`. */
const unsubscribeFields = z
  .strictObject({ executionId: applicationId.optional(), conversationId: applicationId.optional() })
  .check((context) => {
    if ((context.value.executionId === undefined) === (context.value.conversationId === undefined)) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: 'exactly one of executionId and conversationId is required',
      })
    }
  })

/** What a subscription is to: one execution's stream, or every execution of one conversation. */
export type SubscriptionTarget =
  | { readonly kind: 'execution'; readonly executionId: string }
  | { readonly kind: 'conversation'; readonly conversationId: string }

/** A validated `subscribe` request. */
export type SubscribeRequest = SubscriptionTarget & {
  readonly since?: number
  readonly types?: readonly AgentEventType[]
}

/** The range of seqs a replay could not deliver: in neither the recent buffer nor the store (yet). */
export interface MissingRange {
  readonly from: number
  readonly to: number
}

/**
 * Success of a `subscribe`. `replayed`: events sent before live ones. `lastSeq` (executions): the
 * execution's last seq when the replay was read; live events follow it. `missing`: seqs after `since`
 * that could not be replayed (the client may fetch them later from the HTTP history).
 */
export type Subscribed =
  | {
      readonly executionId: string
      readonly replayed: number
      readonly lastSeq: number
      readonly missing?: MissingRange
    }
  | { readonly conversationId: string; readonly replayed: 0 }

/** Success of an `unsubscribe` (also when there was no such subscription). */
export type Unsubscribed = { readonly executionId: string } | { readonly conversationId: string }

/** Either a success value or a wire error: what every request handler produces. */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError }

// ---- Socket.IO ----------------------------------------------------------------------------------

/** Socket.IO event names, client → server (`subscribe`, `unsubscribe`) and server → client. */
export const SOCKET_IO_EVENTS = {
  /** client → server, payload `{ executionId | conversationId, since?, types? }`, acked with a {@link SocketIoAck}. */
  subscribe: 'subscribe',
  /** client → server, payload `{ executionId | conversationId }`, acked with a {@link SocketIoAck}. */
  unsubscribe: 'unsubscribe',
  /** server → client: one StampedAgentEvent. */
  event: 'event',
  /** server → client: a {@link WireError} not tied to an ack (slow consumer, request without ack). */
  error: 'error',
} as const

/** The acknowledgement of a Socket.IO request. */
export type SocketIoAck<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: WireError }

// ---- Raw WebSocket ------------------------------------------------------------------------------

/** A raw WebSocket request frame, parsed: `subscribe`, `unsubscribe` or `ping`. */
export type RawRequest =
  | { readonly type: 'subscribe'; readonly request: SubscribeRequest }
  | { readonly type: 'unsubscribe'; readonly target: SubscriptionTarget }
  | { readonly type: 'ping' }

/** Raw WebSocket frames, server → client. Replies come in the order of the requests. */
export type RawServerMessage =
  /** One live or replayed event. */
  | { readonly type: 'event'; readonly event: StampedAgentEvent }
  /** Reply to `subscribe`, sent before the replayed events. */
  | ({ readonly type: 'subscribed' } & Subscribed)
  /** Reply to `unsubscribe`. */
  | ({ readonly type: 'unsubscribed' } & Unsubscribed)
  /** Reply to `ping`. */
  | { readonly type: 'pong' }
  /** Reply to a request that failed, or to a frame that is not a request. The connection stays open. */
  | { readonly type: 'error'; readonly error: WireError }

/**
 * Close codes of the raw WebSocket endpoint. Each closing is preceded by an `error` frame with the
 * code's name, except a transport-level cut-off (1009 for a frame over the hard limit, 1007 for
 * invalid UTF-8, from the WebSocket library).
 */
export const RAW_CLOSE_CODES = {
  /** The node is shutting down (or restarting): reconnect, to another node, and resume with `since`. */
  serviceRestart: 1012,
  /** The client did not read its events fast enough (`slow_consumer`): reconnect and resume with `since`. */
  slowConsumer: 4008,
  /** The client kept sending past its rate limit (`rate_limited`). */
  rateLimited: 4029,
  /** The upgrade's token was missing, invalid or expired (`token_*`). */
  unauthenticated: 4401,
} as const

// ---- Parsing ------------------------------------------------------------------------------------

/** Validates the payload of a `subscribe` (Socket.IO payload, or raw frame without `type`). */
export function parseSubscribe(payload: unknown): Outcome<SubscribeRequest> {
  const parsed = subscribeFields.safeParse(payload)
  if (!parsed.success) return invalid(parsed.error)
  const { executionId, conversationId, since, types } = parsed.data
  const target: SubscriptionTarget =
    executionId !== undefined
      ? { kind: 'execution', executionId }
      : { kind: 'conversation', conversationId: conversationId ?? '' }
  return { ok: true, value: { ...target, since, types } }
}

/** Validates the payload of an `unsubscribe`. */
export function parseUnsubscribe(payload: unknown): Outcome<SubscriptionTarget> {
  const parsed = unsubscribeFields.safeParse(payload)
  if (!parsed.success) return invalid(parsed.error)
  const { executionId, conversationId } = parsed.data
  return {
    ok: true,
    value:
      executionId !== undefined
        ? { kind: 'execution', executionId }
        : { kind: 'conversation', conversationId: conversationId ?? '' },
  }
}

/** Parses one text frame of the raw protocol. */
export function parseRawRequest(text: string): Outcome<RawRequest> {
  let message: unknown
  try {
    message = JSON.parse(text)
  } catch {
    return { ok: false, error: wireError('invalid_request', 'The frame is not valid JSON') }
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, error: wireError('invalid_request', 'A request must be a JSON object') }
  }
  const { type, ...fields } = message as Record<string, unknown>
  switch (type) {
    case 'subscribe': {
      const request = parseSubscribe(fields)
      return request.ok ? { ok: true, value: { type, request: request.value } } : request
    }
    case 'unsubscribe': {
      const target = parseUnsubscribe(fields)
      return target.ok ? { ok: true, value: { type, target: target.value } } : target
    }
    case 'ping':
      return Object.keys(fields).length === 0
        ? { ok: true, value: { type } }
        : { ok: false, error: wireError('invalid_request', 'ping takes no fields') }
    default:
      return {
        ok: false,
        error: wireError('invalid_request', 'type must be one of subscribe, unsubscribe, ping'),
      }
  }
}

function invalid(error: z.ZodError): { ok: false; error: WireError } {
  const summary = error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ')
  return { ok: false, error: wireError('invalid_request', truncate(`Invalid request: ${summary}`)) }
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_MESSAGE_LENGTH ? `${text.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…` : text
}
