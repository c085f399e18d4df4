import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorBody, httpStatusOf, type ErrorBody } from '../../errors.js'
import { sendJson } from '../../http/send-json.js'

/** `GET /ag-ui/executions/:id`, validated. */
export interface AgUiStreamRequest {
  readonly executionId: string
  /** The last SSE id the client received (0: none): the stream resumes right after it. */
  readonly resumeAfter: number
}

export type ParsedAgUiRequest =
  | { readonly ok: true; readonly request: AgUiStreamRequest }
  | { readonly ok: false; readonly error: ErrorBody }

/** Everything under this prefix belongs to the AG-UI endpoint (unknown paths there are 404). */
export const AG_UI_PATH_PREFIX = '/ag-ui'
/** The longest execution id, as in the event schemas. */
const MAX_ID_LENGTH = 200
const STREAM_ROUTE = /^\/ag-ui\/executions\/([^/]+)$/

/**
 * Whether a request path (without its query) belongs to the AG-UI endpoint.
 * @example isAgUiPath('/ag-ui/executions/exec-1') // true
 */
export function isAgUiPath(path: string): boolean {
  return path === AG_UI_PATH_PREFIX || path.startsWith(`${AG_UI_PATH_PREFIX}/`)
}

/**
 * The still percent-encoded execution id of a stream path, or undefined when the path is no route.
 * @example matchStreamRoute('/ag-ui/executions/exec%2F1') // 'exec%2F1'
 */
export function matchStreamRoute(path: string): string | undefined {
  return STREAM_ROUTE.exec(path)?.[1]
}

/**
 * Decodes the execution id and reads where to resume: the `Last-Event-ID` header (what EventSource
 * sends when it reconnects) and the `lastEventId` query parameter (for clients that cannot set
 * headers); with both, the larger wins (EventSource keeps the URL's first value when it reconnects).
 * @example parseAgUiRequest('exec-1', request, new URLSearchParams('lastEventId=65536'))
 */
export function parseAgUiRequest(
  rawId: string,
  request: IncomingMessage,
  query: URLSearchParams,
): ParsedAgUiRequest {
  let executionId: string
  try {
    executionId = decodeURIComponent(rawId)
  } catch {
    return invalid('The execution id in the path is not valid percent-encoding')
  }
  if (executionId.length === 0 || executionId.length > MAX_ID_LENGTH)
    return invalid(`The execution id in the path must be 1 to ${MAX_ID_LENGTH} characters`)
  const fromQuery = query.getAll('lastEventId')
  if (fromQuery.length > 1) return invalid('`lastEventId` must be given at most once')
  const header = request.headers['last-event-id']
  const candidates = [
    { name: 'the Last-Event-ID header', text: typeof header === 'string' ? header.trim() : undefined },
    { name: '`lastEventId`', text: fromQuery[0] },
  ]
  let resumeAfter = 0
  for (const { name, text } of candidates) {
    if (text === undefined || text === '') continue
    const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN
    if (!Number.isSafeInteger(value)) return invalid(`${name} must be an SSE id of this stream (an integer)`)
    resumeAfter = Math.max(resumeAfter, value)
  }
  return { ok: true, request: { executionId, resumeAfter } }
}

function invalid(message: string): ParsedAgUiRequest {
  return { ok: false, error: errorBody('invalid_request', message) }
}

/**
 * Answers with an error as the HTTP API does: the code's status, `{ error: { code, message } }`,
 * `no-store`; nothing when the response has begun already.
 * @example sendError(response, errorBody('forbidden'))
 */
export function sendError(
  response: ServerResponse,
  error: ErrorBody,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) return void response.end()
  sendJson(response, httpStatusOf(error.code), { error }, headers)
}
