import { setTimeout as delay } from 'node:timers/promises'

/** How many times each case runs; the median is reported. */
export const REPETITIONS = 3

/** One measured case: every repetition's wall-clock seconds, and their median. */
export interface Measurement {
  readonly events: number
  readonly samples: readonly number[]
  readonly seconds: number
}

/**
 * Runs `measureOnce` {@link REPETITIONS} times, one after the other, and keeps the median.
 * @example const burst = await measure(10_000, (rep) => burstEmit(context, rep))
 */
export async function measure(
  events: number,
  measureOnce: (rep: number) => Promise<number>,
): Promise<Measurement> {
  const samples: number[] = []
  for (let rep = 1; rep <= REPETITIONS; rep++) samples.push(await measureOnce(rep))
  return { events, samples, seconds: median(samples) }
}

/** Seconds since `start`, a `performance.now()` reading. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000
}

/**
 * Calls `check` every `intervalMs` until it resolves true; rejects naming `what` after `timeoutMs`.
 * @example await pollUntil('all events stored', async () => (await store.countExecutionEvents(id)) === n, 50, 60_000)
 */
export async function pollUntil(
  what: string,
  check: () => Promise<boolean>,
  intervalMs: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await delay(intervalMs)
  }
}

/**
 * The middle value (the mean of the two middle ones for an even count); NaN for none.
 * @example median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? Number.NaN
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2
}
