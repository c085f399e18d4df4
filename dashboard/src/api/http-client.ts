/**
 * The dashboard's HTTP access to the web node that served it: JSON GETs with the token as
 * `Authorization: Bearer` (never in the URL), errors as {@link ApiError} with the catalogue's code.
 */

/** A failed request: the HTTP status and the `{ error: { code, message } }` of the answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface ApiClient {
  /** GET `path` with the query (undefined values left out); resolves with the JSON body of a 2xx answer. */
  get<T>(path: string, query?: Readonly<Record<string, string | number | undefined>>): Promise<T>
}

/**
 * An API client for the page's origin.
 * @example const api = createApiClient(() => token); const page = await api.get('/api/executions/x')
 */
export function createApiClient(token: () => string | undefined, origin = window.location.origin): ApiClient {
  return {
    async get<T>(path: string, query: Readonly<Record<string, string | number | undefined>> = {}) {
      const url = new URL(path, origin)
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== '') url.searchParams.set(name, String(value))
      }
      const bearer = token()
      const headers: Record<string, string> = { Accept: 'application/json' }
      if (bearer) headers.Authorization = `Bearer ${bearer}`
      let response: Response
      try {
        response = await fetch(url, { headers, cache: 'no-store' })
      } catch (error) {
        throw new ApiError(
          0,
          'network_error',
          error instanceof Error ? error.message : 'The node could not be reached',
        )
      }
      const body: unknown = await response.json().catch(() => undefined)
      if (response.ok) return body as T
      const failure = errorOf(body)
      throw new ApiError(response.status, failure.code, failure.message)
    },
  }
}

function errorOf(body: unknown): { code: string; message: string } {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const { error } = body
    if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
      const message = 'message' in error && typeof error.message === 'string' ? error.message : error.code
      return { code: error.code, message }
    }
  }
  return { code: 'internal_error', message: 'The node answered with an unexpected error' }
}
