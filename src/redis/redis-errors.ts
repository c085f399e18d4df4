/** Socket error codes of a Redis server that cannot be reached. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
])

/**
 * Whether an error says that Redis is unavailable (down, restarting, loading its data, failing
 * over), rather than that it refused a command for its content.
 */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (error.name === 'MaxRetriesPerRequestError') return true
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true
  return /^(Connection is closed|Command timed out|Stream isn't writeable|LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN)/.test(
    error.message,
  )
}
