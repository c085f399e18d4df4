import { connect, createServer, type Server, type Socket } from 'node:net'

/** A loopback TCP proxy that holds back what the server sends: a page far from its node. */
export interface DelayingProxy {
  /** `http://127.0.0.1:<port>`: the address the page is opened at. */
  readonly url: string
  close(): Promise<void>
}

/**
 * Starts a proxy on a free 127.0.0.1 port that forwards each connection to `targetPort`, passing what
 * the client sends at once and what the server sends `delayMs` later, in order (timers of one
 * duration fire in the order they were set). Every answer then arrives after the user's next action
 * when that action follows within `delayMs`, whatever the machine's speed.
 * @example
 * const proxy = await startDelayingProxy(web.port, 300)
 * await browser.open(`${proxy.url}/#/runs/exec-1/replay`)
 */
export async function startDelayingProxy(targetPort: number, delayMs: number): Promise<DelayingProxy> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      socket.on('error', () => undefined)
    }
    client.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk)
      }, delayMs)
    })
    // The server's close comes after its last bytes.
    upstream.once('close', () => setTimeout(() => client.destroy(), delayMs))
    client.once('close', () => upstream.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
