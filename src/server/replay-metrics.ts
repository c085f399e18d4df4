import { webMetrics } from '../metrics/web-metrics.js'

/** Counts one replay of history to a subscription: its size, and whether a range was missing. */
export function countReplay(events: number, missing: boolean): void {
  const metrics = webMetrics()
  metrics.replays.inc()
  metrics.replaySize.observe(events)
  if (missing) metrics.replayMissing.inc()
}
