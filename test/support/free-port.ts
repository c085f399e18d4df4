import { createServer } from 'node:net'

/**
 * Asks the OS for a TCP port that is free on 127.0.0.1 right now.
 *
 * Another process may take it before the caller binds it; callers that start servers retry on
 * "address already in use".
 *
 * @example
 * const port = await freePort()
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      if (address === null || typeof address === 'string') {
        server.close()
        reject(new Error(`unexpected listen address: ${String(address)}`))
        return
      }
      server.close(() => resolve(address.port))
    })
  })
}
