import { readFileSync } from 'node:fs'
import type { JSONWebKeySet } from 'jose'
import { AuthMisconfiguredError } from './auth-errors.js'
import {
  algorithmsForKeys,
  assertStrongSecret,
  isAsymmetricAlgorithm,
  parseJwks,
  publicKeyFromPem,
  type AsymmetricAlgorithm,
} from './verification-keys.js'

/** The checks every verifying mode applies to a token's registered claims. */
export interface ClaimChecks {
  /** The required `iss`; any issuer is accepted when unset. */
  readonly issuer?: string
  /** The required `aud`; any audience is accepted when unset. */
  readonly audience?: string
  /**
   * Seconds of clock skew allowed when checking `exp` and `nbf`.
   * @default 5
   */
  readonly clockToleranceSeconds?: number
}

/** How the broker authenticates clients: one key source, or no authentication at all. */
export type AuthOptions =
  | (ClaimChecks & { readonly mode: 'hs256'; readonly secret: string })
  | (ClaimChecks & {
      readonly mode: 'public-key'
      readonly publicKeyPem: string
      readonly algorithms: readonly AsymmetricAlgorithm[]
    })
  | (ClaimChecks & {
      readonly mode: 'jwks'
      readonly jwks: JSONWebKeySet
      readonly algorithms: readonly AsymmetricAlgorithm[]
    })
  | {
      readonly mode: 'disabled'
      /** Why authentication is off, for the caller to log at startup. */
      readonly warning?: string
    }

/** The environment variables of authentication; `process.env` fits. */
export interface AuthEnvironment {
  /** HS256 shared secret, at least 32 bytes. */
  readonly AUTH_JWT_SECRET?: string
  /** Path of a PEM public key (RS256, PS256, ES256 or EdDSA). */
  readonly AUTH_PUBLIC_KEY_FILE?: string
  /** Path of a JSON Web Key Set of public keys. */
  readonly AUTH_JWKS_FILE?: string
  /** Comma-separated asymmetric algorithms to accept; inferred from the key(s) when unset. */
  readonly AUTH_ALGORITHMS?: string
  readonly AUTH_ISSUER?: string
  readonly AUTH_AUDIENCE?: string
  /** `true` to run without authentication, the only way to do so in production. */
  readonly AUTH_DISABLED?: string
  readonly NODE_ENV?: string
}

export type ReadTextFile = (path: string, encoding: 'utf8') => string

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5

const KEY_VARIABLES = ['AUTH_JWT_SECRET', 'AUTH_PUBLIC_KEY_FILE', 'AUTH_JWKS_FILE'] as const

/**
 * Reads the authentication options from the environment, reading key files through `readFile`.
 * Throws `auth_misconfigured` when the configuration is ambiguous or unusable, or when production has
 * none; development without any falls back to `disabled` with a warning for the caller to log.
 * @example
 * const options = parseAuthOptions(process.env)
 * if (options.mode === 'disabled' && options.warning) logger.warn(options.warning)
 */
export function parseAuthOptions(env: AuthEnvironment, readFile: ReadTextFile = readFileSync): AuthOptions {
  const disabled = parseDisabledFlag(env.AUTH_DISABLED)
  const configured = KEY_VARIABLES.filter((name) => present(env[name]))
  if (configured.length > 1) {
    throw new AuthMisconfiguredError(
      `Set exactly one of ${KEY_VARIABLES.join(', ')}; found ${configured.join(' and ')}`,
    )
  }
  const variable = configured[0]
  if (disabled && variable !== undefined) {
    throw new AuthMisconfiguredError(`AUTH_DISABLED=true contradicts ${variable}: unset one of them`)
  }
  if (disabled) {
    return Object.freeze({
      mode: 'disabled',
      warning: 'Authentication is disabled (AUTH_DISABLED=true): every client may watch everything',
    })
  }
  if (variable === undefined) return unconfigured(env.NODE_ENV)

  const checks: ClaimChecks = {
    ...(present(env.AUTH_ISSUER) ? { issuer: env.AUTH_ISSUER } : {}),
    ...(present(env.AUTH_AUDIENCE) ? { audience: env.AUTH_AUDIENCE } : {}),
    clockToleranceSeconds: DEFAULT_CLOCK_TOLERANCE_SECONDS,
  }
  if (variable === 'AUTH_JWT_SECRET') {
    const secret = env.AUTH_JWT_SECRET ?? ''
    assertHs256Only(env.AUTH_ALGORITHMS)
    assertStrongSecret(secret, 'AUTH_JWT_SECRET')
    return Object.freeze({ ...checks, mode: 'hs256', secret })
  }
  const path = env[variable] ?? ''
  const source = `${variable}=${path}`
  const requested = parseAlgorithms(env.AUTH_ALGORITHMS)
  const text = readKeyFile(readFile, path, source)
  if (variable === 'AUTH_PUBLIC_KEY_FILE') {
    const algorithms = algorithmsForKeys([{ key: publicKeyFromPem(text, source) }], requested, source)
    return Object.freeze({ ...checks, mode: 'public-key', publicKeyPem: text, algorithms })
  }
  const { jwks, keys } = parseJwks(text, source)
  return Object.freeze({
    ...checks,
    mode: 'jwks',
    jwks,
    algorithms: algorithmsForKeys(keys, requested, source),
  })
}

function unconfigured(nodeEnv: string | undefined): AuthOptions {
  const choices = `${KEY_VARIABLES.join(', ')} or AUTH_DISABLED=true`
  if (nodeEnv === 'production') {
    throw new AuthMisconfiguredError(`No authentication is configured in production: set one of ${choices}`)
  }
  return Object.freeze({
    mode: 'disabled',
    warning:
      `No authentication is configured, so every client may watch everything; ` +
      `set one of ${choices} (NODE_ENV=production refuses to start without)`,
  })
}

function parseDisabledFlag(value: string | undefined): boolean {
  if (!present(value) || value === 'false') return false
  if (value === 'true') return true
  throw new AuthMisconfiguredError(`AUTH_DISABLED must be true or false, not ${JSON.stringify(value)}`)
}

function parseAlgorithms(value: string | undefined): AsymmetricAlgorithm[] | undefined {
  if (!present(value)) return undefined
  const names = [...new Set(value.split(',').map((name) => name.trim()))].filter((name) => name !== '')
  const refused = names.filter((name) => !isAsymmetricAlgorithm(name))
  if (names.length === 0 || refused.length > 0) {
    throw new AuthMisconfiguredError(
      `AUTH_ALGORITHMS must list some of RS256, PS256, ES256, EdDSA with a public key or JWKS; ` +
        `refused: ${refused.join(', ') || '(empty)'}`,
    )
  }
  return names.filter(isAsymmetricAlgorithm)
}

function assertHs256Only(value: string | undefined): void {
  if (present(value) && value.trim() !== 'HS256') {
    throw new AuthMisconfiguredError(
      `AUTH_JWT_SECRET verifies HS256 only; AUTH_ALGORITHMS=${value} cannot apply`,
    )
  }
}

function readKeyFile(readFile: ReadTextFile, path: string, source: string): string {
  try {
    return readFile(path, 'utf8')
  } catch (error) {
    throw new AuthMisconfiguredError(
      `${source} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}

function present(value: string | undefined): value is string {
  return value !== undefined && value !== ''
}
