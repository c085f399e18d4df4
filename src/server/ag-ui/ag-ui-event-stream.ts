import type { ServerResponse } from 'node:http'
import { getLogger } from '../../logger.js'
import { wireError, type WireError } from '../protocol.js'
import type { EventSink, OutgoingEvent } from '../outgoing-event.js'
import { AgUiRunMapper } from './ag-ui-mapper.js'
import { sendError } from './ag-ui-requests.js'
import { streamIdOf } from './ag-ui-stream-ids.js'

export interface AgUiEventStreamOptions {
  /** The last SSE id the client received (0: none): only later parts are written. */
  readonly resumeAfter: number
  /** How often a comment line is written to keep proxies from closing an idle stream, in ms. */
  readonly heartbeatMs: number
}

/** Why a stream ended. */
export type StreamEnd =
  'refused' | 'run-finished' | 'closed' | 'token-expired' | 'slow-consumer' | 'gap' | 'client-gone'

const log = getLogger('ag-ui-stream')

/**
 * One `GET /ag-ui/executions/:id` response: the event sink its subscriber delivers the execution's
 * events to (the replay from seq 1, then live, gapless, as for sockets), mapped to AG-UI events and
 * written as Server-Sent Events with one `id:` per AG-UI event. The whole history is mapped, so the
 * mapper's state (open agents, pairings, message ids) is the one of the full stream, and only the
 * parts after `resumeAfter` are written. The stream ends after `RUN_FINISHED` / `RUN_ERROR`.
 *
 * @example
 * const stream = new AgUiEventStream(response, { resumeAfter: 0, heartbeatMs: 30_000 })
 * const subscriber = registry.connect(stream, claims)
 * stream.onEnd(() => subscriber.close())
 */
export class AgUiEventStream implements EventSink {
  readonly protocol = 'ag-ui'
  private readonly mapper = new AgUiRunMapper()
  private lastSeq = 0
  private heartbeat: NodeJS.Timeout | undefined
  private ended: StreamEnd | undefined
  private readonly endListeners: ((reason: StreamEnd) => void)[] = []

  constructor(
    private readonly response: ServerResponse,
    private readonly options: AgUiEventStreamOptions,
  ) {
    response.once('close', () => this.end('client-gone'))
  }

  /** Why the stream ended, once it has. */
  get endReason(): StreamEnd | undefined {
    return this.ended
  }

  /** Runs `listener` once when the stream ends, whatever the reason. */
  onEnd(listener: (reason: StreamEnd) => void): void {
    if (this.ended) listener(this.ended)
    else this.endListeners.push(listener)
  }

  /** Sends the SSE headers and starts the heartbeats: the subscription was accepted. */
  open(): void {
    if (this.ended) return
    this.response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Reverse proxies (nginx) otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    })
    this.response.flushHeaders()
    this.heartbeat = setInterval(() => this.response.write(': heartbeat\n\n'), this.options.heartbeatMs)
    this.heartbeat.unref()
  }

  send(outgoing: OutgoingEvent): void {
    if (this.ended) return
    const { event } = outgoing
    if (event.seq !== this.lastSeq + 1) {
      // The mapping of what follows depends on every event before it: the client resumes instead.
      log.warn(
        { executionId: event.executionId, expected: this.lastSeq + 1, seq: event.seq },
        'gap in the stream',
      )
      return this.end('gap')
    }
    this.lastSeq = event.seq
    this.mapper.map(event).forEach((agUiEvent, part) => {
      const id = streamIdOf(event.seq, part)
      if (id > this.options.resumeAfter)
        this.response.write(`id: ${id}\ndata: ${JSON.stringify(agUiEvent)}\n\n`)
    })
    if (this.mapper.finished) this.end('run-finished')
  }

  bufferedBytes(): number {
    return this.response.writableLength
  }

  dropAsSlowConsumer(): void {
    this.end('slow-consumer')
  }

  /**
   * Ends the stream: cleanly (the client sees the response end and may reconnect with `Last-Event-ID`)
   * unless the client is too slow, whose queued bytes are dropped at once. Before the stream opened,
   * the request is answered with the error of the reason instead. Idempotent.
   */
  end(reason: StreamEnd): void {
    if (this.ended) return
    this.ended = reason
    clearInterval(this.heartbeat)
    if (!this.response.headersSent && !this.response.destroyed) {
      sendError(this.response, wireError(reason === 'token-expired' ? 'token_expired' : 'closed'))
    } else if (reason === 'slow-consumer' || reason === 'gap') {
      this.response.destroy()
    } else if (!this.response.writableEnded) {
      this.response.end()
    }
    for (const listener of this.endListeners.splice(0)) listener(reason)
  }

  /** Answers the request with an error instead of a stream (a refused subscription). */
  refuse(error: WireError): void {
    if (this.ended) return
    this.ended = 'refused'
    sendError(this.response, error)
    for (const listener of this.endListeners.splice(0)) listener('refused')
  }
}
