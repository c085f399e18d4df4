import type { StampedAgentEvent } from '../events/schemas.js'
import type { PreparedEvent } from './prepare-event.js'

/** One accepted event on its way to Redis. */
export class OutboxEntry {
  private settle!: (event: StampedAgentEvent | undefined) => void
  /** Resolves with the stamped event once it is published and recorded, or undefined if dropped. */
  readonly sent = new Promise<StampedAgentEvent | undefined>((resolve) => (this.settle = resolve))

  constructor(readonly prepared: PreparedEvent) {}

  markSent(seq: number): StampedAgentEvent {
    const stamped = { ...this.prepared.event, seq }
    this.settle(stamped)
    return stamped
  }

  markDropped(): void {
    this.settle(undefined)
  }
}

/**
 * The bounded, ordered queue of events that are accepted but not yet in Redis. The batch being sent
 * is taken out with `take` and put back at the front with `restore` if sending fails, so order is
 * kept across retries. Past the limit the oldest waiting entry is dropped.
 */
export class Outbox {
  private entries: OutboxEntry[] = []

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.entries.length
  }

  /** Appends an entry; returns the entry dropped to make room, if any. */
  push(entry: OutboxEntry): OutboxEntry | undefined {
    this.entries.push(entry)
    return this.entries.length > this.limit ? this.entries.shift() : undefined
  }

  take(count: number): OutboxEntry[] {
    return this.entries.splice(0, count)
  }

  /** Puts a batch that failed to send back in front; returns what no longer fits. */
  restore(batch: readonly OutboxEntry[]): OutboxEntry[] {
    this.entries = [...batch, ...this.entries]
    const excess = this.entries.length - this.limit
    return excess > 0 ? this.entries.splice(0, excess) : []
  }
}
