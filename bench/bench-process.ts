/**
 * The lifecycle every bench entry point shares: a hard stop when a run hangs, a bounded exit after
 * the results, and settings read from the environment that stop the process when invalid.
 */

/** After the results, how long open handles may keep the process alive before it exits anyway. */
const EXIT_GRACE_MS = 10_000

/**
 * Runs `main`, stopping the process after `timeoutMs` if it has not finished; a failure is printed
 * and sets exit code 1. The exit handlers of test/support kill the servers and child processes the
 * run started, whichever way it ends.
 * @example await runBounded('bench', 300_000, () => runDurablePathBench(options))
 */
export async function runBounded(name: string, timeoutMs: number, main: () => Promise<void>): Promise<void> {
  const hardStop = setTimeout(() => {
    console.error(`${name}: not finished after ${timeoutMs / 1000} s; stopping`)
    process.exit(1)
  }, timeoutMs)
  try {
    await main()
  } catch (error) {
    console.error(`${name} failed:`, error)
    process.exitCode = 1
  } finally {
    clearTimeout(hardStop)
  }
  setTimeout(() => {
    console.error(`${name}: handles still open ${EXIT_GRACE_MS / 1000} s after the end; exiting`)
    process.exit()
  }, EXIT_GRACE_MS).unref()
}

/**
 * The positive integer in environment variable `name`, or `fallback` when it is unset or empty;
 * anything else stops the process with exit code 2.
 * @example const events = positiveIntegerSetting('BENCH_EVENTS', 10_000)
 */
export function positiveIntegerSetting(name: string, fallback: number): number {
  const value = process.env[name]
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(value)}`)
    process.exit(2)
  }
  return parsed
}
