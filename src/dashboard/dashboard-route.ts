import type { IncomingMessage, ServerResponse } from 'node:http'
import { DASHBOARD_HTML } from './dashboard-page.js'
import { DASHBOARD_SCRIPT } from './dashboard-script.js'

/** Paths of the dashboard. */
export const DASHBOARD_PATHS = { page: '/', script: '/dashboard.js' } as const

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
}

/**
 * Serves the dashboard: a page that watches one execution or conversation live over the node's raw
 * WebSocket protocol (with a token when the node requires one). It holds no data of its own.
 * @example if (!(await dashboard(request, response))) next()
 */
export async function dashboardRoute(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const path = (request.url ?? '/').split('?')[0]
  const body =
    path === DASHBOARD_PATHS.page
      ? { type: 'text/html; charset=utf-8', text: DASHBOARD_HTML }
      : path === DASHBOARD_PATHS.script
        ? { type: 'text/javascript; charset=utf-8', text: DASHBOARD_SCRIPT }
        : undefined
  if (!body) return false
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': body.type,
    'Content-Length': Buffer.byteLength(body.text),
  })
  response.end(request.method === 'HEAD' ? undefined : body.text)
  return true
}
