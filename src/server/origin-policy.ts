/**
 * Which browser origins may connect (Socket.IO CORS and WebSocket upgrades: a page of another site
 * must not open a socket with the user's cookies, the cross-site WebSocket hijacking attack).
 */
export class OriginPolicy {
  private readonly anyOrigin: boolean
  private readonly allowed: ReadonlySet<string>

  /** @param allowedOrigins origins like `https://app.example.com`, or `*` for any */
  constructor(allowedOrigins: readonly string[]) {
    this.anyOrigin = allowedOrigins.includes('*')
    this.allowed = new Set(allowedOrigins.filter((origin) => origin !== '*').map(normalizeOrigin))
  }

  /**
   * Whether a request with this `Origin` header may connect. A request without one does not come
   * from a browser page (curl, wscat, a server): no page can be hijacking it.
   * @example new OriginPolicy(['https://app.example.com']).allows('https://evil.example') // false
   */
  allows(origin: string | undefined): boolean {
    if (origin === undefined || this.anyOrigin) return true
    return this.allowed.has(normalizeOrigin(origin))
  }
}

/** Origins compare case-insensitively in scheme and host, without a trailing slash. */
function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase()
}
