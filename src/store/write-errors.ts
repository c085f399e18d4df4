/** MongoDB's duplicate key error: the document (or its unique key) is stored already. */
export const DUPLICATE_KEY = 11000

interface RawWriteError {
  readonly index?: number
  readonly code?: number
  readonly errmsg?: string
  readonly err?: { index?: number; code?: number; errmsg?: string }
}

/** One document's refusal in an unordered bulk write. */
export interface WriteError {
  readonly index: number
  readonly code: number
  readonly errmsg?: string
}

/**
 * The per-document errors of an unordered insert, when the error accounts for every document:
 * each one either inserted or refused. Anything else (a network error surfaces as a bulk error with
 * no write errors) is transient and the whole batch must be retried.
 */
export function documentErrorsOf(error: unknown, documentCount: number): WriteError[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { writeErrors, result } = error as { writeErrors?: unknown; result?: { insertedCount?: unknown } }
  const list = (
    Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []
  ) as RawWriteError[]
  const insertedCount = typeof result?.insertedCount === 'number' ? result.insertedCount : undefined
  if (list.length === 0 || insertedCount === undefined || insertedCount + list.length !== documentCount)
    return undefined
  return list.map((entry) => ({
    index: entry.index ?? entry.err?.index ?? -1,
    code: entry.code ?? entry.err?.code ?? -1,
    errmsg: entry.errmsg ?? entry.err?.errmsg,
  }))
}
