import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose'

/** An asymmetric key pair as a broker's issuer would hold it, with the public half in both file formats. */
export interface IssuerKeys {
  readonly privateKey: CryptoKey
  readonly publicKeyPem: string
  readonly publicJwk: Awaited<ReturnType<typeof exportJWK>>
}

/** A fresh RS256 (or other) issuer key pair. */
export async function issuerKeys(alg: 'RS256' | 'ES256' | 'EdDSA' = 'RS256'): Promise<IssuerKeys> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { privateKey, publicKeyPem: await exportSPKI(publicKey), publicJwk: await exportJWK(publicKey) }
}

/** A 32-byte HS256 secret, the shortest the broker accepts. */
export const SECRET = 'a-secret-of-exactly-32-bytes-ok!'

/** Signs claims that expire in five minutes unless `exp` says otherwise. */
export function signToken(
  claims: JWTPayload,
  key: CryptoKey | Uint8Array,
  alg: string,
  header: Record<string, string> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ ...header, alg })
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '5m')
    .sign(key)
}

/** A token with `alg: none` and an empty signature, as an attacker would craft it by hand. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const exp = Math.floor(Date.now() / 1000) + 300
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ exp, ...claims })}.`
}

export const secretBytes = (secret: string): Uint8Array => new TextEncoder().encode(secret)

/** Seconds since the epoch, `offset` seconds from now. */
export const epochSeconds = (offset = 0): number => Math.floor(Date.now() / 1000) + offset
