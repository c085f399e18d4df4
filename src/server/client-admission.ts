import type { IncomingMessage } from 'node:http'
import { wireError, type WireError } from './protocol.js'
import { clientAddress } from './client-address.js'
import { ConnectionLimiter } from './connection-limiter.js'
import { OriginPolicy } from './origin-policy.js'

export interface AdmissionPolicy {
  readonly allowedOrigins: readonly string[]
  /** 0 for no limit. */
  readonly maxConnectionsPerIp: number
  readonly trustProxy: boolean
}

/**
 * Who may open a connection, checked on the HTTP request that opens it (a Socket.IO handshake or a
 * raw WebSocket upgrade), before any work is done for it: the page's Origin, and the number of
 * connections its address already holds on this node (both protocols together).
 *
 * @example
 * const refusal = admission.refusalOf(request)
 * if (!refusal) socket.once('close', admission.admit(request))
 */
export class ClientAdmission {
  private readonly origins: OriginPolicy
  private readonly limiter: ConnectionLimiter

  constructor(private readonly policy: AdmissionPolicy) {
    this.origins = new OriginPolicy(policy.allowedOrigins)
    this.limiter = new ConnectionLimiter(policy.maxConnectionsPerIp)
  }

  /** Whether a browser page of this origin may use the node (CORS of the HTTP API and of Socket.IO). */
  allowsOrigin(origin: string | undefined): boolean {
    return this.origins.allows(origin)
  }

  /** Why the connection must be refused, if it must. */
  refusalOf(request: IncomingMessage): WireError | undefined {
    if (!this.origins.allows(request.headers.origin)) {
      return wireError('origin_not_allowed', `The Origin ${request.headers.origin} is not allowed`)
    }
    if (!this.limiter.hasRoom(clientAddress(request, this.policy.trustProxy))) {
      return wireError(
        'too_many_connections',
        `An address may hold at most ${this.policy.maxConnectionsPerIp} connections to a node`,
      )
    }
    return undefined
  }

  /** Counts the connection of the request's address until the returned function is called. */
  admit(request: IncomingMessage): () => void {
    return this.limiter.acquire(clientAddress(request, this.policy.trustProxy))
  }
}
