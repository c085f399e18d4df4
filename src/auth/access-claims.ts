import { z } from 'zod'
import { authError, type AuthError } from './auth-errors.js'

/** Every id of a kind (`'*'` in the token's list), or exactly the listed ids. */
export type Grant = '*' | ReadonlySet<string>

/** What a verified access token lets its bearer watch; an absent list in the token grants nothing. */
export interface AccessClaims {
  /** The token's `sub`, for logs; it grants nothing by itself. */
  readonly subject?: string
  /** When the token expires (its `exp`, in ms since the epoch): a connection ends then. */
  readonly expiresAt?: number
  readonly executions: Grant
  readonly conversations: Grant
  readonly projects: Grant
  /** The token's `admin: true`: operations of the whole broker (stats, dead letters, the queue board). */
  readonly admin: boolean
}

/** An execution and what is known of it: the conversation and project its events name. */
export interface ExecutionContext {
  readonly executionId: string
  readonly conversationId?: string
  readonly projectId?: string
}

/** A conversation and the project it belongs to, when known. */
export interface ConversationContext {
  readonly conversationId: string
  readonly projectId?: string
}

export type AccessClaimsResult = { ok: true; claims: AccessClaims } | { ok: false; error: AuthError }

/** The claims of a broker that runs without authentication: everything may be watched. */
export const UNRESTRICTED_ACCESS: AccessClaims = Object.freeze({
  executions: '*',
  conversations: '*',
  projects: '*',
  admin: true,
})

const grantList = z.array(z.string().min(1)).optional()

/** The documented claim shape; registered claims (`exp`, `iss`, ...) and unknown ones pass through. */
const accessClaimsSchema = z.looseObject({
  sub: z.string().optional(),
  exp: z.number().finite().optional(),
  executions: grantList,
  conversations: grantList,
  projects: grantList,
  admin: z.boolean().optional(),
})

/**
 * Reads the access claims of a verified JWT payload; a payload of the wrong shape is `token_invalid`.
 * @example
 * const result = readAccessClaims({ sub: 'user-1', executions: ['exec-1'] })
 * if (result.ok) mayWatchExecution(result.claims, { executionId: 'exec-1' }) // true
 */
export function readAccessClaims(payload: unknown): AccessClaimsResult {
  const parsed = accessClaimsSchema.safeParse(payload)
  if (!parsed.success) {
    const summary = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')
    return { ok: false, error: authError('token_invalid', `The token's claims are invalid: ${summary}`) }
  }
  const { sub, exp, executions, conversations, projects, admin } = parsed.data
  return {
    ok: true,
    claims: Object.freeze({
      ...(sub === undefined ? {} : { subject: sub }),
      ...(exp === undefined ? {} : { expiresAt: exp * 1000 }),
      executions: grantOf(executions),
      conversations: grantOf(conversations),
      projects: grantOf(projects),
      admin: admin === true,
    }),
  }
}

/**
 * Whether the claims let their bearer watch an execution: listed in `executions`, or in a listed
 * conversation, or in a listed project. The conversation and project must be known (from the
 * execution's events); an execution nothing is known of is watchable only through `executions`.
 * @example mayWatchExecution(claims, { executionId: 'exec-1', projectId: 'proj-7' })
 */
export function mayWatchExecution(claims: AccessClaims, execution: ExecutionContext): boolean {
  const { executionId, conversationId, projectId } = execution
  return (
    grants(claims.executions, executionId) ||
    (conversationId !== undefined && grants(claims.conversations, conversationId)) ||
    (projectId !== undefined && grants(claims.projects, projectId))
  )
}

/**
 * Whether the claims let their bearer watch a conversation: listed in `conversations`, or its known
 * project listed in `projects`.
 * @example mayWatchConversation(claims, { conversationId: 'conv-1' })
 */
export function mayWatchConversation(claims: AccessClaims, conversation: ConversationContext): boolean {
  const { conversationId, projectId } = conversation
  return (
    grants(claims.conversations, conversationId) ||
    (projectId !== undefined && grants(claims.projects, projectId))
  )
}

/** Whether the claims grant any execution through a conversation or project, not only by id. */
export function grantsBeyondExecutionIds(claims: AccessClaims): boolean {
  return !isEmpty(claims.conversations) || !isEmpty(claims.projects)
}

function isEmpty(grant: Grant): boolean {
  return grant !== '*' && grant.size === 0
}

function grantOf(ids: readonly string[] | undefined): Grant {
  if (ids?.includes('*')) return '*'
  return new Set(ids)
}

function grants(grant: Grant, id: string): boolean {
  return grant === '*' || grant.has(id)
}
