import { errorBody, type ErrorBody } from '../errors.js'
import { EVENT_TYPES, isAgentEventType, type AgentEventType } from '../events/schemas.js'
import type { ConversationExecutionsCursor } from '../store/event-store.js'
import {
  cursorParameter,
  integerParameter,
  InvalidParameter,
  MAX_ID_LENGTH,
  singleParameter,
} from './http-api-parameters.js'
import {
  parseAnalytics,
  parseExecutionsList,
  type AnalyticsRequest,
  type ExecutionsListRequest,
} from './http-api-run-requests.js'

/** The resources of the HTTP history API, by route. */
export type ApiRequest =
  /** `GET /api/executions/:id/events?after=&limit=&types=` */
  | {
      readonly route: 'execution-events'
      readonly executionId: string
      /** Only events with a greater seq (`after`, default 0). */
      readonly afterSeq: number
      /** At most this many events (`limit`, 1..1000, default 100). */
      readonly limit: number
      /** Only events of these types (`types`, comma-separated); every type when absent. */
      readonly types?: readonly AgentEventType[]
    }
  /** `GET /api/executions/:id` */
  | { readonly route: 'execution'; readonly executionId: string }
  /** `GET /api/conversations/:id/executions?after=&limit=` */
  | {
      readonly route: 'conversation-executions'
      readonly conversationId: string
      /** Only executions after this position (`after`, the `nextAfter` of the previous page). */
      readonly after?: ConversationExecutionsCursor
      /** At most this many executions (`limit`, 1..1000, default 100). */
      readonly limit: number
    }
  | ExecutionsListRequest
  | AnalyticsRequest

export type ApiRoute = ApiRequest['route']

/** A path of the API matched to its route, its id still percent-encoded ('' for routes without one). */
export interface RouteMatch {
  readonly route: ApiRoute
  readonly rawId: string
}

export type ParsedRequest =
  { readonly ok: true; readonly request: ApiRequest } | { readonly ok: false; readonly error: ErrorBody }

/** The methods every route answers; anything else is 405. */
export const ALLOWED_METHODS = ['GET', 'HEAD'] as const

export const DEFAULT_PAGE_LIMIT = 100
export const MAX_PAGE_LIMIT = 1000

const ROUTES: readonly { readonly pattern: RegExp; readonly route: ApiRoute }[] = [
  // The lists have no id in their path: an empty capture.
  { pattern: /^\/api\/executions()$/, route: 'executions' },
  { pattern: /^\/api\/analytics()$/, route: 'analytics' },
  { pattern: /^\/api\/executions\/([^/]*)\/events$/, route: 'execution-events' },
  { pattern: /^\/api\/executions\/([^/]*)$/, route: 'execution' },
  { pattern: /^\/api\/conversations\/([^/]*)\/executions$/, route: 'conversation-executions' },
]

/**
 * Whether a request path (without its query) belongs to the API: `/api` or anything under `/api/`.
 * @example isApiPath('/api/executions/exec-1') // true
 */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/')
}

/**
 * The route of an API path, or undefined when no route has this path (404).
 * @example matchRoute('/api/executions/exec%2F1/events') // { route: 'execution-events', rawId: 'exec%2F1' }
 */
export function matchRoute(path: string): RouteMatch | undefined {
  for (const { pattern, route } of ROUTES) {
    const rawId = pattern.exec(path)?.[1]
    if (rawId !== undefined) return { route, rawId }
  }
  return undefined
}

/**
 * Decodes a matched route's id and validates its query parameters; any invalid one is
 * `invalid_request` naming it. Parameters the route does not know (`token`) are ignored.
 * @example
 * const parsed = parseApiRequest(matchRoute(path), new URLSearchParams('after=100&limit=50'))
 * if (!parsed.ok) return sendError(response, parsed.error)
 */
export function parseApiRequest(
  match: RouteMatch,
  query: URLSearchParams,
  now: number = Date.now(),
): ParsedRequest {
  try {
    if (match.route === 'executions') return { ok: true, request: parseExecutionsList(query) }
    if (match.route === 'analytics') return { ok: true, request: parseAnalytics(query, now) }
    const id = decodeId(match)
    switch (match.route) {
      case 'execution':
        return { ok: true, request: { route: 'execution', executionId: id } }
      case 'execution-events': {
        const types = typesParameter(query)
        return {
          ok: true,
          request: {
            route: 'execution-events',
            executionId: id,
            afterSeq: integerParameter(query, 'after', 0, Number.MAX_SAFE_INTEGER) ?? 0,
            limit: integerParameter(query, 'limit', 1, MAX_PAGE_LIMIT) ?? DEFAULT_PAGE_LIMIT,
            ...(types === undefined ? {} : { types }),
          },
        }
      }
      case 'conversation-executions': {
        const after = cursorParameter(query, 'after', 'nextAfter')
        return {
          ok: true,
          request: {
            route: 'conversation-executions',
            conversationId: id,
            limit: integerParameter(query, 'limit', 1, MAX_PAGE_LIMIT) ?? DEFAULT_PAGE_LIMIT,
            ...(after === undefined ? {} : { after }),
          },
        }
      }
    }
  } catch (error) {
    if (error instanceof InvalidParameter)
      return { ok: false, error: errorBody('invalid_request', error.message) }
    throw error
  }
}

function decodeId(match: RouteMatch): string {
  const name = match.route === 'conversation-executions' ? 'conversation id' : 'execution id'
  let id: string
  try {
    id = decodeURIComponent(match.rawId)
  } catch {
    throw new InvalidParameter(`The ${name} in the path is not valid percent-encoding`)
  }
  if (id.length === 0 || id.length > MAX_ID_LENGTH)
    throw new InvalidParameter(`The ${name} in the path must be 1 to ${MAX_ID_LENGTH} characters`)
  return id
}

function typesParameter(query: URLSearchParams): AgentEventType[] | undefined {
  const text = singleParameter(query, 'types')
  if (text === undefined) return undefined
  const names = text.split(',').map((name) => name.trim())
  const unknown = names.filter((name) => !isAgentEventType(name))
  if (unknown.length > 0)
    throw new InvalidParameter(
      `\`types\` must be a comma-separated list of event types (${EVENT_TYPES.join(', ')}); ` +
        `${JSON.stringify(unknown[0]?.slice(0, 50))} is not one`,
    )
  return [...new Set(names as AgentEventType[])]
}
