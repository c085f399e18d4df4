import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createDashboardRoute, DASHBOARD_CSP } from '../../src/dashboard/dashboard-route.js'

/** A fake build of the app in a temp dir, removed when the test ends. */
function fakeBuild(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'dashboard-route-'))
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true })
    writeFileSync(join(directory, path), text)
  }
  return directory
}

/** The route alone on a server, 404 for what it does not take. */
async function serve(directory: string): Promise<string> {
  const route = createDashboardRoute({ directory })
  const server = createServer((request, response) => {
    void route(request, response).then((answered) => answered || response.writeHead(404).end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(url: string, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    request.path = path
    request.end()
  })
}

const BUILD = {
  'index.html': '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>',
  'assets/index-abc123.js': 'console.log(1)',
  'assets/index-abc123.css': 'body{}',
  'favicon.svg': '<svg/>',
  'notes.unknown': 'not a type the route serves',
}

describe('the dashboard route', () => {
  it('serves the page with no-store under a policy without inline script or style', async () => {
    const url = await serve(fakeBuild(BUILD))

    for (const path of ['/', '/index.html', '/?from=link']) {
      const page = await fetch(`${url}${path}`)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(page.headers.get('cache-control')).toBe('no-store')
      expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP)
      expect(page.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await page.text()).toBe(BUILD['index.html'])
    }
    expect(DASHBOARD_CSP).toMatch(/script-src 'self';/)
    expect(DASHBOARD_CSP).toMatch(/style-src 'self';/)
    expect(DASHBOARD_CSP).not.toMatch(/unsafe/)
  })

  it('serves hashed assets as immutable and the other files of the build with no-cache', async () => {
    const url = await serve(fakeBuild(BUILD))

    const script = await fetch(`${url}/assets/index-abc123.js`)
    const style = await fetch(`${url}/assets/index-abc123.css`)
    const icon = await fetch(`${url}/favicon.svg`)

    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(icon.headers.get('cache-control')).toBe('no-cache')
    expect(icon.headers.get('content-type')).toBe('image/svg+xml')
  })

  it('serves only files of the build: anything else, and any way out of the folder, goes to the next route', async () => {
    const directory = fakeBuild(BUILD)
    writeFileSync(join(directory, '..', 'secret.txt'), 'secret')
    onTestFinished(() => rmSync(join(directory, '..', 'secret.txt'), { force: true }))
    const url = await serve(directory)

    for (const path of [
      '/notes.unknown',
      '/assets/missing.js',
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/index.html/',
    ]) {
      expect(await rawGet(url, path), path).toEqual({ status: 404, body: '' })
    }
    expect((await rawGet(url, '/', 'POST')).status).toBe(404)
    expect(await rawGet(url, '/', 'HEAD')).toEqual({ status: 200, body: '' })
  })

  it('answers 503 with how to build it when there is no build, and picks up a build made later', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'dashboard-route-')), 'dashboard')
    onTestFinished(() => rmSync(join(directory, '..'), { recursive: true, force: true }))
    const url = await serve(directory)

    const missing = await fetch(`${url}/`)
    expect(missing.status).toBe(503)
    expect(missing.headers.get('cache-control')).toBe('no-store')
    expect(await missing.text()).toContain('npm run build')
    expect((await fetch(`${url}/assets/index-abc123.js`)).status).toBe(404)

    mkdirSync(join(directory, 'assets'), { recursive: true })
    writeFileSync(join(directory, 'index.html'), BUILD['index.html'])
    writeFileSync(join(directory, 'assets', 'index-abc123.js'), 'console.log(1)')
    expect((await fetch(`${url}/`)).status).toBe(200)
    expect((await fetch(`${url}/assets/index-abc123.js`)).status).toBe(200)
  })
})
