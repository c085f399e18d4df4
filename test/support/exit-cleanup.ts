/**
 * Synchronous last-resort cleanup when the test process ends: servers and child processes started
 * by a test that failed or forgot to stop them must not outlive the run. Runs on a normal exit and
 * on SIGTERM / SIGINT / SIGHUP — Vitest stops its fork workers with SIGTERM, which skips 'exit'.
 * A SIGKILL cannot be caught: children of a SIGKILLed process are left running.
 *
 * @example
 * const forget = atExit(() => child.kill('SIGKILL'))
 * // later, once the child is stopped properly:
 * forget()
 */
export function atExit(action: () => void): () => void {
  if (!installed) {
    process.on('exit', runAll)
    for (const signal of SIGNALS) process.on(signal, onSignal)
    installed = true
  }
  actions.add(action)
  return () => actions.delete(action)
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP']
const actions = new Set<() => void>()
let installed = false

function runAll(): void {
  for (const action of actions) {
    try {
      action()
    } catch {
      // Exiting anyway: one failed cleanup must not skip the others.
    }
  }
  actions.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  runAll()
  // Listening replaced the default action (terminate); when nobody else handles the signal,
  // raise it again so the process still dies of it.
  if (process.listenerCount(signal) === 1) {
    process.off(signal, onSignal)
    process.kill(process.pid, signal)
  }
}
