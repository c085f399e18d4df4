import { describe, expect, it } from 'vitest'
import {
  grantsBeyondExecutionIds,
  mayWatchConversation,
  mayWatchExecution,
  readAccessClaims,
  type AccessClaims,
} from '../../src/auth/access-claims.js'

function claimsOf(payload: unknown): AccessClaims {
  const result = readAccessClaims(payload)
  if (!result.ok) throw new Error(result.error.message)
  return result.claims
}

describe('reading access claims', () => {
  it('turns absent lists into empty grants, exp into expiresAt in milliseconds, and grants no admin', () => {
    expect(claimsOf({ exp: 1 })).toEqual({
      expiresAt: 1000,
      executions: new Set(),
      conversations: new Set(),
      projects: new Set(),
      admin: false,
    })
  })

  it('grants admin only for admin: true', () => {
    expect(claimsOf({ admin: true }).admin).toBe(true)
    expect(readAccessClaims({ admin: 'yes' }).ok).toBe(false)
  })

  it("turns a list holding '*' into a grant of everything of that kind", () => {
    expect(claimsOf({ sub: 'ops', executions: ['exec-1', '*'] })).toMatchObject({
      subject: 'ops',
      executions: '*',
    })
  })

  it.each([
    ['a string instead of a list', { executions: 'exec-1' }],
    ['a number in a list', { conversations: [42] }],
    ['an empty id', { projects: [''] }],
    ['a numeric sub', { sub: 7 }],
    ['an admin that is not a boolean', { admin: 1 }],
    ['a payload that is not an object', 'exec-1'],
  ])('answers token_invalid for %s', (_case, payload) => {
    const result = readAccessClaims(payload)
    expect(result.ok || result.error.code).toBe('token_invalid')
  })
})

describe('what a token may watch', () => {
  it('grants listed executions and conversations only', () => {
    const claims = claimsOf({ executions: ['exec-1'], conversations: ['conv-1'] })
    expect(mayWatchExecution(claims, { executionId: 'exec-1' })).toBe(true)
    expect(mayWatchExecution(claims, { executionId: 'exec-2' })).toBe(false)
    expect(mayWatchConversation(claims, { conversationId: 'conv-1' })).toBe(true)
    expect(mayWatchConversation(claims, { conversationId: 'exec-1' })).toBe(false)
  })

  it('grants nothing of a kind whose list is absent', () => {
    const claims = claimsOf({ executions: ['*'] })
    expect(mayWatchExecution(claims, { executionId: 'any' })).toBe(true)
    expect(mayWatchConversation(claims, { conversationId: 'any' })).toBe(false)
  })

  it('grants the executions of a listed conversation, when the conversation is known', () => {
    const claims = claimsOf({ conversations: ['conv-1'] })
    expect(mayWatchExecution(claims, { executionId: 'exec-9', conversationId: 'conv-1' })).toBe(true)
    expect(mayWatchExecution(claims, { executionId: 'exec-9', conversationId: 'conv-2' })).toBe(false)
    expect(mayWatchExecution(claims, { executionId: 'exec-9' })).toBe(false)
  })

  it('grants every execution and conversation of a listed project, when the project is known', () => {
    const claims = claimsOf({ projects: ['proj-1'] })
    expect(mayWatchExecution(claims, { executionId: 'exec-9', projectId: 'proj-1' })).toBe(true)
    expect(mayWatchConversation(claims, { conversationId: 'conv-9', projectId: 'proj-1' })).toBe(true)
    expect(mayWatchExecution(claims, { executionId: 'exec-9', projectId: 'proj-2' })).toBe(false)
    expect(mayWatchExecution(claims, { executionId: 'exec-9' })).toBe(false)
    expect(mayWatchConversation(claims, { conversationId: 'conv-9' })).toBe(false)
  })

  it("grants a project only to a target in a project, even with projects: ['*']", () => {
    const claims = claimsOf({ projects: ['*'] })
    expect(mayWatchExecution(claims, { executionId: 'exec-9', projectId: 'any' })).toBe(true)
    expect(mayWatchExecution(claims, { executionId: 'exec-9' })).toBe(false)
  })

  it('tells whether anything beyond execution ids is granted', () => {
    expect(grantsBeyondExecutionIds(claimsOf({ executions: ['*'] }))).toBe(false)
    expect(grantsBeyondExecutionIds(claimsOf({ conversations: ['conv-1'] }))).toBe(true)
    expect(grantsBeyondExecutionIds(claimsOf({ projects: ['*'] }))).toBe(true)
  })
})
