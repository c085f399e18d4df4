import type { OutboxEntry } from './outbox.js'

/** What became of a held agent-thinking event. */
export type HeldOutcome = 'released' | 'superseded'

interface Held {
  readonly entry: OutboxEntry
  readonly settle: (outcome: HeldOutcome) => void
  readonly timer: NodeJS.Timeout
}

/** Past this many agents remembered, those not heard from within an interval are forgotten. */
const PRUNE_THRESHOLD = 10_000

/**
 * Limits `agent-thinking` events to N per second per agent (execution + agentId), the latest winning:
 * an event that comes too soon after the agent's previous one is held until its slot, and replaced
 * by a newer one that comes meanwhile. Every other event type passes untouched, and releases the held
 * thinking of its execution first, so that the order of an execution's events is kept.
 *
 * @example
 * const coalescer = new ThinkingCoalescer(5, (entry) => outbox.push(entry))
 * const admission = coalescer.admit(entry) // 'send' now, or a promise of 'released' | 'superseded'
 */
export class ThinkingCoalescer {
  private readonly intervalMs: number
  private readonly lastSentAt = new Map<string, number>()
  private readonly held = new Map<string, Held>()

  constructor(
    perSecond: number,
    private readonly release: (entry: OutboxEntry) => void,
  ) {
    this.intervalMs = 1000 / perSecond
  }

  /** Holds an agent-thinking entry that comes too soon; anything else is to be sent now. */
  admit(entry: OutboxEntry): 'send' | Promise<HeldOutcome> {
    const event = entry.prepared.event
    if (event.type !== 'agent-thinking') {
      this.releaseExecution(event.executionId)
      return 'send'
    }
    const key = `${event.executionId}\u0000${event.agentId}`
    const now = Date.now()
    const previous = this.held.get(key)
    const sentAt = this.lastSentAt.get(key)
    if (!previous && (sentAt === undefined || now - sentAt >= this.intervalMs)) {
      this.markSent(key, now)
      return 'send'
    }
    if (previous) {
      clearTimeout(previous.timer)
      previous.settle('superseded')
    }
    const dueIn = Math.max((sentAt ?? now) + this.intervalMs - now, 0)
    return new Promise<HeldOutcome>((settle) => {
      const timer = setTimeout(() => this.releaseKey(key), dueIn)
      timer.unref()
      this.held.set(key, { entry, settle, timer })
    })
  }

  /** Sends every held event now (before a flush or close). */
  releaseAll(): void {
    for (const key of [...this.held.keys()]) this.releaseKey(key)
  }

  private releaseExecution(executionId: string): void {
    for (const [key, { entry }] of this.held) {
      if (entry.prepared.event.executionId === executionId) this.releaseKey(key)
    }
  }

  private releaseKey(key: string): void {
    const held = this.held.get(key)
    if (!held) return
    this.held.delete(key)
    clearTimeout(held.timer)
    this.markSent(key, Date.now())
    this.release(held.entry)
    held.settle('released')
  }

  private markSent(key: string, now: number): void {
    this.lastSentAt.set(key, now)
    if (this.lastSentAt.size <= PRUNE_THRESHOLD) return
    for (const [other, at] of this.lastSentAt) {
      if (now - at >= this.intervalMs && !this.held.has(other)) this.lastSentAt.delete(other)
    }
  }
}
