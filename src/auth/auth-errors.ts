/**
 * The error codes of authentication and authorization, with their default messages. They join
 * `ERROR_CODES` in `src/errors.ts`; until then they live here so that callers already match on them.
 */
export const AUTH_ERROR_CODES = {
  token_missing: 'No access token was presented',
  token_invalid: 'The access token is malformed, wrongly signed or not meant for this broker',
  token_expired: 'The access token has expired',
  forbidden: 'The access token does not grant access to this execution or conversation',
  auth_misconfigured: 'Authentication is misconfigured',
} as const

export type AuthErrorCode = keyof typeof AUTH_ERROR_CODES

/** An authentication or authorization failure as a value, safe to send to the client it concerns. */
export interface AuthError {
  readonly code: AuthErrorCode
  readonly message: string
}

/**
 * Builds an {@link AuthError}, with the code's default message unless a more precise one is given.
 * @example socket.emit('error', authError('forbidden'))
 */
export function authError(code: AuthErrorCode, message: string = AUTH_ERROR_CODES[code]): AuthError {
  return Object.freeze({ code, message })
}

/**
 * Thrown at startup when the authentication configuration cannot be used: the process must not
 * serve clients with an authentication it cannot enforce.
 */
export class AuthMisconfiguredError extends Error {
  readonly code = 'auth_misconfigured' as const

  constructor(message: string) {
    super(message)
    this.name = 'AuthMisconfiguredError'
  }

  toJSON(): AuthError {
    return { code: this.code, message: this.message }
  }
}
