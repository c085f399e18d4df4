import { AgentEventsError, isAgentEventsError, type ErrorCode, ERROR_CODES } from '../errors.js'

/** Where the CLI finds the broker: a web node (or the load balancer) and a token. */
export interface NodeTarget {
  readonly url: string
  readonly token: string | undefined
}

/**
 * Calls the node's HTTP API; resolves with the JSON answer, rejects with the answer's
 * `AgentEventsError` (code and message), or `history_unavailable` when the node cannot be reached.
 * @example const stats = await callNode<BrokerStats>(target, 'GET', '/api/stats')
 */
export async function callNode<T>(
  target: NodeTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response
  try {
    response = await fetch(new URL(path, target.url), {
      method,
      headers: {
        ...(target.token ? { Authorization: `Bearer ${target.token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    })
  } catch (error) {
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : ''
    throw new AgentEventsError('history_unavailable', `${target.url} could not be reached: ${reason}`)
  }
  const answer = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined
  if (response.ok) return answer as T
  const code = answer?.error?.code
  throw new AgentEventsError(
    isErrorCode(code) ? code : 'internal_error',
    answer?.error?.message ?? `${target.url} answered ${response.status}`,
  )
}

/** The line an error is reported with: `code: message`. */
export function errorLine(error: unknown): string {
  if (isAgentEventsError(error)) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

function isErrorCode(code: string | undefined): code is ErrorCode {
  return code !== undefined && code in ERROR_CODES
}
