import type { IncomingMessage } from 'node:http'
import type { Socket } from 'socket.io'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  tokenFromHandshake,
  tokenFromUpgradeRequest,
  type HandshakeLike,
  type UpgradeRequestLike,
} from '../../src/auth/token-from-request.js'

describe('the token of a raw WebSocket upgrade request', () => {
  it('accepts what ws hands to a connection listener', () => {
    expectTypeOf<IncomingMessage>().toExtend<UpgradeRequestLike>()
  })

  it('comes from the Authorization: Bearer header', () => {
    expect(tokenFromUpgradeRequest({ headers: { authorization: 'Bearer abc.def.ghi' }, url: '/ws' })).toBe(
      'abc.def.ghi',
    )
    expect(tokenFromUpgradeRequest({ headers: { authorization: 'bearer   abc.def.ghi ' } })).toBe(
      'abc.def.ghi',
    )
  })

  it('prefers the header to the query parameter', () => {
    const request = { headers: { authorization: 'Bearer from-header' }, url: '/ws?token=from-query' }
    expect(tokenFromUpgradeRequest(request)).toBe('from-header')
  })

  it('falls back to the token query parameter, decoded', () => {
    expect(tokenFromUpgradeRequest({ headers: {}, url: '/ws?since=3&token=a%2Eb.c' })).toBe('a.b.c')
    expect(
      tokenFromUpgradeRequest({ headers: { authorization: 'Basic dXNlcjpwdw==' }, url: '/?token=t' }),
    ).toBe('t')
  })

  it.each([
    ['no header and no query', { headers: {}, url: '/ws' }],
    ['no url at all', { headers: {} }],
    ['an empty token parameter', { headers: {}, url: '/ws?token=' }],
    ['another scheme', { headers: { authorization: 'Basic dXNlcjpwdw==' }, url: '/ws' }],
    ['a bare Bearer', { headers: { authorization: 'Bearer' } }],
    ['two tokens', { headers: { authorization: 'Bearer a b' } }],
  ])('is absent with %s', (_case, request: UpgradeRequestLike) => {
    expect(tokenFromUpgradeRequest(request)).toBeUndefined()
  })
})

describe('the token of a Socket.IO handshake', () => {
  it('accepts what Socket.IO hands to a middleware', () => {
    expectTypeOf<Socket['handshake']>().toExtend<HandshakeLike>()
  })

  it('comes from auth.token', () => {
    expect(tokenFromHandshake({ auth: { token: 'abc' }, headers: { authorization: 'Bearer other' } })).toBe(
      'abc',
    )
  })

  it('falls back to the Authorization: Bearer header', () => {
    expect(tokenFromHandshake({ auth: {}, headers: { authorization: 'Bearer from-header' } })).toBe(
      'from-header',
    )
    expect(tokenFromHandshake({ auth: { token: '' }, headers: { authorization: 'Bearer h' } })).toBe('h')
  })

  it.each([
    ['nothing', { auth: {}, headers: {} }],
    ['a non-string auth.token', { auth: { token: 42 }, headers: {} }],
    ['no auth object', { headers: {} }],
  ])('is absent with %s', (_case, handshake: HandshakeLike) => {
    expect(tokenFromHandshake(handshake)).toBeUndefined()
  })
})
