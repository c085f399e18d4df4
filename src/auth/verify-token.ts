import type { KeyObject } from 'node:crypto'
import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { readAccessClaims, UNRESTRICTED_ACCESS, type AccessClaims } from './access-claims.js'
import { AuthMisconfiguredError, authError, type AuthError } from './auth-errors.js'
import { DEFAULT_CLOCK_TOLERANCE_SECONDS, type AuthOptions } from './auth-options.js'
import { assertStrongSecret, isAsymmetricAlgorithm, publicKeyFromPem } from './verification-keys.js'

export type TokenVerification = { ok: true; claims: AccessClaims } | { ok: false; error: AuthError }

/** Verifies a bearer token; never throws, every failure is a `token_*` error value. */
export type TokenVerifier = (token: string | undefined) => Promise<TokenVerification>

type VerifyingOptions = Exclude<AuthOptions, { mode: 'disabled' }>

/**
 * Creates the verifier of one configuration. The accepted algorithms are pinned by the configuration,
 * never taken from the token: a secret accepts HS256 only, a public key or JWKS only its asymmetric
 * algorithms, so `alg: none` and HS256 forged with a public key are both `token_invalid`. Throws
 * `auth_misconfigured` for options that could not be enforced.
 * @example
 * const verify = createTokenVerifier(parseAuthOptions(process.env))
 * const result = await verify(tokenFromHandshake(socket.handshake))
 * if (!result.ok) return next(Object.assign(new Error(result.error.message), { data: result.error }))
 */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  if (options.mode === 'disabled') return () => Promise.resolve({ ok: true, claims: UNRESTRICTED_ACCESS })
  const key = verificationKey(options)
  const verifyOptions = {
    algorithms: pinnedAlgorithms(options),
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
  }
  return async (token) => {
    if (token === undefined || token === '') return { ok: false, error: authError('token_missing') }
    try {
      const { payload } = await jwtVerify(token, key, verifyOptions)
      return readAccessClaims(payload)
    } catch (error) {
      return { ok: false, error: failureOf(error) }
    }
  }
}

function verificationKey(options: VerifyingOptions): Uint8Array | KeyObject | JWTVerifyGetKey {
  switch (options.mode) {
    case 'hs256':
      assertStrongSecret(options.secret, 'the HS256 secret')
      return new TextEncoder().encode(options.secret)
    case 'public-key':
      return publicKeyFromPem(options.publicKeyPem, 'the public key')
    case 'jwks':
      return createLocalJWKSet(options.jwks)
  }
}

function pinnedAlgorithms(options: VerifyingOptions): string[] {
  if (options.mode === 'hs256') return ['HS256']
  // Re-checked here because options may be built by hand, bypassing parseAuthOptions' checks.
  if (options.algorithms.length === 0 || !options.algorithms.every(isAsymmetricAlgorithm)) {
    throw new AuthMisconfiguredError(
      `A ${options.mode} verifier needs a non-empty list of RS256, PS256, ES256, EdDSA; ` +
        `got ${JSON.stringify(options.algorithms)}`,
    )
  }
  return [...options.algorithms]
}

function failureOf(error: unknown): AuthError {
  if (error instanceof errors.JWTExpired) return authError('token_expired')
  const reason = error instanceof errors.JOSEError ? error.message : 'the token cannot be verified'
  return authError('token_invalid', `The access token is invalid: ${reason}`)
}
