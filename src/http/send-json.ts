import type { ServerResponse } from 'node:http'

/**
 * Answers with JSON, never cached: every JSON answer of a web node and of a worker's operations port.
 * @example sendJson(response, 404, { error: errorBody('not_found') })
 */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const json = JSON.stringify(body)
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
  })
  response.end(json)
}
