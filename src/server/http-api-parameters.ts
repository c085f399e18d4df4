import { z } from 'zod'

/**
 * Readers of the HTTP API's query parameters. Each throws {@link InvalidParameter} with a message
 * that names the parameter; the API answers it as `invalid_request`.
 */

/** A query parameter that is not valid; its message names it. */
export class InvalidParameter extends Error {}

/** The longest execution, conversation or project id, as in the event schemas. */
export const MAX_ID_LENGTH = 200

/** A position in a list of executions ordered by `startedAt`, then `executionId`. */
export interface ExecutionPosition {
  readonly startedAt: Date
  readonly executionId: string
}

const isoTime = z.iso.datetime({ offset: true })

/**
 * The one value of a parameter; given twice is ambiguous, so invalid.
 * @example singleParameter(new URLSearchParams('q=exec'), 'q') // 'exec'
 */
export function singleParameter(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name)
  if (values.length > 1) throw new InvalidParameter(`\`${name}\` must be given at most once`)
  return values[0]
}

/** @example integerParameter(query, 'limit', 1, 1000) ?? 100 */
export function integerParameter(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = singleParameter(query, name)
  if (text === undefined) return undefined
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new InvalidParameter(`\`${name}\` must be an integer from ${min} to ${max}`)
  return value
}

/** A finite decimal number. @example numberParameter(query, 'passScore') // 0.8 for passScore=0.8 */
export function numberParameter(query: URLSearchParams, name: string): number | undefined {
  const text = singleParameter(query, name)
  if (text === undefined) return undefined
  const value = /^-?\d{1,16}(\.\d{1,16})?$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isFinite(value)) throw new InvalidParameter(`\`${name}\` must be a decimal number`)
  return value
}

/** An id of 1 to 200 characters. @example idParameter(query, 'projectId') */
export function idParameter(query: URLSearchParams, name: string): string | undefined {
  const text = singleParameter(query, name)
  if (text !== undefined && (text.length === 0 || text.length > MAX_ID_LENGTH))
    throw new InvalidParameter(`\`${name}\` must be 1 to ${MAX_ID_LENGTH} characters`)
  return text
}

/** One of the given values. @example choiceParameter(query, 'groupBy', ['department', 'agent']) */
export function choiceParameter<T extends string>(
  query: URLSearchParams,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = singleParameter(query, name)
  if (text === undefined) return undefined
  if (!(choices as readonly string[]).includes(text))
    throw new InvalidParameter(`\`${name}\` must be one of ${choices.join(', ')}`)
  return text as T
}

/** An ISO 8601 date-time with a time zone. @example timeParameter(query, 'from') // Date */
export function timeParameter(query: URLSearchParams, name: string): Date | undefined {
  const text = singleParameter(query, name)
  if (text === undefined) return undefined
  if (!isoTime.safeParse(text).success)
    throw new InvalidParameter(`\`${name}\` must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z`)
  return new Date(text)
}

/**
 * The opaque cursor of a page of executions: its last execution's position.
 * @example encodeExecutionsCursor({ startedAt: summary.startedAt, executionId: summary.executionId })
 */
export function encodeExecutionsCursor(cursor: ExecutionPosition): string {
  return Buffer.from(JSON.stringify([cursor.startedAt.getTime(), cursor.executionId])).toString('base64url')
}

/**
 * The position a cursor names, or undefined when it is not one that {@link encodeExecutionsCursor} made.
 * @example decodeExecutionsCursor(encodeExecutionsCursor(cursor)) // equal to cursor
 */
export function decodeExecutionsCursor(text: string): ExecutionPosition | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined
  const [time, executionId] = value as unknown[]
  if (!Number.isSafeInteger(time) || typeof executionId !== 'string') return undefined
  if (executionId.length === 0 || executionId.length > MAX_ID_LENGTH) return undefined
  const startedAt = new Date(time as number)
  return Number.isNaN(startedAt.getTime()) ? undefined : { startedAt, executionId }
}

/** A cursor parameter. @example cursorParameter(query, 'before', 'nextBefore') */
export function cursorParameter(
  query: URLSearchParams,
  name: string,
  madeBy: string,
): ExecutionPosition | undefined {
  const text = singleParameter(query, name)
  if (text === undefined) return undefined
  const cursor = decodeExecutionsCursor(text)
  if (!cursor) throw new InvalidParameter(`\`${name}\` must be the \`${madeBy}\` of a previous page`)
  return cursor
}
