import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import cors from 'cors'
import { errorBody, httpStatusOf } from '../errors.js'
import { getLogger } from '../logger.js'
import { webMetrics } from '../metrics/web-metrics.js'

/** Answers a request if it is its own; resolves true when it did. */
export type HttpRoute = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>

export interface HttpRoutesOptions {
  /** Tried in order; the first that answers wins. */
  readonly routes: readonly HttpRoute[]
  /** Answers what no route took. */
  readonly fallback: RequestListener
  /** Whether a browser page of this origin may read the answers (CORS). */
  readonly allowsOrigin: (origin: string | undefined) => boolean
}

const log = getLogger('http')

/**
 * The plain HTTP side of a web node: CORS for allowed origins (preflights included, so that a page can
 * send its `Authorization` header), then the routes, then the fallback. A route that throws answers 500.
 * @example createServer(httpRoutes({ routes: [operations, api], fallback: notFound, allowsOrigin }))
 */
export function httpRoutes(options: HttpRoutesOptions): RequestListener {
  const corsPolicy = cors({
    origin: (origin, callback) => callback(null, options.allowsOrigin(origin)),
    methods: ['GET', 'HEAD'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    maxAge: 600,
  })
  return (request, response) => {
    response.once('finish', () => countRequest(request, response))
    corsPolicy(request, response, () => {
      void route(options, request, response)
    })
  }
}

/** Counts answered requests by a route label of bounded cardinality (never the ids in the path). */
function countRequest(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0] ?? '/'
  const route = /^\/(api|ag-ui|healthz|readyz|metrics)(\/|$)/.exec(path)?.[1] ?? 'other'
  webMetrics().httpRequests.inc({ route, status: String(response.statusCode) })
  if (response.statusCode === 500) webMetrics().internalErrors.inc()
}

async function route(options: HttpRoutesOptions, request: IncomingMessage, response: ServerResponse) {
  try {
    for (const handle of options.routes) if (await handle(request, response)) return
    options.fallback(request, response)
  } catch (error) {
    log.error({ err: error, url: request.url }, 'http request failed')
    webMetrics().internalErrors.inc()
    if (response.headersSent) return void response.end()
    const body = errorBody('internal_error')
    response.writeHead(httpStatusOf(body.code), { 'Content-Type': 'application/json; charset=utf-8' })
    response.end(JSON.stringify({ error: body }))
  }
}
