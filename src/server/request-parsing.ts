import { z } from 'zod'
import { EVENT_TYPES } from '../events/schemas.js'
import { CONVERSATION_INDEX_LIMIT } from '../redis/conversation-index.js'
import {
  wireError,
  type Outcome,
  type RawRequest,
  type ReplayControl,
  type ReplayRequest,
  type SubscribeRequest,
  type SubscriptionTarget,
  type WireError,
} from './protocol.js'

/** Validation of every request of both wire protocols (the shapes are declared in `protocol.ts`). */

const MAX_ID_LENGTH = 200
/** Long enough for every zod issue of a request, short enough that a hostile key cannot bloat a reply. */
const MAX_ERROR_MESSAGE_LENGTH = 500
/** Executions a conversation `since` may name: as many as the conversation index keeps. */
const MAX_SINCE_EXECUTIONS = CONVERSATION_INDEX_LIMIT
const MIN_REPLAY_SPEED = 0.1
const MAX_REPLAY_SPEED = 1000

const applicationId = z.string().min(1).max(MAX_ID_LENGTH)
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .min(1)
  .max(EVENT_TYPES.length * 2)
  .transform((types) => [...new Set(types)])
const sinceByExecution = z
  .record(applicationId, seq)
  .refine((since) => Object.keys(since).length <= MAX_SINCE_EXECUTIONS, {
    message: `names at most ${MAX_SINCE_EXECUTIONS} executions`,
  })

/** Fields of a `subscribe` request, without the raw protocol's `type`. */
const subscribeFields = z
  .strictObject({
    executionId: applicationId.optional(),
    conversationId: applicationId.optional(),
    /** Execution: the last seq the client has seen. Conversation: the last seq seen per execution. */
    since: z.union([seq, sinceByExecution]).optional(),
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
    const expected = executionId !== undefined ? 'number' : 'object'
    if (since !== undefined && typeof since !== expected) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        path: ['since'],
        message:
          expected === 'number'
            ? 'since of an execution is the last seq seen'
            : 'since of a conversation maps executionId to the last seq seen',
      })
    }
  })

const target = z
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

const replaySpeed = z.union([z.number().min(MIN_REPLAY_SPEED).max(MAX_REPLAY_SPEED), z.literal('max')])

const replayFields = z.strictObject({
  executionId: applicationId,
  speed: replaySpeed.default(1),
  fromSeq: seq.default(0),
  types: eventTypes.optional(),
})

const replayId = z.string().min(1).max(MAX_ID_LENGTH)
const replayControlFields = z.discriminatedUnion('action', [
  z.strictObject({ replayId, action: z.enum(['pause', 'resume', 'stop']) }),
  z.strictObject({ replayId, action: z.literal('speed'), speed: replaySpeed }),
  z.strictObject({ replayId, action: z.literal('seek'), seq }),
])

/** Validates the payload of a `subscribe` (Socket.IO payload, or raw frame without `type`). */
export function parseSubscribe(payload: unknown): Outcome<SubscribeRequest> {
  const parsed = subscribeFields.safeParse(payload)
  if (!parsed.success) return invalid(parsed.error)
  const { executionId, conversationId, since, types } = parsed.data
  if (executionId !== undefined) {
    return { ok: true, value: { kind: 'execution', executionId, since: since as number | undefined, types } }
  }
  const seen = typeof since === 'object' ? new Map(Object.entries(since)) : undefined
  return {
    ok: true,
    value: { kind: 'conversation', conversationId: conversationId ?? '', since: seen, types },
  }
}

/** Validates the payload of an `unsubscribe`. */
export function parseUnsubscribe(payload: unknown): Outcome<SubscriptionTarget> {
  const parsed = target.safeParse(payload)
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

/** Validates the payload of a `replay`. */
export function parseReplay(payload: unknown): Outcome<ReplayRequest> {
  const parsed = replayFields.safeParse(payload)
  return parsed.success ? { ok: true, value: parsed.data } : invalid(parsed.error)
}

/** Validates the payload of a `replay-control`. */
export function parseReplayControl(payload: unknown): Outcome<ReplayControl> {
  const parsed = replayControlFields.safeParse(payload)
  return parsed.success ? { ok: true, value: parsed.data } : invalid(parsed.error)
}

const RAW_REQUEST_TYPES = ['subscribe', 'unsubscribe', 'replay', 'replay-control', 'ping'] as const

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
    case 'subscribe':
      return wrap(parseSubscribe(fields), (request) => ({ type, request }))
    case 'unsubscribe':
      return wrap(parseUnsubscribe(fields), (target) => ({ type, target }))
    case 'replay':
      return wrap(parseReplay(fields), (request) => ({ type, request }))
    case 'replay-control':
      return wrap(parseReplayControl(fields), (control) => ({ type, control }))
    case 'ping':
      return Object.keys(fields).length === 0
        ? { ok: true, value: { type } }
        : { ok: false, error: wireError('invalid_request', 'ping takes no fields') }
    default:
      return {
        ok: false,
        error: wireError('invalid_request', `type must be one of ${RAW_REQUEST_TYPES.join(', ')}`),
      }
  }
}

function wrap<T>(outcome: Outcome<T>, build: (value: T) => RawRequest): Outcome<RawRequest> {
  return outcome.ok ? { ok: true, value: build(outcome.value) } : outcome
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
