import type { AgentEventType, StampedAgentEvent } from '../../events/schemas.js'
import { getLogger } from '../../logger.js'
import { drained } from '../client-drain.js'
import type { HistoryReader } from '../history-reader.js'
import {
  wireError,
  type ReplayMessage,
  type ReplayRequest,
  type ReplaySpeed,
  type ReplayState,
  type WireError,
} from '../protocol.js'
import { ReplayClock } from './replay-clock.js'
import { Wakeup } from './wakeup.js'

/** How a replay's protocol reaches its client (one per connection, shared by its replays). */
export interface ReplaySink {
  send(message: ReplayMessage): void
  /** Bytes queued on our side that the client has not taken yet. */
  bufferedBytes(): number
}

export interface ReplaySessionOptions {
  readonly replayId: string
  readonly request: ReplayRequest
  /** The execution's last seq when the replay started (also the floor of what later reads report). */
  readonly lastSeq: number
  readonly history: Pick<HistoryReader, 'readPage'>
  readonly sink: ReplaySink
  /** Past half this many bytes queued for the client, the replay waits for it to read. */
  readonly bufferLimitBytes: number
  /** Told when the replay's state changes (it ended, or a seek made an ended replay playable again). */
  readonly onStateChange: (session: ReplaySession) => void
}

/** Events read from the history at a time: a replay holds at most one page. */
const PAGE_SIZE = 500
/** A long original gap is waited out in steps of at most this long (timers have a maximum). */
const MAX_WAIT_MS = 60_000
const log = getLogger('replay')

/**
 * One replay of one execution on one connection: reads the history a page at a time, sends each
 * event when its original timestamp (scaled by the speed) is due, or as fast as the client reads at
 * `'max'`, and obeys pause, resume, speed, seek and stop. Ends `finished` once every event up to the
 * execution's then-last seq was sent; an ended replay can still be sought (it is then paused there).
 */
export class ReplaySession {
  readonly replayId: string
  readonly executionId: string
  #state: ReplayState = 'playing'
  #position: number
  #lastSeq: number
  #readCursor: number
  #lookahead: StampedAgentEvent[] = []
  #seek: { seq: number; done: () => void } | undefined
  #stopped = false
  readonly #fromSeq: number
  readonly #types: ReadonlySet<AgentEventType> | undefined
  readonly #clock: ReplayClock
  readonly #wakeup = new Wakeup()

  constructor(private readonly options: ReplaySessionOptions) {
    const { request } = options
    this.replayId = options.replayId
    this.executionId = request.executionId
    this.#fromSeq = request.fromSeq
    this.#position = request.fromSeq
    this.#readCursor = request.fromSeq
    this.#lastSeq = options.lastSeq
    this.#types = request.types ? new Set(request.types) : undefined
    this.#clock = new ReplayClock(request.speed)
  }

  get state(): ReplayState {
    return this.#state
  }

  /** The seq the replay has played up to: its last event sent (or the target of the last seek). */
  get position(): number {
    return this.#position
  }

  /** Stopped for good (by the client, the node, or the connection's end): it sends nothing any more. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Starts playing; the messages follow on the sink. */
  start(): void {
    void this.run()
  }

