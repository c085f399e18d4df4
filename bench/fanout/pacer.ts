import { setTimeout as delay } from 'node:timers/promises'

/** Pause between two rounds of sends; each round sends whatever fell due since the start. */
const TICK_MS = 2

export interface PaceOptions {
  readonly ratePerSecond: number
  /** Sends at most this many. */
  readonly count: number
  /** Sends item `index` (0, 1, ...), without waiting for it to complete. */
  readonly send: (index: number) => void
  /** Checked every round: true stops the pacing early. */
  readonly stopped?: () => boolean
}

/**
 * Calls `send` at `ratePerSecond` on average, measured from the start: a round that comes late (a
 * busy event loop) sends everything that fell due meanwhile, so the offered load stays the one asked
 * for. Resolves with how many were sent and over how many seconds.
 * @example await pace({ ratePerSecond: 1000, count: 3000, send: (i) => void emit(events[i]) })
 */
export async function pace(options: PaceOptions): Promise<{ sent: number; seconds: number }> {
  const { ratePerSecond, count, send, stopped } = options
  const start = performance.now()
  let sent = 0
  while (sent < count && stopped?.() !== true) {
    const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * ratePerSecond) + 1)
    while (sent < due) send(sent++)
    if (sent < count) await delay(TICK_MS)
  }
  return { sent, seconds: (performance.now() - start) / 1000 }
}
