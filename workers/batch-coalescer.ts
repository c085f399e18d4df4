interface Pending<T, R> {
  readonly item: T
  readonly resolve: (result: R) => void
  readonly reject: (error: unknown) => void
}

export interface BatchCoalescerOptions {
  /** Most items written in one batch. */
  readonly maxBatchSize: number
  /** When no write is in flight, how long the first item waits for company before its batch is written. */
  readonly lingerMs: number
}

/**
 * Group commit: BullMQ hands the worker one job per processor call; each call submits its event
 * here and awaits the outcome of the batch that carried it. One batch is written at a time and
 * whatever arrives meanwhile forms the next one, so batches grow with load. One writer at a time
 * also keeps each execution's summary updates in order, which stores without atomic
 * single-document updates (FerretDB) need.
 */
export class BatchCoalescer<T, R> {
  private pending: Pending<T, R>[] = []
  private timer: NodeJS.Timeout | undefined
  private writing = false

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    private readonly options: BatchCoalescerOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject })
      if (this.writing) return
      if (this.pending.length >= this.options.maxBatchSize) void this.writeNext()
      else this.timer ??= setTimeout(() => void this.writeNext(), this.options.lingerMs)
    })
  }

  private async writeNext(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.writing) return
    this.writing = true
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.maxBatchSize)
      try {
        const results = await this.writeBatch(batch.map((entry) => entry.item))
        batch.forEach((entry, index) => entry.resolve(results[index] as R))
      } catch (error) {
        batch.forEach((entry) => entry.reject(error))
      }
    }
    this.writing = false
  }
}
