import { setTimeout as delay } from 'node:timers/promises'
import type { StampedAgentEvent } from '../events/schemas.js'
import { OutgoingEvent, type EventSink } from './outgoing-event.js'

/** How often a sender waiting for its client checks whether the client has taken its buffered bytes. */
const DRAIN_POLL_MS = 10

export interface DrainWait {
  /** Bytes queued for the client and not taken yet. */
  readonly bufferedBytes: () => number
  /** Wait until at most this many bytes are queued. */
  readonly belowBytes: number
  /** Give up (false) after this long; absent: wait as long as it takes. */
  readonly timeoutMs?: number
  /** The sender is gone (connection closed, replay stopped): stop waiting (true). */
  readonly cancelled: () => boolean
}

/**
 * Waits until a client has read enough of what was sent to it: how a replay is paced by the client's
 * reading instead of growing the node's memory. False when the client did not within the timeout.
 * @example if (sink.bufferedBytes() > limit && !(await drained({ ...sink, belowBytes: limit / 2, cancelled }))) drop()
 */
export async function drained(wait: DrainWait): Promise<boolean> {
  const deadline = wait.timeoutMs === undefined ? Infinity : Date.now() + wait.timeoutMs
  while (!wait.cancelled() && wait.bufferedBytes() > wait.belowBytes) {
    if (Date.now() >= deadline) return false
    // Unreferenced: a sender waiting for a client never keeps a closing node alive.
    await delay(DRAIN_POLL_MS, undefined, { ref: false })
  }
  return true
}

/**
 * Sends events to a subscriber's client, waiting whenever more than `bufferLimitBytes` are queued
 * until it has read half; `caughtUp` is false when it did not within `drainTimeoutMs` (the caller
 * drops it as a slow consumer). Returns how many events were sent.
 */
export async function sendPaced(
  sink: EventSink,
  events: readonly StampedAgentEvent[],
  limits: {
    readonly bufferLimitBytes: number
    readonly drainTimeoutMs: number
    readonly cancelled: () => boolean
  },
): Promise<{ readonly sent: number; readonly caughtUp: boolean }> {
  let sent = 0
  for (const event of events) {
    if (limits.cancelled()) break
    sink.send(new OutgoingEvent(event))
    sent += 1
    if (sink.bufferedBytes() <= limits.bufferLimitBytes) continue
    const caughtUp = await drained({
      bufferedBytes: () => sink.bufferedBytes(),
      belowBytes: limits.bufferLimitBytes / 2,
      timeoutMs: limits.drainTimeoutMs,
      cancelled: limits.cancelled,
    })
    if (!caughtUp) return { sent, caughtUp }
  }
  return { sent, caughtUp: true }
}
