import { errorBody, type ErrorBody, type ErrorCode } from '../errors.js'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'

/**
 * Every message of both wire protocols of a web node, and every error code they carry. Socket.IO
 * and the raw WebSocket endpoint share the request shapes and the error codes; only the envelope
 * differs (Socket.IO events with acknowledgements, JSON frames with a `type`). Requests are validated
 * in `request-parsing.ts`.
 */

/** The error object of both protocols, `{ code, message }`, with a code of `src/errors.ts`. */
export type WireError = ErrorBody

/** Builds a {@link WireError}, with the catalogue message of its code unless a more precise one is given. */
export function wireError(code: ErrorCode, message?: string): WireError {
  return errorBody(code, message)
}

// ---- Subscriptions ------------------------------------------------------------------------------

/** What a subscription is to: one execution's stream, or every execution of one conversation. */
export type SubscriptionTarget =
  | { readonly kind: 'execution'; readonly executionId: string }
  | { readonly kind: 'conversation'; readonly conversationId: string }

/**
 * A validated `subscribe` request. `since`: for an execution, the last seq the client has seen; for
 * a conversation, the last seq seen per execution (an execution absent from it: none seen).
 */
export type SubscribeRequest = (
  | { readonly kind: 'execution'; readonly executionId: string; readonly since?: number }
  | {
      readonly kind: 'conversation'
      readonly conversationId: string
      readonly since?: ReadonlyMap<string, number>
    }
) & { readonly types?: readonly AgentEventType[] }

/** The range of seqs a replay could not deliver: in neither the recent buffer nor the store (yet). */
export interface MissingRange {
  readonly from: number
  readonly to: number
}

/**
 * Success of a `subscribe`. `replayed`: events sent before live ones. `lastSeq` (executions): the
 * execution's last seq when the replay was read; live events follow it. `missing`: seqs after `since`
 * that could not be replayed (the client may fetch them later from the HTTP history). For a
 * conversation, `executions` gives every execution the node knows of with its last seq when read
 * (without `since`, live events of each follow it), and `missing` the ranges per execution.
 */
export type Subscribed =
  | {
      readonly executionId: string
      readonly replayed: number
      readonly lastSeq: number
      readonly missing?: MissingRange
    }
  | {
      readonly conversationId: string
      readonly replayed: number
      readonly executions: Readonly<Record<string, number>>
      readonly missing?: Readonly<Record<string, MissingRange>>
    }

/** Success of an `unsubscribe` (also when there was no such subscription). */
export type Unsubscribed = { readonly executionId: string } | { readonly conversationId: string }

// ---- Replays ------------------------------------------------------------------------------------

/** How fast a replay plays: a factor of the original timing (0.1 to 1000), or as fast as the client reads. */
export type ReplaySpeed = number | 'max'

/** A validated `replay` request: play an execution's stored events after `fromSeq`, paced by their timestamps. */
export interface ReplayRequest {
  readonly executionId: string
  readonly speed: ReplaySpeed
  readonly fromSeq: number
  readonly types?: readonly AgentEventType[]
}

/** A validated `replay-control` request. */
export type ReplayControl =
  | { readonly replayId: string; readonly action: 'pause' | 'resume' | 'stop' }
  | { readonly replayId: string; readonly action: 'speed'; readonly speed: ReplaySpeed }
  /** After it the client holds exactly the events `fromSeq + 1 .. seq` (a backward seek resets first). */
  | { readonly replayId: string; readonly action: 'seek'; readonly seq: number }

/** Success of a `replay`: replay messages of `replayId` follow. `lastSeq`: the execution's last seq now. */
export interface ReplayStarted {
  readonly replayId: string
  readonly executionId: string
  readonly lastSeq: number
}

export type ReplayState = 'playing' | 'paused' | 'ended'

/** Success of a `replay-control`. `position`: the seq the replay has played up to (its last event sent). */
export interface ReplayStatus {
  readonly replayId: string
  readonly state: ReplayState
  readonly position: number
}

/** Why a replay ended: every event up to the execution's then-last seq was sent, or it was stopped. */
export type ReplayEndReason = 'finished' | 'stopped'

/**
 * The server → client messages of a replay. Raw WebSocket frames are exactly these objects; Socket.IO
 * emits the `type` as the event name with the other fields as payload.
 */
export type ReplayMessage =
  /** One event of the replay, in seq order. */
  | { readonly type: 'replay-event'; readonly replayId: string; readonly event: StampedAgentEvent }
  /** Before a backward seek: the client clears what it built from this replay. */
  | { readonly type: 'replay-reset'; readonly replayId: string }
  /**
   * The replay is over (`finished`: a running execution goes on live after `lastSeq`). `error`: why a
   * replay was stopped by the node (`closed`, `history_unavailable`), absent when the client stopped it.
   */
  | {
      readonly type: 'replay-end'
      readonly replayId: string
      readonly lastSeq: number
      readonly reason: ReplayEndReason
      readonly error?: WireError
    }

/** Either a success value or a wire error: what every request handler produces. */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError }

// ---- Socket.IO ----------------------------------------------------------------------------------

/** Socket.IO event names, client → server (acknowledged requests) and server → client. */
export const SOCKET_IO_EVENTS = {
  /** client → server, payload `{ executionId | conversationId, since?, types? }`, acked with a {@link SocketIoAck}. */
  subscribe: 'subscribe',
  /** client → server, payload `{ executionId | conversationId }`, acked with a {@link SocketIoAck}. */
  unsubscribe: 'unsubscribe',
  /** client → server, payload `{ executionId, speed?, fromSeq?, types? }`, acked with {@link ReplayStarted}. */
  replay: 'replay',
  /** client → server, payload `{ replayId, action, speed? | seq? }`, acked with {@link ReplayStatus}. */
  replayControl: 'replay-control',
  /** server → client: one StampedAgentEvent. */
  event: 'event',
  /** server → client: `{ replayId, event }`. */
  replayEvent: 'replay-event',
  /** server → client: `{ replayId }`. */
  replayReset: 'replay-reset',
  /** server → client: `{ replayId, lastSeq, reason, error? }`. */
  replayEnd: 'replay-end',
  /** server → client: a {@link WireError} not tied to an ack (slow consumer, request without ack). */
  error: 'error',
} as const

/** The acknowledgement of a Socket.IO request. */
export type SocketIoAck<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: WireError }

// ---- Raw WebSocket ------------------------------------------------------------------------------

/** A raw WebSocket request frame, parsed. */
export type RawRequest =
  | { readonly type: 'subscribe'; readonly request: SubscribeRequest }
  | { readonly type: 'unsubscribe'; readonly target: SubscriptionTarget }
  | { readonly type: 'replay'; readonly request: ReplayRequest }
  | { readonly type: 'replay-control'; readonly control: ReplayControl }
  | { readonly type: 'ping' }

/** Raw WebSocket frames, server → client. Replies come in the order of the requests. */
export type RawServerMessage =
  /** One live or replayed event. */
  | { readonly type: 'event'; readonly event: StampedAgentEvent }
  /** Reply to `subscribe`, sent before the replayed events. */
  | ({ readonly type: 'subscribed' } & Subscribed)
  /** Reply to `unsubscribe`. */
  | ({ readonly type: 'unsubscribed' } & Unsubscribed)
  /** Reply to `replay`, sent before the replay's messages. */
  | ({ readonly type: 'replay-started' } & ReplayStarted)
  /** Reply to `replay-control`. */
  | ({ readonly type: 'replay-state' } & ReplayStatus)
  | ReplayMessage
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
