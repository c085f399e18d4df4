import type { JWTPayload } from 'jose'
import { describe, expect, it } from 'vitest'
import { mayWatchConversation, mayWatchExecution } from '../../src/auth/access-claims.js'
import type { AuthOptions } from '../../src/auth/auth-options.js'
import { createTokenVerifier, type TokenVerification } from '../../src/auth/verify-token.js'
import { epochSeconds, issuerKeys, SECRET, secretBytes, signToken, unsignedToken } from './tokens.js'

const issuer = await issuerKeys('RS256')
const stranger = await issuerKeys('RS256')

/** One issuer seen through each way of configuring the broker: the same suite runs against all three. */
interface Setup {
  readonly options: AuthOptions
  readonly sign: (claims: Parameters<typeof signToken>[0]) => Promise<string>
  readonly signWithWrongKey: (claims: Parameters<typeof signToken>[0]) => Promise<string>
}

const setups: Record<'hs256' | 'public-key' | 'jwks', Setup> = {
  hs256: {
    options: { mode: 'hs256', secret: SECRET },
    sign: (claims) => signToken(claims, secretBytes(SECRET), 'HS256'),
    signWithWrongKey: (claims) => signToken(claims, secretBytes(`${SECRET}-but-another`), 'HS256'),
  },
  'public-key': {
    options: { mode: 'public-key', publicKeyPem: issuer.publicKeyPem, algorithms: ['RS256'] },
    sign: (claims) => signToken(claims, issuer.privateKey, 'RS256'),
    signWithWrongKey: (claims) => signToken(claims, stranger.privateKey, 'RS256'),
  },
  jwks: {
    options: { mode: 'jwks', jwks: { keys: [{ ...issuer.publicJwk, kid: 'k1' }] }, algorithms: ['RS256'] },
    sign: (claims) => signToken(claims, issuer.privateKey, 'RS256', { kid: 'k1' }),
    signWithWrongKey: (claims) => signToken(claims, stranger.privateKey, 'RS256', { kid: 'k1' }),
  },
}

const codeOf = (result: TokenVerification) => (result.ok ? 'ok' : result.error.code)

describe.each(Object.entries(setups))('verifying tokens with %s', (_mode, setup) => {
  const verify = createTokenVerifier(setup.options)

  it('accepts a valid token and normalizes its claims', async () => {
    const result = await verify(await setup.sign({ sub: 'user-1', executions: ['exec-1'] }))
    expect(result).toEqual({
      ok: true,
      claims: {
        subject: 'user-1',
        expiresAt: expect.any(Number),
        executions: new Set(['exec-1']),
        conversations: new Set(),
        projects: new Set(),
        admin: false,
      },
    })
  })

  it('answers token_missing without a token', async () => {
    expect(codeOf(await verify(undefined))).toBe('token_missing')
    expect(codeOf(await verify(''))).toBe('token_missing')
  })

  it('answers token_expired for an expired token', async () => {
    const result = await verify(await setup.sign({ executions: ['*'], exp: epochSeconds(-60) }))
    expect(result).toEqual({ ok: false, error: { code: 'token_expired', message: expect.any(String) } })
  })

  it('tolerates a few seconds of clock skew', async () => {
    expect(codeOf(await verify(await setup.sign({ executions: ['*'], exp: epochSeconds(-2) })))).toBe('ok')
  })

  it('answers token_invalid, not token_expired, for an expired token signed with another key', async () => {
    expect(codeOf(await verify(await setup.signWithWrongKey({ exp: epochSeconds(-60) })))).toBe(
      'token_invalid',
    )
  })

  it('refuses a token signed with another key', async () => {
    expect(codeOf(await verify(await setup.signWithWrongKey({ executions: ['*'] })))).toBe('token_invalid')
  })

  it('refuses a hand-crafted alg: none token', async () => {
    expect(codeOf(await verify(unsignedToken({ executions: ['*'] })))).toBe('token_invalid')
  })

  it.each(['garbage', 'a.b.c', 'a.b', `${unsignedToken({})}extra.dot`])(
    'refuses the malformed token %j',
    async (token) => {
      expect(codeOf(await verify(token))).toBe('token_invalid')
    },
  )

  it('refuses a valid signature over claims of the wrong shape', async () => {
    const result = await verify(await setup.sign({ executions: 'exec-1' }))
    expect(result.ok || result.error).toMatchObject({ code: 'token_invalid', message: /executions/ })
  })

  it('refuses a token that was valid for another execution', async () => {
    const result = await verify(await setup.sign({ executions: ['exec-1'] }))
    expect(result.ok && mayWatchExecution(result.claims, { executionId: 'exec-2' })).toBe(false)
    expect(result.ok && mayWatchExecution(result.claims, { executionId: 'exec-1' })).toBe(true)
  })
})

