import { z } from 'zod'
import { authError, type AuthError } from './auth-errors.js'

/** Every id of a kind (`'*'` in the token's list), or exactly the listed ids. */
export type Grant = '*' | ReadonlySet<string>

/** What a verified access token lets its bearer watch; an absent list in the token grants nothing. */
export interface AccessClaims {
  /** The token's `sub`, for logs; it grants nothing by itself. */
  readonly subject?: string
  readonly executions: Grant
  readonly conversations: Grant
  readonly projects: Grant
}

/** What a client asks to watch; `projectId` is the project of the execution or conversation when known. */
export interface WatchTarget {
  readonly executionId?: string
  readonly conversationId?: string
  readonly projectId?: string
}

export type AccessClaimsResult = { ok: true; claims: AccessClaims } | { ok: false; error: AuthError }

/** The claims of a broker that runs without authentication: everything may be watched. */
export const UNRESTRICTED_ACCESS: AccessClaims = Object.freeze({
  executions: '*',
  conversations: '*',
  projects: '*',
})

const grantList = z.array(z.string().min(1)).optional()

/** The documented claim shape; registered claims (`exp`, `iss`, ...) and unknown ones pass through. */
const accessClaimsSchema = z.looseObject({
  sub: z.string().optional(),
  executions: grantList,
  conversations: grantList,
  projects: grantList,
})

/**
 * Reads the access claims of a verified JWT payload; a payload of the wrong shape is `token_invalid`.
 * @example
 * const result = readAccessClaims({ sub: 'user-1', executions: ['exec-1'] })
 * if (result.ok) canWatch(result.claims, { executionId: 'exec-1' }) // true
 */
export function readAccessClaims(payload: unknown): AccessClaimsResult {
  const parsed = accessClaimsSchema.safeParse(payload)
  if (!parsed.success) {
    const summary = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ')
    return { ok: false, error: authError('token_invalid', `The token's claims are invalid: ${summary}`) }
  }
  const { sub, executions, conversations, projects } = parsed.data
  return {
    ok: true,
    claims: Object.freeze({
      ...(sub === undefined ? {} : { subject: sub }),
      executions: grantOf(executions),
      conversations: grantOf(conversations),
      projects: grantOf(projects),
    }),
  }
}

/**
 * Whether the claims allow watching the target. An execution is watchable when listed in
 * `executions` or when its known project is listed in `projects`; a conversation likewise through
 * `conversations` or `projects`. A target naming both must pass both; a target naming only a project
 * needs that project; an empty target is refused.
 * @example canWatch(claims, { executionId: 'exec-1', projectId: 'proj-7' })
 */
export function canWatch(claims: AccessClaims, target: WatchTarget): boolean {
  const { executionId, conversationId, projectId } = target
  const viaProject = projectId !== undefined && grants(claims.projects, projectId)
  if (executionId === undefined && conversationId === undefined) return viaProject
  return (
    (executionId === undefined || viaProject || grants(claims.executions, executionId)) &&
    (conversationId === undefined || viaProject || grants(claims.conversations, conversationId))
  )
}

function grantOf(ids: readonly string[] | undefined): Grant {
  if (ids?.includes('*')) return '*'
  return new Set(ids)
}

function grants(grant: Grant, id: string): boolean {
  return grant === '*' || grant.has(id)
}
