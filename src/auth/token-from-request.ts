/** The part of a raw WebSocket upgrade request (`http.IncomingMessage`) that may carry a token. */
export interface UpgradeRequestLike {
  readonly headers: { readonly authorization?: string | undefined }
  readonly url?: string | undefined
}

/** The part of a Socket.IO handshake (`socket.handshake`) that may carry a token. */
export interface HandshakeLike {
  readonly auth?: Readonly<Record<string, unknown>>
  readonly headers: { readonly authorization?: string | undefined }
}

/** RFC 6750 §2.1: the scheme is case-insensitive, the token is base64url-ish with optional padding. */
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i

/**
 * The bearer token of a raw WebSocket upgrade request: the `Authorization: Bearer` header, else the
 * `token` query parameter (browsers cannot set headers on a WebSocket).
 * @example wss.on('connection', async (socket, request) => verify(tokenFromUpgradeRequest(request)))
 */
export function tokenFromUpgradeRequest(request: UpgradeRequestLike): string | undefined {
  return bearerToken(request.headers.authorization) ?? queryToken(request.url)
}

/**
 * The bearer token of a Socket.IO handshake: `auth.token` (what `io(url, { auth: { token } })` sends),
 * else the `Authorization: Bearer` header.
 * @example io.use(async (socket, next) => { const result = await verify(tokenFromHandshake(socket.handshake)) })
 */
export function tokenFromHandshake(handshake: HandshakeLike): string | undefined {
  const token = handshake.auth?.token
  if (typeof token === 'string' && token !== '') return token
  return bearerToken(handshake.headers.authorization)
}

function bearerToken(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1]
}

function queryToken(url: string | undefined): string | undefined {
  const start = url?.indexOf('?') ?? -1
  if (url === undefined || start === -1) return undefined
  return new URLSearchParams(url.slice(start + 1)).get('token') || undefined
}
