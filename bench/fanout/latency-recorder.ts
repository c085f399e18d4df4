import type { LatencySummary } from './child-protocol.js'

const INITIAL_CAPACITY = 1 << 16

/**
 * Wall-clock milliseconds with sub-millisecond resolution. Emit and receive times are taken in
 * different processes: `performance.now()` alone has a per-process origin, `Date.now()` whole ms only.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * Collects latencies (ms) into one growing typed array: a million deliveries cost 8 MB and no
 * per-sample object.
 * @example
 * const recorder = new LatencyRecorder()
 * recorder.add(wallClockMs() - event.sentAt)
 * const { p50, p99, max } = recorder.summary() ?? fail()
 */
export class LatencyRecorder {
  private samples = new Float64Array(INITIAL_CAPACITY)
  private size = 0

  get count(): number {
    return this.size
  }

  add(latencyMs: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2)
      grown.set(this.samples)
      this.samples = grown
    }
    this.samples[this.size++] = latencyMs
  }

  /** p50, p99 (nearest rank) and max; null when there is no sample. */
  summary(): LatencySummary | null {
    if (this.size === 0) return null
    const sorted = this.samples.slice(0, this.size).sort()
    const rank = (quantile: number): number => sorted[Math.max(0, Math.ceil(quantile * this.size) - 1)] ?? 0
    return { count: this.size, p50: rank(0.5), p99: rank(0.99), max: sorted[this.size - 1] ?? 0 }
  }
}
