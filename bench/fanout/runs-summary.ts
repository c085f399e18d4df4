import { median } from '../measure.js'
import type { PhaseResult } from './fanout-phase.js'

/** Repeated runs of one phase (same stack, same rate), as one table row. */
export interface RunsSummary {
  readonly runs: readonly PhaseResult[]
  /** Medians over the runs. */
  readonly emittedPerSecond: number
  readonly deliveredPerSecond: number
  readonly p50: number
  readonly p99: number
  /** Web node CPU seconds per delivery; NaN where /proc is missing. */
  readonly cpuPerDelivery: number
  /** The largest latency of any run. */
  readonly max: number
  /** Totals over the runs. */
  readonly deliveries: number
  readonly lost: number
  readonly outOfOrder: number
  readonly disconnected: number
  readonly stray: number
}

/**
 * Medians of the rates, latency percentiles and CPU cost of the runs, the worst latency, and totals
 * of the deliveries and of everything that went wrong.
 * @example const row = summarizeRuns([run1, run2, run3])
 */
export function summarizeRuns(runs: readonly PhaseResult[]): RunsSummary {
  const total = (count: (run: PhaseResult) => number): number =>
    runs.reduce((sum, run) => sum + count(run), 0)
  const latencies = runs.map((run) => run.deliveries.latency)
  return {
    runs,
    emittedPerSecond: median(runs.map((run) => run.emittedPerSecond)),
    deliveredPerSecond: median(runs.map((run) => run.deliveredPerSecond)),
    p50: median(latencies.map((latency) => latency?.p50 ?? Number.NaN)),
    p99: median(latencies.map((latency) => latency?.p99 ?? Number.NaN)),
    cpuPerDelivery: median(runs.map((run) => (run.nodeCpuSeconds ?? Number.NaN) / run.deliveries.delivered)),
    max: Math.max(...latencies.map((latency) => latency?.max ?? Number.NaN)),
    deliveries: total((run) => run.deliveries.delivered),
    lost: total((run) => run.deliveries.lost),
    outOfOrder: total((run) => run.deliveries.outOfOrder),
    disconnected: total((run) => run.deliveries.disconnected),
    stray: total((run) => run.deliveries.stray),
  }
}
