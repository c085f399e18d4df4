import type { AnalyticsGroupBy } from './api/analytics.js'
import type { ExecutionStatus } from './api/executions.js'

/**
 * The pages of the dashboard and their addresses. Routes live in the URL fragment (`#/runs/exec-1`):
 * the web node serves one static page at `/`, and a fragment never reaches a server or a log.
 */
export type Route =
  | {
      readonly page: 'runs'
      readonly conversationId?: string
      readonly projectId?: string
      readonly status?: ExecutionStatus
      readonly q?: string
    }
  | { readonly page: 'run'; readonly executionId: string; readonly mode: 'live' | 'replay' }
  | { readonly page: 'conversation'; readonly conversationId: string }
  | {
      readonly page: 'analytics'
      readonly projectId?: string
      readonly range?: string
      readonly groupBy: AnalyticsGroupBy
    }

/** A fragment split into its path and parameters: `#/runs?conversation=c` or `#token=t`. */
export function splitFragment(hash: string): { path: string; params: URLSearchParams } {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash
  if (!fragment.startsWith('/')) return { path: '/', params: new URLSearchParams(fragment) }
  const queryStart = fragment.indexOf('?')
  return queryStart === -1
    ? { path: fragment, params: new URLSearchParams() }
    : { path: fragment.slice(0, queryStart), params: new URLSearchParams(fragment.slice(queryStart + 1)) }
}

/**
 * The route of a fragment; anything unknown is the runs list.
 * @example routeOf('#/runs/exec-1/replay') // { page: 'run', executionId: 'exec-1', mode: 'replay' }
 */
export function routeOf(hash: string): Route {
  const { path, params } = splitFragment(hash)
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decode)
  const param = (name: string): string | undefined => params.get(name)?.trim() || undefined
  if (parts[0] === 'runs' && parts[1] !== undefined) {
    return { page: 'run', executionId: parts[1], mode: parts[2] === 'replay' ? 'replay' : 'live' }
  }
  if (parts[0] === 'conversations' && parts[1] !== undefined) {
    return { page: 'conversation', conversationId: parts[1] }
  }
  if (parts[0] === 'analytics') {
    return {
      page: 'analytics',
      projectId: param('project'),
      range: param('range'),
      groupBy: param('groupBy') === 'agent' ? 'agent' : 'department',
    }
  }
  const status = param('status')
  return {
    page: 'runs',
    conversationId: param('conversation'),
    projectId: param('project'),
    status: status === 'running' || status === 'completed' || status === 'failed' ? status : undefined,
    q: param('q'),
  }
}

/**
 * The fragment of a route, for links: `hrefOf({ page: 'run', executionId: 'e', mode: 'live' })` is `#/runs/e`.
 */
export function hrefOf(route: Route): string {
  const query = (entries: Record<string, string | undefined>): string => {
    const params = new URLSearchParams()
    for (const [name, value] of Object.entries(entries)) if (value) params.set(name, value)
    const text = params.toString()
    return text === '' ? '' : `?${text}`
  }
  switch (route.page) {
    case 'runs':
      return `#/runs${query({
        conversation: route.conversationId,
        project: route.projectId,
        status: route.status,
        q: route.q,
      })}`
    case 'run':
      return `#/runs/${encodeURIComponent(route.executionId)}${route.mode === 'replay' ? '/replay' : ''}`
    case 'conversation':
      return `#/conversations/${encodeURIComponent(route.conversationId)}`
    case 'analytics':
      return `#/analytics${query({ project: route.projectId, range: route.range, groupBy: route.groupBy })}`
  }
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
