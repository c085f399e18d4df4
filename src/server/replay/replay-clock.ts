import type { ReplaySpeed } from '../protocol.js'

/** An event sent later than its due time by more than this re-anchors the clock instead of bursting to catch up. */
const LATE_MS = 50

/**
 * The pacing of a replay: event time maps to wall time through an anchor (a wall instant and the
 * event time it plays), scaled by the speed. Pausing freezes the event time played; resuming, a new
 * speed or a seek re-anchors, so that playing resumes exactly where it stopped.
 *
 * @example
 * const clock = new ReplayClock(10)
 * const wait = clock.dueIn(Date.parse(next.timestamp), Date.now()) // ms to wait, 0 when due
 */
export class ReplayClock {
  #speed: ReplaySpeed
  #anchor: { wallMs: number; eventMs: number } | undefined
  #paused = false

  constructor(speed: ReplaySpeed) {
    this.#speed = speed
  }

  get speed(): ReplaySpeed {
    return this.#speed
  }

  /** Milliseconds until an event of time `eventMs` is due; 0 when it is, at `'max'`, or before the first event. */
  dueIn(eventMs: number, nowMs: number): number {
    if (this.#speed === 'max' || this.#anchor === undefined || !Number.isFinite(eventMs)) return 0
    return Math.max(this.dueAt(eventMs, this.#speed, this.#anchor) - nowMs, 0)
  }

  /** An event of time `eventMs` was sent at `nowMs`: the first one (or a late one) anchors the clock. */
  sent(eventMs: number, nowMs: number): void {
    if (!Number.isFinite(eventMs)) return
    const anchor = this.#anchor
    const late =
      anchor !== undefined &&
      this.#speed !== 'max' &&
      nowMs - this.dueAt(eventMs, this.#speed, anchor) > LATE_MS
    if (anchor === undefined || late || this.#speed === 'max') this.#anchor = { wallMs: nowMs, eventMs }
  }

  pause(nowMs: number): void {
    if (this.#paused) return
    this.#anchor = this.#anchor && { wallMs: nowMs, eventMs: this.playedAt(nowMs) }
    this.#paused = true
  }

  resume(nowMs: number): void {
    if (!this.#paused) return
    this.#paused = false
    if (this.#anchor) this.#anchor = { wallMs: nowMs, eventMs: this.#anchor.eventMs }
  }

  setSpeed(speed: ReplaySpeed, nowMs: number): void {
    if (this.#anchor && !this.#paused) this.#anchor = { wallMs: nowMs, eventMs: this.playedAt(nowMs) }
    this.#speed = speed
  }

  /** Playing goes on from an event of time `eventMs` (sent at once by a seek); undefined: from the next event. */
  seekTo(eventMs: number | undefined, nowMs: number): void {
    this.#anchor = eventMs === undefined || !Number.isFinite(eventMs) ? undefined : { wallMs: nowMs, eventMs }
  }

  /** The event time played at `nowMs`. */
  private playedAt(nowMs: number): number {
    const anchor = this.#anchor
    if (!anchor) return Number.NaN
    if (this.#paused || this.#speed === 'max') return anchor.eventMs
    return anchor.eventMs + (nowMs - anchor.wallMs) * this.#speed
  }

  private dueAt(eventMs: number, speed: number, anchor: { wallMs: number; eventMs: number }): number {
    return anchor.wallMs + (eventMs - anchor.eventMs) / speed
  }
}
