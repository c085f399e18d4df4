import type { IncomingMessage, ServerResponse } from 'node:http'
import { tokenFromUpgradeRequest } from '../../auth/token-from-request.js'
import type { TokenVerifier } from '../../auth/verify-token.js'
import { errorBody, type ErrorBody } from '../../errors.js'
import { getLogger } from '../../logger.js'
import { webMetrics } from '../../metrics/web-metrics.js'
import type { ClientAdmission } from '../client-admission.js'
import type { HttpRoute } from '../http-routes.js'
import { wireError } from '../protocol.js'
import { endAtExpiry } from '../session-expiry.js'
import type { SubscriptionRegistry } from '../subscription-registry.js'
import type { SubscriptionService } from '../subscription-service.js'
import { AgUiEventStream } from './ag-ui-event-stream.js'
import { isAgUiPath, matchStreamRoute, parseAgUiRequest, sendError } from './ag-ui-requests.js'

export interface AgUiEndpointOptions {
  readonly registry: SubscriptionRegistry
  readonly service: SubscriptionService
  /** Origins and connections per address, as for the sockets: a stream is a long-lived connection. */
  readonly admission: ClientAdmission
  /** Verifies the request's token (`Authorization: Bearer`, else `?token=`). */
  readonly verify: TokenVerifier
  /** How often an idle stream gets a heartbeat comment, in ms. */
  readonly heartbeatMs: number
}

const log = getLogger('ag-ui-endpoint')

/**
 * `GET /ag-ui/executions/:id`: an execution as an AG-UI 1.0 run over Server-Sent Events. The stream is
 * an execution subscription of the node (history from seq 1, then live, gapless), mapped by
 * {@link AgUiRunMapper}; it resumes after `Last-Event-ID` (header, or `lastEventId` query parameter)
 * and ends once the run has finished. Checked in this order: route (404), method (405, GET only),
 * origin and connections per address (403, 429), token (401), path and query (400), access (403,
 * the subscription rule), history (503 `history_unavailable` when part of it is nowhere to be found).
 *
 * @example
 * const agUi = new AgUiEndpoint({ registry, service, admission, verify, heartbeatMs: 30_000 })
 * httpRoutes({ routes: [agUi.route, api], fallback, allowsOrigin })
 * agUi.close() // on shutdown: every stream ends, clients reconnect with Last-Event-ID
 */
export class AgUiEndpoint {
  private readonly streams = new Set<AgUiEventStream>()
  private closing = false

  constructor(private readonly options: AgUiEndpointOptions) {}

  /** Open streams. */
  get streamCount(): number {
    return this.streams.size
  }

  /** The HTTP route: answers the requests under `/ag-ui`. */
  readonly route: HttpRoute = async (request, response) => {
    const url = request.url ?? '/'
    const queryStart = url.indexOf('?')
    const path = queryStart === -1 ? url : url.slice(0, queryStart)
    if (!isAgUiPath(path)) return false
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1))
    try {
      await this.answer(request, response, path, query)
    } catch (error) {
      log.error({ err: error }, 'AG-UI stream failed')
      webMetrics().internalErrors.inc()
      if (response.headersSent) response.destroy()
      else sendError(response, errorBody('internal_error'))
    }
    return true
  }

  /** Refuses new streams and ends every open one cleanly (clients resume elsewhere with `Last-Event-ID`). */
  close(): void {
    this.closing = true
    for (const stream of [...this.streams]) stream.end('closed')
  }

  private async answer(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const refuse = (error: ErrorBody, headers?: Record<string, string>): void => {
      webMetrics().clientErrors.inc({ code: error.code })
      sendError(response, error, headers)
    }
    const rawId = matchStreamRoute(path)
    if (rawId === undefined) return refuse(errorBody('not_found', 'There is no such AG-UI path'))
    if (request.method !== 'GET')
      return refuse(errorBody('method_not_allowed', 'Only GET is allowed here'), { Allow: 'GET' })
    if (this.closing) return refuse(wireError('closed'))
    const admission = this.options.admission.refusalOf(request)
    if (admission) return refuse(admission)
    const verification = await this.options.verify(tokenFromUpgradeRequest(request))
    if (!verification.ok) {
      const { code } = verification.error
      const challenge = code === 'token_missing' ? 'Bearer' : 'Bearer error="invalid_token"'
      return refuse(verification.error, { 'WWW-Authenticate': challenge })
    }
    const parsed = parseAgUiRequest(rawId, request, query)
    if (!parsed.ok) return refuse(parsed.error)
    const { executionId, resumeAfter } = parsed.request
    const { claims } = verification

    const release = this.options.admission.admit(request)
    webMetrics().connectionsOpened.inc({ protocol: 'ag-ui' })
    const stream = new AgUiEventStream(response, { resumeAfter, heartbeatMs: this.options.heartbeatMs })
    this.streams.add(stream)
    const subscriber = this.options.registry.connect(stream, claims)
    const cancelExpiry = endAtExpiry(claims, () => stream.end('token-expired'))
    stream.onEnd((reason) => {
      subscriber.close()
      cancelExpiry()
      release()
      this.streams.delete(stream)
      if (reason === 'slow-consumer') log.info({ executionId }, 'AG-UI client dropped: too slow')
    })
    await this.options.service.subscribe(
      subscriber,
      { kind: 'execution', executionId, since: 0 },
      (outcome) => {
        if (!outcome.ok) {
          webMetrics().clientErrors.inc({ code: outcome.error.code })
          return stream.refuse(outcome.error)
        }
        const missing = 'missing' in outcome.value ? outcome.value.missing : undefined
        if (missing) {
          webMetrics().clientErrors.inc({ code: 'history_unavailable' })
          return stream.refuse(
            wireError(
              'history_unavailable',
              `Events ${missing.from}..${missing.to} of the execution are in neither the recent buffer nor the store yet: retry`,
            ),
          )
        }
        stream.open()
      },
    )
  }
}
