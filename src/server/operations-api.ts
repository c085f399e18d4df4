import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { z } from 'zod'
import type { TokenVerification } from '../auth/verify-token.js'
import { errorBody, httpStatusOf, type ErrorCode } from '../errors.js'
import { getLogger } from '../logger.js'
import type { QueueState } from '../metrics/web-metrics.js'
import {
  countDeadLetters,
  listDeadLetters,
  redriveDeadLetters,
  type DeadLetter,
} from '../queue/dead-letters.js'
import type { PersistJobData } from '../queue/persistence-queue.js'
import { readPresences, type NodePresence } from './node-presence.js'
import { sendJson } from '../http/send-json.js'

/** `200` of `GET /api/stats`. */
export interface BrokerStats {
  /** The shards' inboxes and persistence queues: depth, dead letters, age of the oldest waiting event. */
  readonly persistence: QueueState
  /** The web nodes that reported in the last 15 s. */
  readonly nodes: readonly NodePresence[]
  readonly totals: {
    readonly connections: number
    readonly subscriptions: number
  }
}

/** `200` of `GET /api/dead-letters`. */
export interface DeadLettersPage {
  readonly deadLetters: readonly DeadLetter[]
  /** Dead-lettered jobs in all, beyond the page too. */
  readonly total: number
}

/** `200` of `POST /api/dead-letters/redrive`. */
export interface Redriven {
  readonly redriven: number
}

export interface OperationsApiOptions {
  readonly authenticate: (request: IncomingMessage) => Promise<TokenVerification>
  readonly redis: Redis
  readonly keyPrefix: string
  readonly queues: readonly Queue<PersistJobData>[]
  readonly persistenceState: () => Promise<QueueState>
}

const PATHS = {
  stats: '/api/stats',
  deadLetters: '/api/dead-letters',
  redrive: '/api/dead-letters/redrive',
} as const
const MAX_BODY_BYTES = 64 * 1024
const MAX_LIST_LIMIT = 1000
const redriveBody = z.strictObject({ jobIds: z.array(z.string().min(1).max(200)).max(10_000).optional() })
const log = getLogger('operations-api')

type Answer = { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> }

/**
 * The broker's operations over HTTP, for a token with `admin: true` (every token when auth is off):
 *
 * - `GET /api/stats`: persistence depth and lag, dead letters, the web nodes and their clients.
 * - `GET /api/dead-letters?limit=100`: dead-lettered jobs, `{ deadLetters, total }`.
 * - `POST /api/dead-letters/redrive` with `{ "jobIds": [...] }` (or `{}` for all): back to their
 *   queue with fresh attempts, `{ redriven }`.
 *
 * Answers 401 `token_*`, 403 `forbidden` without the admin claim, 405 for another method, 400
 * `invalid_request` for a bad parameter or body. Resolves true when the path was one of these.
 * @example const operations = createOperationsApi({ authenticate, redis, keyPrefix, queues, persistenceState })
 */
export function createOperationsApi(
  options: OperationsApiOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://node')
    const path = Object.values(PATHS).find((known) => known === url.pathname)
    if (path === undefined) return false
    try {
      send(response, await answer(options, request, path, url.searchParams))
    } catch (error) {
      log.error({ err: error, path }, 'operations API: unexpected failure')
      if (response.headersSent) response.destroy()
      else send(response, failure('internal_error'))
    }
    return true
  }
}

async function answer(
  options: OperationsApiOptions,
  request: IncomingMessage,
  path: (typeof PATHS)[keyof typeof PATHS],
  query: URLSearchParams,
): Promise<Answer> {
  const method = path === PATHS.redrive ? 'POST' : 'GET'
  const allowed = method === 'GET' ? ['GET', 'HEAD'] : ['POST']
  if (!allowed.includes(request.method ?? ''))
    return {
      ...failure('method_not_allowed', `Only ${allowed.join(', ')} here`),
      headers: { Allow: allowed.join(', ') },
    }
  const verification = await options.authenticate(request)
  if (!verification.ok) return failure(verification.error.code, verification.error.message)
  if (!verification.claims.admin) return failure('forbidden', 'This needs an access token with admin: true')
  if (path === PATHS.stats) return ok(await stats(options))
  if (path === PATHS.deadLetters) {
    const limit = Number(query.get('limit') ?? 100)
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
      return failure('invalid_request', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`)
    const [deadLetters, total] = await Promise.all([
      listDeadLetters(options.queues, limit),
      countDeadLetters(options.queues),
    ])
    return ok<DeadLettersPage>({ deadLetters, total })
  }
  const body = await readJson(request)
  const parsed = body.ok ? redriveBody.safeParse(body.value) : undefined
  if (!parsed?.success)
    return failure(
      'invalid_request',
      body.ok ? 'The body must be {"jobIds": [string, ...]} or {}' : body.reason,
    )
  return ok<Redriven>({ redriven: await redriveDeadLetters(options.queues, parsed.data.jobIds) })
}

async function stats(options: OperationsApiOptions): Promise<BrokerStats> {
  const [persistence, nodes] = await Promise.all([
    options.persistenceState(),
    readPresences(options.redis, options.keyPrefix),
  ])
  const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0)
  return {
    persistence,
    nodes,
    totals: {
      connections: sum(nodes.map((node) => sum(Object.values(node.connections)))),
      subscriptions: sum(nodes.map((node) => node.subscriptions.execution + node.subscriptions.conversation)),
    },
  }
}

async function readJson(
  request: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) return { ok: false, reason: `The body exceeds ${MAX_BODY_BYTES} bytes` }
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  try {
    return { ok: true, value: text.trim() === '' ? {} : (JSON.parse(text) as unknown) }
  } catch {
    return { ok: false, reason: 'The body is not JSON' }
  }
}

const ok = <T>(body: T): Answer => ({ status: 200, body })

function failure(code: ErrorCode, message?: string): Answer {
  const error = errorBody(code, message)
  return { status: httpStatusOf(error.code), body: { error } }
}

function send(response: ServerResponse, { status, body, headers }: Answer): void {
  sendJson(response, status, body, headers)
}
