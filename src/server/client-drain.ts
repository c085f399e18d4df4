import { setTimeout as delay } from 'node:timers/promises'

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
