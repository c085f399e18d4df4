import { readdirSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, relative, sep } from 'node:path'
import type { HttpRoute } from '../server/http-routes.js'

/**
 * The dashboard page's Content-Security-Policy: scripts, styles and connections of the node's own
 * origin only (no inline script, no inline style element or attribute), nothing embedded elsewhere.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const SECURITY_HEADERS = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
}

/** Files of the build's `assets/` folder carry a content hash in their name: they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>agent-events</title></head>
<body><h1>The dashboard is not built</h1><p>Run <code>npm run build</code> (or <code>npm run build:dashboard</code>) and reload.</p></body></html>`

interface StaticFile {
  readonly path: string
  readonly type: string
  readonly cacheControl: string
}

export interface DashboardRouteOptions {
  /** The built app (`npm run build` writes it to `dist/dashboard/`). */
  readonly directory: string
}

/**
 * Serves the built dashboard app at `/`: `index.html` (also for `/index.html`) with `no-store`, the
 * hashed files under `/assets/` as immutable, the other files of the build with `no-cache`; all under
 * {@link DASHBOARD_CSP}. Only files that exist in the build are served (the list is read again with
 * every request for the page, so a rebuild shows on reload); every other path is left to the next
 * route. Without a build, `/` answers 503 with how to build it.
 *
 * @example
 * const dashboard = createDashboardRoute({ directory: 'dist/dashboard' })
 * httpRoutes({ routes: [operations, api, dashboard], fallback: notFound, allowsOrigin })
 */
export function createDashboardRoute(options: DashboardRouteOptions): HttpRoute {
  let files = listBuild(options.directory)
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    if (path === '/' || path === '/index.html') files = listBuild(options.directory)
    const file = files.get(path === '/' ? '/index.html' : path)
    if (file) {
      send(request, response, 200, file, await readFile(file.path))
      return true
    }
    if (path !== '/') return false
    const page = { path: '', type: CONTENT_TYPES['.html'] ?? 'text/html', cacheControl: 'no-store' }
    send(request, response, 503, page, Buffer.from(NOT_BUILT))
    return true
  }
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  file: StaticFile,
  body: Buffer,
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': file.type,
    'Content-Length': body.length,
    'Cache-Control': file.cacheControl,
  })
  response.end(request.method === 'HEAD' ? undefined : body)
}

/** The files of the build by URL path; empty when there is no build. */
function listBuild(directory: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>()
  const visit = (folder: string): void => {
    let entries
    try {
      entries = readdirSync(folder, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) {
        visit(path)
        continue
      }
      const type = CONTENT_TYPES[extname(entry.name)]
      if (!entry.isFile() || type === undefined) continue
      const urlPath = `/${relative(directory, path).split(sep).join('/')}`
      const cacheControl =
        urlPath === '/index.html' ? 'no-store' : urlPath.startsWith('/assets/') ? IMMUTABLE : 'no-cache'
      files.set(urlPath, { path, type, cacheControl })
    }
  }
  if (isDirectory(directory)) visit(directory)
  return files
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