  pause(): void {
    if (this.#state !== 'playing') return
    this.#clock.pause(Date.now())
    this.#state = 'paused'
    this.#wakeup.wake()
  }

  resume(): void {
    if (this.#state !== 'paused') return
    this.#clock.resume(Date.now())
    this.#state = 'playing'
    this.#wakeup.wake()
  }

  setSpeed(speed: ReplaySpeed): void {
    this.#clock.setSpeed(speed, Date.now())
    this.#wakeup.wake()
  }

  /** Resolves once the client holds exactly the events `fromSeq + 1 .. seq` (clamped to what exists). */
  seek(seq: number): Promise<void> {
    if (this.#stopped) return Promise.resolve()
    this.#seek?.done()
    return new Promise((resolve) => {
      this.#seek = { seq, done: resolve }
      this.#wakeup.wake()
    })
  }

  /** Stops for good, telling the client (`replay-end` `stopped`, with `error` when the node stops it). */
  stop(error?: WireError): void {
    if (this.#stopped) return
    const wasEnded = this.#state === 'ended'
    this.abandon()
    if (!wasEnded) {
      const end = {
        type: 'replay-end',
        replayId: this.replayId,
        lastSeq: this.#lastSeq,
        reason: 'stopped',
      } as const
      this.options.sink.send(error ? { ...end, error } : end)
    }
  }

  /** Stops for good without a word: the connection is gone. */
  abandon(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#state = 'ended'
    this.#seek?.done()
    this.#seek = undefined
    this.#wakeup.wake()
    this.options.onStateChange(this)
  }

  private async run(): Promise<void> {
    try {
      while (!this.#stopped) {
        if (this.#seek) {
          await this.applySeek(this.#seek)
          continue
        }
        if (this.#state !== 'playing') {
          await this.#wakeup.wait()
          continue
        }
        const next = await this.peek()
        // A control may have come while the page was read: look again.
        if (this.#stopped || this.#seek || this.#state !== 'playing') continue
        if (!next) {
          this.finish()
          continue
        }
        const wait = this.#clock.dueIn(timeOf(next), Date.now())
        if (wait > 0) {
          await this.#wakeup.wait(Math.min(wait, MAX_WAIT_MS))
          continue
        }
        this.sendNext(next)
        await this.paceByClient()
      }
    } catch (error) {
      log.warn({ err: error, executionId: this.executionId }, 'replay history read failed')
      this.stop(wireError('history_unavailable'))
    }
  }

  /** The next event to send, reading a page when none is left; undefined at the execution's end. */
  private async peek(): Promise<StampedAgentEvent | undefined> {
    while (this.#lookahead.length === 0) {
      const page = await this.options.history.readPage(this.executionId, this.#readCursor, {
        limit: PAGE_SIZE,
        knownLastSeq: this.#lastSeq,
      })
      this.#lastSeq = Math.max(this.#lastSeq, page.lastSeq)
      if (page.through <= this.#readCursor) return undefined
      this.#readCursor = page.through
      const types = this.#types
      this.#lookahead = types ? page.events.filter((event) => types.has(event.type)) : [...page.events]
    }
    return this.#lookahead[0]
  }

  private sendNext(event: StampedAgentEvent): void {
    this.#lookahead.shift()
    this.#position = event.seq
    this.options.sink.send({ type: 'replay-event', replayId: this.replayId, event })
    this.#clock.sent(timeOf(event), Date.now())
  }

  /** Every event up to the execution's last seq was sent. */
  private finish(): void {
    this.#state = 'ended'
    this.#position = Math.max(this.#position, this.#readCursor)
    const lastSeq = this.#lastSeq
    this.options.sink.send({ type: 'replay-end', replayId: this.replayId, lastSeq, reason: 'finished' })
    this.options.onStateChange(this)
  }

  /**
   * Sends at once what the client must hold after the seek: a reset and the events from the start
   * when going back, the events up to the target when going forward; pacing goes on from there.
   */
  private async applySeek(seek: { seq: number; done: () => void }): Promise<void> {
    const target = Math.max(seek.seq, this.#fromSeq)
    if (target < this.#position) {
      this.options.sink.send({ type: 'replay-reset', replayId: this.replayId })
      this.#lookahead = []
      this.#readCursor = this.#fromSeq
      this.#position = this.#fromSeq
      this.#clock.seekTo(undefined, Date.now())
    }
    for (;;) {
      const next = await this.peek()
      if (this.#stopped || this.#seek !== seek || !next || next.seq > target) break
      this.sendNext(next)
      this.#clock.seekTo(timeOf(next), Date.now())
      await this.paceByClient()
    }
    if (this.#stopped || this.#seek !== seek) return
    this.#seek = undefined
    this.#position = Math.max(this.#position, Math.min(target, this.#readCursor))
    if (this.#state === 'ended') {
      this.#state = 'paused'
      this.#clock.pause(Date.now())
      this.options.onStateChange(this)
    }
    seek.done()
  }

  /** Waits while the client has half its buffer limit unread: a replay never outruns its reader. */
  private async paceByClient(): Promise<void> {
    const { sink, bufferLimitBytes } = this.options
    if (sink.bufferedBytes() <= bufferLimitBytes / 2) return
    await drained({
      bufferedBytes: () => sink.bufferedBytes(),
      belowBytes: bufferLimitBytes / 4,
      cancelled: () => this.#stopped,
    })
  }
}

function timeOf(event: StampedAgentEvent): number {
  return Date.parse(event.timestamp)
}
