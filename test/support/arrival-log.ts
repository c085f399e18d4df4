const DEFAULT_WAIT_MS = 15_000

/** Items in arrival order (events, replay messages), and waiters on what has arrived. */
export class ArrivalLog<T> {
  readonly items: T[] = []
  private readonly waiters = new Set<() => void>()

  constructor(
    private readonly describe: (items: readonly T[]) => string = (items) => `${items.length} items`,
  ) {}

  push(item: T): void {
    this.items.push(item)
    for (const check of this.waiters) check()
  }

  /** Resolves with the items once at least `count` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<T[]> {
    return this.waitUntil((items) => items.length >= count, `${count} items`, timeoutMs)
  }

  /** Resolves with the items once `done(items)` holds; rejects after `timeoutMs`, saying what had arrived. */
  waitUntil(done: (items: readonly T[]) => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done(this.items)) return
        this.waiters.delete(check)
        clearTimeout(timer)
        resolve(this.items)
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new Error(`no ${what} within ${timeoutMs} ms: received ${this.describe(this.items)}`))
      }, timeoutMs)
      this.waiters.add(check)
      check()
    })
  }
}
