import type { AccessClaims } from '../../auth/access-claims.js'
import type { WireError } from '../protocol.js'
import type { ReplaySession, ReplaySink } from './replay-session.js'

/**
 * The replays of one client connection: those running (playing or paused), which its limit counts,
 * and the most recent ended ones, which stay addressable (a seek plays them again) up to as many as
 * the limit; older ended ones are forgotten.
 *
 * @example if (replays.runningCount >= limit) respond(tooManyReplays)
 */
export class ConnectionReplays {
  readonly #sessions = new Map<string, ReplaySession>()
  #closed = false

  constructor(
    readonly sink: ReplaySink,
    readonly claims: AccessClaims,
    private readonly keptEnded: number,
    private readonly onClose: (replays: ConnectionReplays) => void,
  ) {}

  get closed(): boolean {
    return this.#closed
  }

  /** Replays playing or paused. */
  get runningCount(): number {
    let running = 0
    for (const session of this.#sessions.values()) if (session.state !== 'ended') running += 1
    return running
  }

  add(session: ReplaySession): void {
    this.#sessions.set(session.replayId, session)
  }

  get(replayId: string): ReplaySession | undefined {
    return this.#sessions.get(replayId)
  }

  /** Follows a replay's state: a stopped one is forgotten, and ended ones beyond the limit. */
  changed(session: ReplaySession): void {
    if (session.stopped) this.#sessions.delete(session.replayId)
    const ended = [...this.#sessions.values()].filter((candidate) => candidate.state === 'ended')
    for (const oldest of ended.slice(0, Math.max(ended.length - this.keptEnded, 0))) oldest.abandon()
  }

  /** Stops every replay, telling the client why (the node is shutting down). */
  stopAll(error: WireError): void {
    for (const session of [...this.#sessions.values()]) session.stop(error)
  }

  /** The connection is gone: every replay stops at once. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const session of [...this.#sessions.values()]) session.abandon()
    this.onClose(this)
  }
}
