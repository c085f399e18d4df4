import { connect, type Socket } from 'node:net'

/** The head of the answer to a raw request: its status (undefined when the node closed without one). */
export interface RawAnswer {
  readonly status: number | undefined
  readonly head: string
}

const DEFAULT_WAIT_MS = 10_000

/**
 * The request line and headers of an HTTP/1.1 request, each header as written (name case, order and
 * repetitions kept), ending with the blank line.
 */
export function httpHead(requestLine: string, headers: readonly (readonly [string, string])[]): string {
  return `${requestLine}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`
}

/** The headers of a WebSocket upgrade, the opening handshake every `ws` server checks. */
export const WEBSOCKET_UPGRADE_HEADERS: readonly (readonly [string, string])[] = [
  ['Host', '127.0.0.1'],
  ['Connection', 'Upgrade'],
  ['Upgrade', 'websocket'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Version', '13'],
]

/**
 * Writes `bytes` on a new loopback TCP connection to `port`, exactly as given, and resolves with the head
 * of the node's answer once it is complete (or once the node closes the connection without one).
 */
export function rawRequest(
  port: number,
  bytes: string | Buffer,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    const finish = (): void => {
      clearTimeout(timer)
      socket.destroy()
      const head = received.split('\r\n\r\n')[0] ?? ''
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]
      resolve({ status: status === undefined ? undefined : Number(status), head })
    }
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer within ${timeoutMs} ms to ${String(bytes).slice(0, 80)}`))
    }, timeoutMs)
    socket.on('connect', () => socket.write(bytes))
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
      if (received.includes('\r\n\r\n')) finish()
    })
    socket.on('close', finish)
    socket.on('error', () => undefined)
  })
}

/**
 * Writes `bytes` on a new loopback TCP connection and resets it at once (TCP RST), as a scanner that
 * aborts its handshake does; resolves once the connection is gone.
 */
export function writeThenReset(port: number, bytes: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes)
      socket.resetAndDestroy()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => resolve())
  })
}
