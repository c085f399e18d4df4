import { errorBody, type ErrorBody } from '../errors.js'

/** The codes of authentication and authorization failures, from the one catalogue in `src/errors.ts`. */
export type AuthErrorCode =
  'token_missing' | 'token_invalid' | 'token_expired' | 'forbidden' | 'auth_misconfigured'

/** An authentication or authorization failure as a value, safe to send to the client it concerns. */
export type AuthError = ErrorBody<AuthErrorCode>

/**
 * Builds an {@link AuthError}, with the code's catalogue message unless a more precise one is given.
 * @example socket.emit('error', authError('forbidden'))
 */
export function authError(code: AuthErrorCode, message?: string): AuthError {
  return errorBody(code, message)
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
