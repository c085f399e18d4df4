import type { IncomingMessage, ServerResponse } from 'node:http'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import type { Queue } from 'bullmq'
import express from 'express'
import type { TokenVerification } from '../auth/verify-token.js'
import type { PersistJobData } from '../queue/persistence-queue.js'

/** Where every web node serves the queue board. */
export const QUEUE_BOARD_PATH = '/admin/queues'

export interface QueueBoardOptions {
  readonly queues: readonly Queue<PersistJobData>[]
  /** Verifies the token given as the password of HTTP Basic credentials (any user name). */
  readonly verify: (token: string | undefined) => Promise<TokenVerification>
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void

const REALM = 'Basic realm="agent-events queues", charset="UTF-8"'

/**
 * bull-board for the persistence queues (one per shard) and their dead letters, at
 * {@link QUEUE_BOARD_PATH}. Its page sends no custom headers, so it is guarded by HTTP Basic: the
 * password is an access token (the user name is ignored). A token with `admin: true` gets the full
 * board (retry, promote, clean, remove); any other valid token a read-only one. Changes must come
 * from the board's own origin, and the board is never framed.
 * @example routes: [createQueueBoard({ queues, verify }), ...]
 */
export function createQueueBoard(
  options: QueueBoardOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const readOnly = boardOf(options.queues, true)
  const full = boardOf(options.queues, false)
  return async (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    if (path !== QUEUE_BOARD_PATH && !path.startsWith(`${QUEUE_BOARD_PATH}/`)) return false
    response.setHeader('X-Frame-Options', 'DENY')
    response.setHeader('Content-Security-Policy', "frame-ancestors 'none'")
    const verification = await options.verify(basicPassword(request))
    if (!verification.ok) {
      response.writeHead(401, { 'WWW-Authenticate': REALM, 'Content-Type': 'text/plain; charset=utf-8' })
      response.end(`${verification.error.code}: sign in with an access token as the password\n`)
      return true
    }
    const changes = !['GET', 'HEAD'].includes(request.method ?? '')
    if (changes && !isSameOrigin(request)) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
      response.end('origin_not_allowed: changes to the queues come from the board itself\n')
      return true
    }
    ;(verification.claims.admin ? full : readOnly)(request, response)
    return true
  }
}

function boardOf(queues: readonly Queue<PersistJobData>[], readOnlyMode: boolean): Handler {
  const serverAdapter = new ExpressAdapter()
  serverAdapter.setBasePath(QUEUE_BOARD_PATH)
  createBullBoard({
    queues: queues.map(
      (queue, shard) =>
        new BullMQAdapter(queue, {
          readOnlyMode,
          allowRetries: !readOnlyMode,
          prefix: queues.length > 1 ? `shard ${shard}: ` : '',
          description: 'persistence jobs; the failed set holds the dead letters',
        }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'agent-events (read-only)' : 'agent-events' } },
  })
  const app = express()
  app.disable('x-powered-by')
  app.use(QUEUE_BOARD_PATH, serverAdapter.getRouter() as express.Router)
  return app as unknown as Handler
}

/** The password of HTTP Basic credentials, if any. */
function basicPassword(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization
  if (!header?.startsWith('Basic ')) return undefined
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon === -1 ? undefined : decoded.slice(colon + 1)
}

/** Whether a request carries no Origin (not a page) or its page's origin is the board's own. */
function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  try {
    return new URL(origin).host === request.headers.host
  } catch {
    return false
  }
}
