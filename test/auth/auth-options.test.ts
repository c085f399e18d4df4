import { describe, expect, it } from 'vitest'
import { parseAuthOptions, type AuthEnvironment, type ReadTextFile } from '../../src/auth/auth-options.js'
import { issuerKeys, SECRET } from './tokens.js'

const rsa = await issuerKeys('RS256')
const ec = await issuerKeys('ES256')

/** A readFile over an in-memory directory, recording what was read. */
function filesOf(files: Record<string, string>): ReadTextFile & { read: string[] } {
  const read: string[] = []
  const readFile = (path: string) => {
    read.push(path)
    const text = files[path]
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`)
    return text
  }
  return Object.assign(readFile, { read })
}

const noFiles = filesOf({})

function misconfiguration(
  env: AuthEnvironment,
  readFile: ReadTextFile = noFiles,
): { code: string; message: string } {
  try {
    parseAuthOptions(env, readFile)
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error(`parseAuthOptions accepted ${JSON.stringify(env)}`)
}

describe('no authentication configured', () => {
  it('refuses to start in production, naming the variables to set', () => {
    const error = misconfiguration({ NODE_ENV: 'production' })
    expect(error.code).toBe('auth_misconfigured')
    for (const name of ['AUTH_JWT_SECRET', 'AUTH_PUBLIC_KEY_FILE', 'AUTH_JWKS_FILE', 'AUTH_DISABLED']) {
      expect(error.message).toContain(name)
    }
  })

  it('refuses production with AUTH_DISABLED=false or empty key variables', () => {
    expect(
      misconfiguration({ NODE_ENV: 'production', AUTH_DISABLED: 'false', AUTH_JWT_SECRET: '' }).code,
    ).toBe('auth_misconfigured')
  })

  it('is disabled in production when AUTH_DISABLED=true says so, with a warning to log', () => {
    expect(parseAuthOptions({ NODE_ENV: 'production', AUTH_DISABLED: 'true' }, noFiles)).toEqual({
      mode: 'disabled',
      warning: expect.stringContaining('AUTH_DISABLED=true'),
    })
  })

  it.each([undefined, 'development', 'test'])(
    'is disabled with a warning when NODE_ENV is %s',
    (NODE_ENV) => {
      expect(parseAuthOptions({ NODE_ENV }, noFiles)).toEqual({
        mode: 'disabled',
        warning: expect.stringContaining('AUTH_JWT_SECRET'),
      })
    },
  )
})

describe('ambiguous configuration', () => {
  it('refuses two key sources at once', () => {
    const error = misconfiguration({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_FILE: '/keys.json' })
    expect(error).toMatchObject({ code: 'auth_misconfigured', message: /AUTH_JWT_SECRET and AUTH_JWKS_FILE/ })
  })

  it('refuses AUTH_DISABLED=true together with a key', () => {
    expect(misconfiguration({ AUTH_DISABLED: 'true', AUTH_JWT_SECRET: SECRET }).code).toBe(
      'auth_misconfigured',
    )
  })

  it('refuses an AUTH_DISABLED that is neither true nor false', () => {
    expect(misconfiguration({ AUTH_DISABLED: 'yes' }).code).toBe('auth_misconfigured')
  })
})

describe('a shared secret', () => {
  it('pins HS256 and reads the claim checks', () => {
    const env = {
      AUTH_JWT_SECRET: SECRET,
      AUTH_ISSUER: 'https://issuer.example',
      AUTH_AUDIENCE: 'agent-events',
    }
    expect(parseAuthOptions(env, noFiles)).toEqual({
      mode: 'hs256',
      secret: SECRET,
      issuer: 'https://issuer.example',
      audience: 'agent-events',
      clockToleranceSeconds: 5,
    })
  })

  it('refuses a secret shorter than 32 bytes, without echoing it', () => {
    const error = misconfiguration({ AUTH_JWT_SECRET: 'too-short-but-secret' })
    expect(error.code).toBe('auth_misconfigured')
    expect(error.message).not.toContain('too-short-but-secret')
  })

  it('counts bytes, not characters', () => {
    expect(misconfiguration({ AUTH_JWT_SECRET: 'é'.repeat(15) }).code).toBe('auth_misconfigured')
    expect(parseAuthOptions({ AUTH_JWT_SECRET: 'é'.repeat(16) }, noFiles).mode).toBe('hs256')
  })

  it('refuses AUTH_ALGORITHMS other than HS256', () => {
    expect(misconfiguration({ AUTH_JWT_SECRET: SECRET, AUTH_ALGORITHMS: 'RS256' }).code).toBe(
      'auth_misconfigured',
    )
  })
})

describe('a public key file', () => {
  it('is read through the injected readFile, and its algorithm inferred from the key', () => {
    const readFile = filesOf({ '/run/secrets/issuer.pem': rsa.publicKeyPem })
    const options = parseAuthOptions({ AUTH_PUBLIC_KEY_FILE: '/run/secrets/issuer.pem' }, readFile)
    expect(readFile.read).toEqual(['/run/secrets/issuer.pem'])
    expect(options).toEqual({
      mode: 'public-key',
      publicKeyPem: rsa.publicKeyPem,
      algorithms: ['RS256'],
      clockToleranceSeconds: 5,
    })
  })

  it('infers ES256 for a P-256 key', () => {
    const options = parseAuthOptions(
      { AUTH_PUBLIC_KEY_FILE: '/ec.pem' },
      filesOf({ '/ec.pem': ec.publicKeyPem }),
    )
    expect(options).toMatchObject({ algorithms: ['ES256'] })
  })

  it('takes AUTH_ALGORITHMS the key can verify', () => {
    const env = { AUTH_PUBLIC_KEY_FILE: '/rsa.pem', AUTH_ALGORITHMS: 'RS256, PS256' }
    expect(parseAuthOptions(env, filesOf({ '/rsa.pem': rsa.publicKeyPem }))).toMatchObject({
      algorithms: ['RS256', 'PS256'],
    })
  })

  it.each(['HS256', 'none', 'ES256', 'RS256,HS256', ','])(
    'refuses AUTH_ALGORITHMS=%s for an RSA key',
    (algs) => {
      const env = { AUTH_PUBLIC_KEY_FILE: '/rsa.pem', AUTH_ALGORITHMS: algs }
      expect(misconfiguration(env, filesOf({ '/rsa.pem': rsa.publicKeyPem })).code).toBe('auth_misconfigured')
    },
  )

  it.each([
    ['a missing file', {}],
    ['a file that is not a key', { '/key.pem': 'hello' }],
    [
      'a private key',
      { '/key.pem': '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n' },
    ],
  ])('refuses %s, naming the variable', (_case, files: Record<string, string>) => {
    const error = misconfiguration({ AUTH_PUBLIC_KEY_FILE: '/key.pem' }, filesOf(files))
    expect(error).toMatchObject({ code: 'auth_misconfigured', message: /AUTH_PUBLIC_KEY_FILE=\/key\.pem/ })
  })
})

describe('a JWKS file', () => {
  const jwksText = JSON.stringify({
    keys: [
      { ...rsa.publicJwk, kid: 'rsa' },
      { ...ec.publicJwk, kid: 'ec' },
    ],
  })

  it('is read through the injected readFile, with the algorithms of all its keys', () => {
    const readFile = filesOf({ '/jwks.json': jwksText })
    const options = parseAuthOptions({ AUTH_JWKS_FILE: '/jwks.json' }, readFile)
    expect(readFile.read).toEqual(['/jwks.json'])
    expect(options).toEqual({
      mode: 'jwks',
      jwks: JSON.parse(jwksText),
      algorithms: ['RS256', 'ES256'],
      clockToleranceSeconds: 5,
    })
  })

  it("follows a key's own alg", () => {
    const text = JSON.stringify({ keys: [{ ...rsa.publicJwk, alg: 'PS256' }] })
    expect(parseAuthOptions({ AUTH_JWKS_FILE: '/j' }, filesOf({ '/j': text }))).toMatchObject({
      algorithms: ['PS256'],
    })
  })

  it.each([
    ['not JSON', 'nope'],
    ['no keys', '{"keys":[]}'],
    ['a symmetric key', JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })],
    ['a private key', JSON.stringify({ keys: [{ ...rsa.publicJwk, d: 'AQAB' }] })],
    ['only keys of other algorithms', JSON.stringify({ keys: [{ ...rsa.publicJwk, alg: 'RS512' }] })],
  ])('refuses %s', (_case, text) => {
    expect(misconfiguration({ AUTH_JWKS_FILE: '/j' }, filesOf({ '/j': text })).code).toBe(
      'auth_misconfigured',
    )
  })
})
