export interface EventuallyOptions {
  /** @default 20000 */
  readonly timeoutMs?: number
  /** @default 50 */
  readonly intervalMs?: number
  /** Describes what was awaited, for the failure message. */
  readonly what?: string
}

/**
 * Polls `probe` until it returns a value other than `undefined` / `false`, and resolves with it;
 * rejects with the last value seen after the deadline. The poll interval is a probe cadence, not a
 * sleep standing in for synchronisation.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value
      last = value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      const shown = last instanceof Error ? last.message : JSON.stringify(last)
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'} (last: ${shown})`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50))
  }
}
