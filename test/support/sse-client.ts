import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { onTestFinished } from 'vitest'
import type { AgUiEvent } from '../../src/server/ag-ui/ag-ui-mapper.js'
import type { SseEvent } from './ag-ui-checks.js'
import { until } from './web-node-stack.js'

export interface SseRequestOptions {
  /** Sent as `Authorization: Bearer`, or as `?token=` with `tokenInQuery`. */
  readonly token?: string
  readonly tokenInQuery?: boolean
  /** Where to resume: the `Last-Event-ID` header, or the `lastEventId` query parameter with `resumeInQuery`. */
  readonly lastEventId?: number | string
  readonly resumeInQuery?: boolean
  readonly method?: string
  readonly origin?: string
}

/** A Server-Sent Events response as a test sees it. */
export interface SseStream {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  /** `id:` + `data:` events, in arrival order. */
  readonly events: SseEvent[]
  /** Comment lines (`: heartbeat`), without the colon. */
  readonly comments: string[]
  /** The whole body of an answer that is not a stream (an error), parsed as JSON. */
  json(): Promise<unknown>
  /** Resolves when the response ends: `end` cleanly, `aborted` when the connection was cut. */
  readonly ended: Promise<'end' | 'aborted'>
  waitForEvents(count: number, timeoutMs?: number): Promise<SseEvent[]>
  /** Stops reading from the socket, as a stalled client does; {@link resume} undoes it. */
  pause(): void
  resume(): void
  close(): void
}

/** Opens `GET <baseUrl><path>` and resolves once the response headers arrived; closed when the test ends. */
export function openSseStream(
  baseUrl: string,
  path: string,
  options: SseRequestOptions = {},
): Promise<SseStream> {
  const url = new URL(path, baseUrl)
  if (options.token && options.tokenInQuery) url.searchParams.set('token', options.token)
  if (options.lastEventId !== undefined && options.resumeInQuery)
    url.searchParams.set('lastEventId', String(options.lastEventId))
  const headers: Record<string, string> = { Accept: 'text/event-stream' }
  if (options.token && !options.tokenInQuery) headers.Authorization = `Bearer ${options.token}`
  if (options.lastEventId !== undefined && !options.resumeInQuery)
    headers['Last-Event-ID'] = String(options.lastEventId)
  if (options.origin) headers.Origin = options.origin
  return new Promise((resolve, reject) => {
    // A connection of its own: a pooled keep-alive socket could be one a stalled stream left unread.
    const request = httpRequest(
      url,
      { method: options.method ?? 'GET', headers, agent: false },
      (response) => {
        const stream = readStream(response)
        onTestFinished(() => stream.close())
        resolve(stream)
      },
    )
    request.once('error', reject)
    request.end()
  })
}

function readStream(response: IncomingMessage): SseStream {
  const events: SseEvent[] = []
  const comments: string[] = []
  let pending = ''
  let body = ''
  const streaming = (response.headers['content-type'] ?? '').startsWith('text/event-stream')
  response.setEncoding('utf8')
  response.on('data', (chunk: string) => {
    if (!streaming) return void (body += chunk)
    pending += chunk
    let boundary = pending.indexOf('\n\n')
    while (boundary !== -1) {
      parseBlock(pending.slice(0, boundary), events, comments)
      pending = pending.slice(boundary + 2)
      boundary = pending.indexOf('\n\n')
    }
  })
  const ended = new Promise<'end' | 'aborted'>((resolve) => {
    response.once('end', () => resolve('end'))
    response.once('aborted', () => resolve('aborted'))
    response.once('error', () => resolve('aborted'))
    response.once('close', () => resolve(response.complete ? 'end' : 'aborted'))
  })
  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    events,
    comments,
    ended,
    json: async () => {
      await ended
      return JSON.parse(body) as unknown
    },
    waitForEvents: (count, timeoutMs = 15_000) =>
      until(() => events.length >= count && events, `${count} SSE events (have ${events.length})`, timeoutMs),
    pause: () => response.pause(),
    resume: () => response.resume(),
    close: () => response.destroy(),
  }
}

function parseBlock(block: string, events: SseEvent[], comments: string[]): void {
  let id: number | undefined
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim())
    else if (line.startsWith('id:')) id = Number(line.slice(3).trim())
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
    else if (line !== '') throw new Error(`unexpected SSE line: ${line}`)
  }
  if (data.length === 0) return
  if (id === undefined) throw new Error(`an SSE event without an id: ${block}`)
  events.push({ id, data: JSON.parse(data.join('\n')) as AgUiEvent })
}
