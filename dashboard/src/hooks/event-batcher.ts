import type { StampedAgentEvent } from 'agent-events/client'

/** How long events are gathered before the page re-renders with them. */
const BATCH_MS = 40

/**
 * Gathers events that arrive one per message and hands them over in batches, so that a burst (a
 * replay, a resume) re-renders the page a few times instead of once per event.
 * @example const batcher = new EventBatcher((events) => setView((view) => addEvents(view, events)))
 */
export class EventBatcher {
  private pending: StampedAgentEvent[] = []
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly deliver: (events: StampedAgentEvent[]) => void) {}

  add(event: StampedAgentEvent): void {
    this.pending.push(event)
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS)
  }

  /** Delivers what is gathered now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    const events = this.pending
    this.pending = []
    if (events.length > 0) this.deliver(events)
  }

  /** Forgets what is gathered and delivers nothing more. */
  discard(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.pending = []
  }
}
