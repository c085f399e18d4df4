import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { connectClient, PROTOCOLS, refusalOf } from '../support/web-node-clients.js'
import { stackNames, startTestNode } from '../support/web-node-stack.js'
import { epochSeconds, issuerKeys, SECRET, secretBytes, signToken, unsignedToken } from '../auth/tokens.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const issuer = await issuerKeys('RS256')
const grantsEverything = { executions: ['*'], conversations: ['*'] }

describe.each(PROTOCOLS)('authentication over %s', (protocol) => {
  it('refuses a connection without a token with token_missing', async () => {
    const node = await startTestNode(names(), { auth: { mode: 'hs256', secret: SECRET } })

    expect((await refusalOf(protocol, node.url)).code).toBe('token_missing')
  })

  it('refuses an expired token with token_expired', async () => {
    const node = await startTestNode(names(), { auth: { mode: 'hs256', secret: SECRET } })
    const token = await signToken(
      { ...grantsEverything, exp: epochSeconds(-60) },
      secretBytes(SECRET),
      'HS256',
    )

    expect((await refusalOf(protocol, node.url, { token })).code).toBe('token_expired')
  })

  it('refuses alg: none and a token signed with another key with token_invalid', async () => {
    const node = await startTestNode(names(), { auth: { mode: 'hs256', secret: SECRET } })
    const forged = await signToken(grantsEverything, secretBytes(`${SECRET}-another`), 'HS256')

    expect((await refusalOf(protocol, node.url, { token: unsignedToken(grantsEverything) })).code).toBe(
      'token_invalid',
    )
    expect((await refusalOf(protocol, node.url, { token: forged })).code).toBe('token_invalid')
  })

  it('refuses HS256 signed with the RSA public key of a node that verifies RS256', async () => {
    const node = await startTestNode(names(), {
      auth: { mode: 'public-key', publicKeyPem: issuer.publicKeyPem, algorithms: ['RS256'] },
    })
    const confused = await signToken(grantsEverything, secretBytes(issuer.publicKeyPem), 'HS256')
    const genuine = await signToken(grantsEverything, issuer.privateKey, 'RS256')

    expect((await refusalOf(protocol, node.url, { token: confused })).code).toBe('token_invalid')
    const accepted = await connectClient(protocol, node.url, { token: genuine })
    onTestFinished(() => accepted.close())
    expect(await accepted.subscribe({ executionId: 'exec-1' })).toMatchObject({ ok: true })
  })
})

describe.each(PROTOCOLS)('token expiry over %s', (protocol) => {
  it('ends a connection when its token expires, with token_expired', async () => {
    const node = await startTestNode(names(), { auth: { mode: 'hs256', secret: SECRET } })
    const exp = epochSeconds(2)
    const token = await signToken({ executions: ['*'], exp }, secretBytes(SECRET), 'HS256')
    const client = await connectClient(protocol, node.url, { token })
    onTestFinished(() => client.close())
    expect(await client.subscribe({ executionId: 'exec-1' })).toMatchObject({ ok: true })

    const disconnection = await client.disconnected

    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000)
    expect(client.errors.map((error) => error.code)).toEqual(['token_expired'])
    expect(disconnection).toEqual(
      protocol === 'raw' ? { code: 4401, reason: 'token_expired' } : { reason: 'io server disconnect' },
    )
  })
})

describe('raw WebSocket tokens', () => {
  it('are read from ?token= when no Authorization header is sent (browsers cannot set one)', async () => {
    const node = await startTestNode(names(), { auth: { mode: 'hs256', secret: SECRET } })
    const expired = await signToken({ exp: epochSeconds(-60) }, secretBytes(SECRET), 'HS256')

    const refusal = await refusalOf('raw', node.url, { token: expired, tokenInQuery: true })

    expect(refusal).toEqual({ code: 'token_expired', status: 4401 })
  })
})
