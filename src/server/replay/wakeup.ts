/**
 * A sleep that something else can cut short: a replay waits for its next event's due time, or while
 * paused, and a control (pause, speed, seek, stop) wakes it to look again. Its timer is unreferenced:
 * a waiting replay never keeps a closing node alive.
 *
 * @example
 * await wakeup.wait(120) // up to 120 ms, less if wakeup.wake() is called
 */
export class Wakeup {
  #wake: (() => void) | undefined

  /** Resolves after `timeoutMs` (never when absent), or at the next {@link wake}. */
  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs)
      timer?.unref()
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.#wake = done
    })
  }

  wake(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}
