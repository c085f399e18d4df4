import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A loopback TCP proxy whose target can change (what a load balancer does for a page's client), and
 * that can hold back what the target sends (a page far from its node).
 */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: the address the page is opened at. */
  readonly url: string
  readonly port: number
  /** New connections go to this port from now on; open ones stay where they are. */
  retarget(port: number): void
  /** Connections open through the proxy now. */
  readonly openConnections: () => number
  close(): Promise<void>
}

export interface TcpProxyOptions {
  /**
   * What the target sends reaches the client this much later, in order (timers of one duration fire
   * in the order they were set); what the client sends goes at once. Every answer then arrives after
   * the user's next action when that action follows within the delay, whatever the machine's speed.
   * @default 0
   */
  readonly downstreamDelayMs?: number
}

/**
 * Starts a proxy on a free 127.0.0.1 port that forwards each connection to the current target port
 * and closes the client's side when the target's side closes (a killed node), and the other way round.
 * A connection the target refuses is closed at once, so the client retries as it would against a
 * dead node.
 * @example
 * const proxy = await startTcpProxy(nodeA.port)
 * await nodeA.process.kill('SIGKILL'); proxy.retarget(nodeB.port)
 */
export async function startTcpProxy(targetPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const delayMs = options.downstreamDelayMs ?? 0
  let target = targetPort
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      socket.on('error', () => undefined)
    }
    client.pipe(upstream)
    client.once('close', () => upstream.destroy())
    if (delayMs === 0) {
      upstream.pipe(client)
      upstream.once('close', () => client.destroy())
      return
    }
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk)
      }, delayMs)
    })
    // The target's close comes after its last bytes.
    upstream.once('close', () => setTimeout(() => client.destroy(), delayMs))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    retarget: (next) => {
      target = next
    },
    openConnections: () => sockets.size / 2,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
