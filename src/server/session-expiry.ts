import type { AccessClaims } from '../auth/access-claims.js'

/** setTimeout's longest delay; a token valid for longer is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Ends a connection when its token expires: a socket must not outlive the token that opened it.
 * Returns the function that cancels the timer (when the connection ends first).
 * @example socket.once('disconnect', endAtExpiry(claims, () => drop('token_expired')))
 */
export function endAtExpiry(claims: AccessClaims, end: () => void, now: () => number = Date.now): () => void {
  const { expiresAt } = claims
  if (expiresAt === undefined) return () => undefined
  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    const remaining = expiresAt - now()
    if (remaining <= 0) return end()
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS))
    timer.unref()
  }
  arm()
  return () => clearTimeout(timer)
}
