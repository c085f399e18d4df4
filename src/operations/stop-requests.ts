/**
 * Calls `stop` once, on the first request to stop the process: SIGTERM or SIGINT, or, for a process
 * started with an IPC channel (a test harness, `npm start`), the parent going away, so that a
 * killed parent leaves no orphans behind.
 * @example whenStopRequested((reason) => void node.close().then(() => process.exit(0)))
 */
export function whenStopRequested(stop: (reason: string) => void): void {
  let requested = false
  const request = (reason: string): void => {
    if (requested) return
    requested = true
    stop(reason)
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => request(signal))
  if (process.connected) process.once('disconnect', () => request('parent disconnected'))
}
