import { useCallback, useEffect, useRef, useState } from 'react'

export interface Polled<T> {
  readonly value: T | undefined
  readonly error: unknown
  /** True until the first answer (or failure). */
  readonly loading: boolean
  /** Reads again now (a stable function). */
  refresh(): void
}

/**
 * Reads `read()` now and every `intervalMs` while mounted, and again whenever `key` changes (the
 * previous value is dropped then). A read that overlaps the next tick is not started twice.
 * @example const runs = usePolling(() => listRuns(api, query), 3000, JSON.stringify(query))
 */
export function usePolling<T>(read: () => Promise<T>, intervalMs: number, key: string): Polled<T> {
  const [state, setState] = useState<{ value: T | undefined; error: unknown; loading: boolean }>({
    value: undefined,
    error: undefined,
    loading: true,
  })
  const [tick, setTick] = useState(0)
  const readRef = useRef(read)
  readRef.current = read

  useEffect(() => {
    setState({ value: undefined, error: undefined, loading: true })
  }, [key])

  useEffect(() => {
    let active = true
    let inFlight = false
    const run = (): void => {
      if (inFlight) return
      inFlight = true
      readRef
        .current()
        .then(
          (value) => active && setState({ value, error: undefined, loading: false }),
          (error: unknown) => active && setState((current) => ({ ...current, error, loading: false })),
        )
        .finally(() => {
          inFlight = false
        })
    }
    run()
    const timer = window.setInterval(run, intervalMs)
    return () => {
      active = false
      window.clearInterval(timer)
    }
  }, [key, intervalMs, tick])

  const refresh = useCallback(() => setTick((value) => value + 1), [])
  return { ...state, refresh }
}
