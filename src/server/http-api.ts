import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TokenVerification } from '../auth/verify-token.js'
import { getLogger } from '../logger.js'
import type { EventStore } from '../store/event-store.js'
import { AnalyticsCache } from './analytics-cache.js'
import { failure, StoreReadError, type ApiAnswer } from './http-api-answers.js'
import { answerApiRequest } from './http-api-handlers.js'
import {
  ALLOWED_METHODS,
  isApiPath,
  matchRoute,
  parseApiRequest,
  type RouteMatch,
} from './http-api-requests.js'
import { sendJson } from '../http/send-json.js'

export type { ConversationExecutionsPage, ExecutionAnswer, ExecutionEventsPage } from './http-api-handlers.js'
export type { AnalyticsAnswer, ExecutionsListPage } from './http-api-run-answers.js'

export interface HttpApiOptions {
  /** The store; undefined when the node has no MONGODB_URI: every route then answers 503 store_unavailable. */
  readonly store: EventStore | undefined
  /** Verifies the request's bearer token (Authorization header or ?token=); never throws. */
  readonly authenticate: (request: IncomingMessage) => Promise<TokenVerification>
}

/** Answers requests under `/api/`; resolves true when it answered, false for any other path. */
export type HttpApi = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>

const log = getLogger('http-api')
const ALLOW = ALLOWED_METHODS.join(', ')

/**
 * The HTTP history API of a web node, read-only, JSON, with the same bearer tokens as the sockets:
 *
 * - `GET /api/executions/:id/events?after=&limit=&types=`: a page of the execution's stored events
 *   in seq order, `{ executionId, events, nextAfter }`.
 * - `GET /api/executions/:id`: the execution's summary, `{ execution }`.
 * - `GET /api/conversations/:id/executions?after=&limit=`: a page of the conversation's execution
 *   summaries, `{ conversationId, executions, nextAfter }`.
 * - `GET /api/executions?projectId=&conversationId=&status=&q=&limit=&before=`: the runs list, newest
 *   first, of what the token may watch, `{ executions, nextBefore }`.
 * - `GET /api/analytics?projectId=&from=&to=&groupBy=&passScore=`: statistics per agent or
 *   department, `{ projectId, from, to, groupBy, groups, scannedRuns }`.
 *
 * Checked in this order: route (404 `not_found`), method (405 `method_not_allowed` with `Allow`),
 * token (401 `token_*`), store (503 `store_unavailable`), path id and query (400 `invalid_request`),
 * access (403 `forbidden`), existence (404 `not_found`). Errors are `{ error: { code, message } }`
 * with the catalogue's status; every answer is `no-store`. The returned function never rejects.
 *
 * @example
 * const api = createHttpApi({ store, authenticate: (request) => verify(tokenFromUpgradeRequest(request)) })
 * createServer(async (request, response) => {
 *   if (!(await api(request, response))) response.writeHead(404).end()
 * })
 */
export function createHttpApi(options: HttpApiOptions): HttpApi {
  const analyticsCache = new AnalyticsCache()
  return async (request, response) => {
    const url = request.url ?? '/'
    const queryStart = url.indexOf('?')
    const path = queryStart === -1 ? url : url.slice(0, queryStart)
    if (!isApiPath(path)) return false
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))
    const match = matchRoute(path)
    try {
      send(response, await answer(options, analyticsCache, request, match, query))
    } catch (error) {
      sendUnexpected(response, error, match)
    }
    return true
  }
}

async function answer(
  options: HttpApiOptions,
  analyticsCache: AnalyticsCache,
  request: IncomingMessage,
  match: RouteMatch | undefined,
  query: URLSearchParams,
): Promise<ApiAnswer & { readonly headers?: Record<string, string> }> {
  if (!match) return failure('not_found', 'There is no such API path')
  if (!(ALLOWED_METHODS as readonly string[]).includes(request.method ?? ''))
    return { ...failure('method_not_allowed', `Only ${ALLOW} are allowed here`), headers: { Allow: ALLOW } }
  const verification = await options.authenticate(request)
  if (!verification.ok) {
    const { code, message } = verification.error
    const challenge = code === 'token_missing' ? 'Bearer' : 'Bearer error="invalid_token"'
    return { ...failure(code, message), headers: { 'WWW-Authenticate': challenge } }
  }
  if (!options.store) return failure('store_unavailable', 'This node has no store: history is not available')
  const parsed = parseApiRequest(match, query)
  if (!parsed.ok) return failure(parsed.error.code, parsed.error.message)
  return answerApiRequest(options.store, verification.claims, parsed.request, analyticsCache)
}

function send(
  response: ServerResponse,
  { status, body, headers }: ApiAnswer & { readonly headers?: Record<string, string> },
): void {
  sendJson(response, status, body, headers)
}

function sendUnexpected(response: ServerResponse, error: unknown, match: RouteMatch | undefined): void {
  // Ids and route only: the URL may carry a token, and event payloads stay out of logs above debug.
  const context = { route: match?.route, id: match?.rawId.slice(0, 200) }
  const storeFailed = error instanceof StoreReadError
  if (storeFailed) log.warn({ ...context, err: error.cause }, 'history API: the store could not be read')
  else log.error({ ...context, err: error }, 'history API: unexpected failure')
  if (response.headersSent) {
    response.destroy()
    return
  }
  try {
    send(response, failure(storeFailed ? 'store_unavailable' : 'internal_error'))
  } catch (sendError) {
    log.error({ err: sendError }, 'history API: the error answer could not be sent')
    response.destroy()
  }
}
