import type { IncomingMessage } from 'node:http'

/**
 * The address a request comes from: the socket's peer, or behind a trusted proxy the first address of
 * `X-Forwarded-For`. IPv4 addresses seen through an IPv6 socket (`::ffff:1.2.3.4`) are given plainly.
 * @example clientAddress(request, false) // '127.0.0.1'
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
  const address = first || request.socket.remoteAddress || 'unknown'
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
}
