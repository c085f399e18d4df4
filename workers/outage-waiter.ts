import { setTimeout as delay } from 'node:timers/promises'
import { getLogger } from '../src/logger.js'
import { workerMetrics } from '../src/metrics/worker-metrics.js'

export interface OutageWaiterOptions {
  /** Resolves when everything the operations need answers again (the store and Redis). */
  readonly probe: () => Promise<void>
  /** Pause between two probes during an outage. */
  readonly probeIntervalMs: number
  /** Whether a failure is an outage (to wait out) rather than a failure of the operation itself. */
  readonly isOutage: (error: unknown) => boolean
}

/** Thrown by {@link OutageWaiter.run} when the waiter closes during an outage. */
export class OutageWaitAbortedError extends Error {
  constructor() {
    super('stopped while waiting for an outage to end')
    this.name = 'OutageWaitAbortedError'
  }
}

const log = getLogger('outage-waiter')

/**
 * Waits outages out instead of failing: an operation that fails with an outage waits, with every
 * other operation of the waiter, until one shared probe succeeds, and then runs again. Only failures
 * that are not outages reach the caller (and count against a job's attempts).
 *
 * @example const outcomes = await waiter.run(() => store.persistRecorded(records))
 */
export class OutageWaiter {
  private recovery: Promise<void> | undefined
  private closed = false
  private readonly aborters = new Set<() => void>()

  constructor(private readonly options: OutageWaiterOptions) {}

  /** Whether an outage is being waited out now. */
  get waiting(): boolean {
    return this.recovery !== undefined
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.recovery) {
        await this.untilRecoveredOrClosed(this.recovery)
        if (this.closed) throw new OutageWaitAbortedError()
      }
      try {
        return await operation()
      } catch (error) {
        if (!this.options.isOutage(error)) throw error
        if (this.closed) throw new OutageWaitAbortedError()
        this.enterOutage(error)
      }
    }
  }

  /**
   * Ends every wait with {@link OutageWaitAbortedError} (the caller puts its work back), and makes an
   * operation that meets an outage from now on end so too; operations outside outages go on.
   */
  close(): void {
    this.closed = true
    for (const abort of this.aborters) abort()
  }

  private enterOutage(error: unknown): void {
    workerMetrics().outages.inc()
    if (this.recovery) return
    log.warn({ err: error }, 'the store or Redis is unavailable: waiting for it, no attempt spent')
    workerMetrics().waitingForStore.set(1)
    const startedAt = Date.now()
    this.recovery = this.probeUntilRecovered().finally(() => {
      this.recovery = undefined
      workerMetrics().waitingForStore.set(0)
      if (!this.closed) log.warn({ waitedMs: Date.now() - startedAt }, 'the outage is over: resuming')
    })
  }

  private async probeUntilRecovered(): Promise<void> {
    while (!this.closed) {
      await delay(this.options.probeIntervalMs)
      try {
        await this.options.probe()
        return
      } catch {
        // still down
      }
    }
  }

  private untilRecoveredOrClosed(recovery: Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      const abort = (): void => resolve()
      this.aborters.add(abort)
      void recovery.finally(() => {
        this.aborters.delete(abort)
        resolve()
      })
    })
  }
}