describe('algorithm confusion', () => {
  const forgeWithPublicKey = (claims: JWTPayload) =>
    signToken(claims, secretBytes(issuer.publicKeyPem), 'HS256')

  it('refuses HS256 signed with the public key PEM as the HMAC secret, for a public-key verifier', async () => {
    const verify = createTokenVerifier(setups['public-key'].options)
    expect(codeOf(await verify(await forgeWithPublicKey({ executions: ['*'] })))).toBe('token_invalid')
  })

  it('refuses HS256 signed with the public key PEM as the HMAC secret, for a JWKS verifier', async () => {
    const verify = createTokenVerifier(setups.jwks.options)
    expect(codeOf(await verify(await forgeWithPublicKey({ executions: ['*'] })))).toBe('token_invalid')
  })

  it('refuses an RS256 token at an HS256 verifier', async () => {
    const verify = createTokenVerifier(setups.hs256.options)
    expect(codeOf(await verify(await setups['public-key'].sign({ executions: ['*'] })))).toBe('token_invalid')
  })

  it('refuses an algorithm the key could verify but the configuration does not list', async () => {
    const verify = createTokenVerifier({
      mode: 'public-key',
      publicKeyPem: issuer.publicKeyPem,
      algorithms: ['PS256'],
    })
    expect(codeOf(await verify(await signToken({}, issuer.privateKey, 'RS256')))).toBe('token_invalid')
  })

  it('will not build a verifier whose hand-made options list HS256 or none', () => {
    for (const algorithms of [['HS256'], ['none'], []]) {
      const options = {
        mode: 'public-key',
        publicKeyPem: issuer.publicKeyPem,
        algorithms,
      } as unknown as AuthOptions
      expect(() => createTokenVerifier(options)).toThrow(
        expect.objectContaining({ code: 'auth_misconfigured' }),
      )
    }
  })

  it('will not build an HS256 verifier with a short secret', () => {
    expect(() => createTokenVerifier({ mode: 'hs256', secret: 'short' })).toThrow(
      expect.objectContaining({ code: 'auth_misconfigured' }),
    )
  })
})

describe('registered claims', () => {
  const options: AuthOptions = {
    mode: 'hs256',
    secret: SECRET,
    issuer: 'https://issuer.example',
    audience: 'agent-events',
  }
  const verify = createTokenVerifier(options)
  const sign = setups.hs256.sign

  it('accepts the configured issuer and audience', async () => {
    const token = await sign({ iss: 'https://issuer.example', aud: 'agent-events', executions: ['*'] })
    expect(codeOf(await verify(token))).toBe('ok')
  })

  it.each([
    ['another issuer', { iss: 'https://evil.example', aud: 'agent-events' }],
    ['another audience', { iss: 'https://issuer.example', aud: 'another-service' }],
    ['no issuer', { aud: 'agent-events' }],
    ['a token not yet valid', { iss: 'https://issuer.example', aud: 'agent-events', nbf: epochSeconds(600) }],
  ])('refuses %s as token_invalid', async (_case, claims) => {
    expect(codeOf(await verify(await sign(claims)))).toBe('token_invalid')
  })
})

describe('authentication disabled', () => {
  it('lets any token, or none, watch everything', async () => {
    const verify = createTokenVerifier({ mode: 'disabled' })
    for (const token of [undefined, 'garbage']) {
      const result = await verify(token)
      expect(
        result.ok &&
          mayWatchExecution(result.claims, { executionId: 'any' }) &&
          mayWatchConversation(result.claims, { conversationId: 'any' }),
      ).toBe(true)
    }
  })
})

describe('other asymmetric algorithms', () => {
  it.each(['ES256', 'EdDSA'] as const)('verifies %s against its public key', async (alg) => {
    const keys = await issuerKeys(alg)
    const verify = createTokenVerifier({
      mode: 'public-key',
      publicKeyPem: keys.publicKeyPem,
      algorithms: [alg],
    })
    expect(codeOf(await verify(await signToken({ projects: ['p'] }, keys.privateKey, alg)))).toBe('ok')
  })
})
