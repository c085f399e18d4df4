import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { collectProcessMetrics } from '../src/metrics/registry.js'
import { createOperationsEndpoints } from '../src/operations/operations-endpoints.js'
import type { Readiness } from '../src/operations/readiness.js'

/** A worker's HTTP server for `/healthz`, `/readyz` and `/metrics`. */
export interface MetricsServer {
  readonly port: number
  close(): Promise<void>
}

/**
 * Serves the operations endpoints of a worker process on their own port (a worker has no other HTTP).
 * @example const server = await startMetricsServer(9464, readiness)
 */
export async function startMetricsServer(port: number, readiness: Readiness): Promise<MetricsServer> {
  collectProcessMetrics()
  const operations = createOperationsEndpoints(readiness)
  const server: Server = createServer((request, response) => {
    operations(request, response).then(
      (handled) => {
        if (!handled) response.writeHead(404).end()
      },
      () => response.writeHead(500).end(),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
