import { createPublicKey, type KeyObject } from 'node:crypto'
import type { JSONWebKeySet } from 'jose'
import { z } from 'zod'
import { AuthMisconfiguredError } from './auth-errors.js'

/** The asymmetric JWS algorithms a verifier may accept; HMAC and `none` are never among them. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const

export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number]

/** A public key the broker verifies with, and the `alg` its JWK pins it to, if any. */
export interface VerificationKey {
  readonly key: KeyObject
  readonly alg?: string
}

/** HS256 keys shorter than the hash output make brute-forcing the secret practical (RFC 7518 §3.2). */
export const MIN_SECRET_BYTES = 32

/**
 * Whether a value names one of the {@link ASYMMETRIC_ALGORITHMS}.
 * @example isAsymmetricAlgorithm('HS256') // false
 */
export function isAsymmetricAlgorithm(value: unknown): value is AsymmetricAlgorithm {
  return (ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(value)
}

/**
 * Throws `auth_misconfigured` unless an HS256 secret has at least {@link MIN_SECRET_BYTES} bytes.
 * @example assertStrongSecret(secret, 'AUTH_JWT_SECRET')
 */
export function assertStrongSecret(secret: string, source: string): void {
  const bytes = Buffer.byteLength(secret, 'utf8')
  if (bytes < MIN_SECRET_BYTES) {
    throw new AuthMisconfiguredError(
      `${source} has ${bytes} bytes; an HS256 secret needs at least ${MIN_SECRET_BYTES} random bytes`,
    )
  }
}

/**
 * Reads a PEM public key (SPKI, PKCS#1 or an X.509 certificate); refuses a private key, which has no
 * business on a node that only verifies.
 * @example const key = publicKeyFromPem(readFileSync(path, 'utf8'), path)
 */
export function publicKeyFromPem(pem: string, source: string): KeyObject {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new AuthMisconfiguredError(`${source} holds a private key; give the broker the public key only`)
  }
  try {
    return createPublicKey(pem)
  } catch (error) {
    throw new AuthMisconfiguredError(`${source} is not a PEM public key: ${messageOf(error)}`)
  }
}

const jwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), alg: z.string().optional() })).min(1),
})

/**
 * Parses the text of a JWKS file into a key set of public keys only (no `oct`, no private members).
 * @example const { jwks, keys } = parseJwks(readFileSync(path, 'utf8'), path)
 */
export function parseJwks(text: string, source: string): { jwks: JSONWebKeySet; keys: VerificationKey[] } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new AuthMisconfiguredError(`${source} is not JSON: ${messageOf(error)}`)
  }
  const parsed = jwksSchema.safeParse(json)
  if (!parsed.success) {
    throw new AuthMisconfiguredError(`${source} is not a JWKS: it needs a non-empty "keys" array of JWKs`)
  }
  const keys = parsed.data.keys.map((jwk, index) => {
    if (jwk.kty === 'oct' || 'd' in jwk || 'k' in jwk) {
      throw new AuthMisconfiguredError(
        `${source} key ${index} is secret or private; a JWKS must hold public keys`,
      )
    }
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' })
      return jwk.alg === undefined ? { key } : { key, alg: jwk.alg }
    } catch (error) {
      throw new AuthMisconfiguredError(
        `${source} key ${index} is not a usable public key: ${messageOf(error)}`,
      )
    }
  })
  return { jwks: parsed.data, keys }
}

/**
 * The algorithms to pin for a set of keys: the requested ones, each of which some key must be able to
 * verify, or else the natural algorithm of each key (RS256 for RSA, PS256 for RSA-PSS, ES256 for
 * P-256, EdDSA for Ed25519, or the `alg` of its JWK).
 * @example algorithmsForKeys([{ key }], undefined, 'AUTH_PUBLIC_KEY_FILE') // ['RS256'] for an RSA key
 */
export function algorithmsForKeys(
  keys: readonly VerificationKey[],
  requested: readonly AsymmetricAlgorithm[] | undefined,
  source: string,
): AsymmetricAlgorithm[] {
  const usable = keys.map(usableAlgorithms)
  if (requested !== undefined) {
    const unusable = requested.filter((alg) => !usable.some((algs) => algs.includes(alg)))
    if (unusable.length > 0) {
      throw new AuthMisconfiguredError(
        `AUTH_ALGORITHMS lists ${unusable.join(', ')}, which no key of ${source} can verify`,
      )
    }
    return [...requested]
  }
  const natural = [...new Set(usable.flatMap((algs) => algs.slice(0, 1)))]
  if (natural.length === 0) {
    throw new AuthMisconfiguredError(
      `No key of ${source} can verify any of ${ASYMMETRIC_ALGORITHMS.join(', ')} (RSA, P-256 or Ed25519 keys)`,
    )
  }
  return natural
}

/** The algorithms a key can verify, its natural one first. */
function usableAlgorithms({ key, alg }: VerificationKey): AsymmetricAlgorithm[] {
  const byType = algorithmsOfKeyType(key)
  // A JWK's `alg` binds the key to that algorithm: jose will not offer it for any other.
  if (alg !== undefined) return isAsymmetricAlgorithm(alg) && byType.includes(alg) ? [alg] : []
  return byType
}

function algorithmsOfKeyType(key: KeyObject): AsymmetricAlgorithm[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'PS256']
    case 'rsa-pss':
      return ['PS256']
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? ['ES256'] : []
    case 'ed25519':
      return ['EdDSA']
    default:
      return []
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
