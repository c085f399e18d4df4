import { randomUUID } from 'node:crypto'
import type { AccessClaims } from '../../auth/access-claims.js'
import { getLogger } from '../../logger.js'
import type { EventStore } from '../../store/event-store.js'
import type { HistoryReader } from '../history-reader.js'
import {
  wireError,
  type Outcome,
  type ReplayControl,
  type ReplayRequest,
  type ReplayStarted,
  type ReplayStatus,
  type WireError,
} from '../protocol.js'
import type { SubscriptionAccess } from '../subscription-access.js'
import { ConnectionReplays } from './connection-replays.js'
import { ReplaySession, type ReplaySink } from './replay-session.js'

export interface ReplayServiceOptions {
  /** Replays one connection may run (play or pause) at once; past it `replay` fails with `too_many_replays`. */
  readonly maxReplaysPerConnection: number
  /** Past half this many bytes queued for a client, its replays wait for it to read. */
  readonly clientBufferLimit: number
}

const log = getLogger('replay-service')

/**
 * The semantics of `replay` and `replay-control`, shared by both wire protocols (each wraps the
 * replies and the replay messages in its own envelope). A replay is authorized as a subscription to
 * its execution, runs apart from the connection's subscriptions, and stops with its connection or
 * when the node shuts down.
 *
 * @example
 * const replays = service.connect(sink, claims) // per connection; replays.close() when it ends
 * await service.start(replays, { executionId: 'exec-1', speed: 10, fromSeq: 0 }, respond)
 */
export class ReplayService {
  readonly #connections = new Set<ConnectionReplays>()
  #closing = false

  constructor(
    private readonly history: HistoryReader,
    private readonly access: SubscriptionAccess,
    private readonly store: EventStore | undefined,
    private readonly options: ReplayServiceOptions,
  ) {}

  /** Replays running (playing or paused) on this node. */
  get runningCount(): number {
    let running = 0
    for (const replays of this.#connections) running += replays.runningCount
    return running
  }

  /** The replays of a new connection; `close()` them when the connection ends. */
  connect(sink: ReplaySink, claims: AccessClaims): ConnectionReplays {
    const replays = new ConnectionReplays(sink, claims, this.options.maxReplaysPerConnection, (closed) =>
      this.#connections.delete(closed),
    )
    this.#connections.add(replays)
    return replays
  }

  /** Starts a replay; `respond` gets the outcome before the replay's first message. */
  async start(
    replays: ConnectionReplays,
    request: ReplayRequest,
    respond: (outcome: Outcome<ReplayStarted>) => void,
  ): Promise<void> {
    const refusal = await this.refusalOf(replays, request)
    if (refusal) return respond({ ok: false, error: refusal })
    let lastSeq: number
    try {
      lastSeq = await this.history.lastSeq(request.executionId)
      // Redis forgets an execution's counter after SEQUENCE_TTL_SECONDS: its stored summary remembers.
      if (lastSeq === 0) lastSeq = await this.storedLastSeq(request.executionId)
    } catch (error) {
      log.warn({ err: error, executionId: request.executionId }, 'replay start failed')
      return respond({ ok: false, error: wireError('history_unavailable') })
    }
    if (replays.closed) return
    if (this.#closing) return respond({ ok: false, error: wireError('closed') })
    const session = new ReplaySession({
      replayId: randomUUID(),
      request,
      lastSeq,
      history: this.history,
      sink: replays.sink,
      bufferLimitBytes: this.options.clientBufferLimit,
      onStateChange: (changed) => replays.changed(changed),
    })
    replays.add(session)
    respond({ ok: true, value: { replayId: session.replayId, executionId: request.executionId, lastSeq } })
    session.start()
  }

  /** Applies a control to a replay of the connection; a seek is answered once its events are sent. */
  async control(
    replays: ConnectionReplays,
    control: ReplayControl,
    respond: (outcome: Outcome<ReplayStatus>) => void,
  ): Promise<void> {
    const session = replays.get(control.replayId)
    if (!session) {
      const message = `There is no replay ${control.replayId} on this connection`
      return respond({ ok: false, error: wireError('not_found', message) })
    }
    switch (control.action) {
      case 'pause':
        session.pause()
        break
      case 'resume':
        session.resume()
        break
      case 'speed':
        session.setSpeed(control.speed)
        break
      case 'seek':
        await session.seek(control.seq)
        break
      case 'stop':
        session.stop()
        break
    }
    respond({
      ok: true,
      value: { replayId: session.replayId, state: session.state, position: session.position },
    })
  }

  /** New replays are refused with `closed`, and every running one stops (`replay-end` with `closed`). */
  close(): void {
    this.#closing = true
    for (const replays of this.#connections) replays.stopAll(wireError('closed'))
  }

  /** Why the replay must be refused, if it must: shutdown, the per-connection limit, the claims. */
  private async refusalOf(
    replays: ConnectionReplays,
    request: ReplayRequest,
  ): Promise<WireError | undefined> {
    if (this.#closing) return wireError('closed')
    const limit = this.options.maxReplaysPerConnection
    if (replays.runningCount >= limit) {
      return wireError('too_many_replays', `A connection may run at most ${limit} replays at once`)
    }
    const { executionId } = request
    try {
      if (await this.access.allows(replays.claims, { kind: 'execution', executionId })) return undefined
    } catch (error) {
      log.warn({ err: error }, 'access lookup failed')
      return wireError('history_unavailable')
    }
    return wireError('forbidden', `The access token does not grant access to execution ${executionId}`)
  }

  /** The stored summary's last seq: the replay's end when Redis has forgotten the execution. */
  private async storedLastSeq(executionId: string): Promise<number> {
    try {
      return (await this.store?.getExecution(executionId))?.lastSeq ?? 0
    } catch (error) {
      log.warn({ err: error, executionId }, 'stored summary not readable')
      return 0
    }
  }
}
