import type { IncomingMessage, ServerResponse } from 'node:http'
import { metricsRegistry } from '../metrics/registry.js'
import type { Readiness } from './readiness.js'
import { sendJson } from '../http/send-json.js'

/** The operations paths of a web node and of a worker's metrics server. */
export const OPERATIONS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const

/**
 * `/healthz` (the process answers), `/readyz` (its dependencies answer; 503 otherwise) and `/metrics`
 * (Prometheus text format). Unauthenticated, like every scrape target: they carry no event data.
 * Resolves true when the request was one of them.
 * @example if (!(await operations(request, response))) next()
 */
export function createOperationsEndpoints(
  readiness: Readiness | undefined,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  return async (request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (path === OPERATIONS_PATHS.health) {
      sendJson(response, 200, { status: 'ok' })
      return true
    }
    if (path === OPERATIONS_PATHS.ready && readiness) {
      const report = await readiness.report()
      sendJson(response, report.ready ? 200 : 503, {
        status: report.ready ? 'ready' : 'not_ready',
        checks: report.checks,
      })
      return true
    }
    if (path === OPERATIONS_PATHS.metrics) {
      const body = await metricsRegistry.metrics()
      response.writeHead(200, { 'Content-Type': metricsRegistry.contentType, 'Cache-Control': 'no-store' })
      response.end(body)
      return true
    }
    return false
  }
}
