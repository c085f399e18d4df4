import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'
import type { OtlpSpan, OtlpTraceRequest } from '../../src/integrations/otel/otlp-json.js'

/** One request the receiver took. */
export interface ReceivedExport {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: OtlpTraceRequest
  /** The status it was answered with. */
  readonly status: number
}

/** An in-process OTLP/HTTP receiver (JSON encoding) on a free loopback port, closed when the test ends. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string
  readonly exports: ReceivedExport[]
  /** The spans of every request answered 200, in arrival order. */
  spans(): OtlpSpan[]
  /** Answers the next `count` requests with `status` instead of 200. */
  failNext(count: number, status: number): void
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = []
  let failures: { count: number; status: number } = { count: 0, status: 503 }
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const status = failures.count > 0 ? failures.status : 200
      if (failures.count > 0) failures = { ...failures, count: failures.count - 1 }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraceRequest
      exports.push({ path: request.url ?? '', headers: request.headers, body, status })
      response.writeHead(status, { 'Content-Type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    spans: () =>
      exports
        .filter((received) => received.status === 200)
        .flatMap((received) => received.body.resourceSpans.flatMap((resource) => resource.scopeSpans))
        .flatMap((scope) => scope.spans),
    failNext(count, status) {
      failures = { count, status }
    },
  }
}
