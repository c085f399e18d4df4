import { errorBody, httpStatusOf, type ErrorBody, type ErrorCode } from '../errors.js'

/** What a route answers: a status and a JSON body. */
export interface ApiAnswer {
  readonly status: number
  readonly body: unknown
}

/** A store read failed: the request is answered `store_unavailable`, never `internal_error`. */
export class StoreReadError extends Error {
  constructor(cause: unknown) {
    super('the store could not be read', { cause })
    this.name = 'StoreReadError'
  }
}

/**
 * An error answer: the code's status from the catalogue, and `{ error: { code, message } }`.
 * @example failure('not_found')
 */
export function failure(
  code: ErrorCode,
  message?: string,
): ApiAnswer & { readonly body: { error: ErrorBody } } {
  return { status: httpStatusOf(code), body: { error: errorBody(code, message) } }
}

/** A 200 answer. @example ok<ExecutionAnswer>({ execution }) */
export function ok<T>(body: T): ApiAnswer {
  return { status: 200, body }
}

/** Runs a store read; its failure becomes a {@link StoreReadError}. @example await fromStore(() => store.getExecution(id)) */
export async function fromStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    throw new StoreReadError(error)
  }
}
