import { setTimeout as delay } from 'node:timers/promises'
import type { StampedAgentEvent } from '../events/schemas.js'
import { getLogger } from '../logger.js'
import type { RecentBuffer } from '../redis/recent-buffer.js'
import type { EventStore } from '../store/event-store.js'
import type { MissingRange } from './protocol.js'

/** The events of an execution after a seq, read from the recent buffer and the store. */
export interface History {
  /** Every event found after `afterSeq`, in seq order, up to `lastSeq`. */
  readonly events: readonly StampedAgentEvent[]
  /** The execution's last seq when the history was read (0 for an unknown execution). */
  readonly lastSeq: number
  /** The smallest range holding every seq after `afterSeq` up to `lastSeq` that was found nowhere. */
  readonly missing?: MissingRange
}

export interface HistoryReaderOptions {
  /** How long to wait for the store to catch up with the buffer (persistence is asynchronous). */
  readonly waitMs: number
  /** Pause between two reads of a store that is still missing events. @default 50 */
  readonly pollMs?: number
}

/** Events per store read. */
const STORE_PAGE = 1000
const log = getLogger('history-reader')

/**
 * Reads an execution's history after a seq: the recent buffer for the newest part, the store for
 * what the buffer no longer holds, waiting a little for a store that lags behind the buffer, and
 * naming exactly what neither has.
 *
 * @example
 * const history = await reader.read('exec-1', 120)
 * if (history.missing) console.warn(`seqs ${history.missing.from}..${history.missing.to} are missing`)
 */
export class HistoryReader {
  private readonly pollMs: number

  constructor(
    private readonly buffer: RecentBuffer,
    private readonly store: EventStore | undefined,
    private readonly options: HistoryReaderOptions,
  ) {
    this.pollMs = options.pollMs ?? 50
  }

  /** Throws only when Redis cannot be read; a failing store counts as a store missing events. */
  async read(executionId: string, afterSeq: number): Promise<History> {
    // The counter first: every seq up to it is in the buffer read next, or older than its first event.
    const counted = await this.buffer.lastSeq(executionId)
    const recent = await this.buffer.readAfter(executionId, afterSeq)
    const lastSeq = Math.max(counted, recent.at(-1)?.seq ?? 0)
    const olderThan = recent[0]?.seq ?? lastSeq + 1
    if (olderThan <= afterSeq + 1) return { events: recent, lastSeq }

    const older = await this.readStore(executionId, afterSeq, olderThan - 1)
    const events = older.length === 0 ? recent : [...older, ...recent]
    const missing = missingRange(older, afterSeq, olderThan - 1)
    return missing ? { events, lastSeq, missing } : { events, lastSeq }
  }

  /** Stored events in (afterSeq, upTo], waiting up to `waitMs` for the ones not stored yet. */
  private async readStore(executionId: string, afterSeq: number, upTo: number): Promise<StampedAgentEvent[]> {
    const store = this.store
    if (!store) return []
    const contiguous: StampedAgentEvent[] = []
    const deadline = Date.now() + this.options.waitMs
    let cursor = afterSeq
    for (;;) {
      const page = await readPage(store, executionId, cursor, upTo)
      for (const event of page ?? []) {
        if (event.seq !== cursor + 1) break
        contiguous.push(event)
        cursor = event.seq
      }
      if (cursor >= upTo) return contiguous
      const pageWasWhole = page !== undefined && page.length === STORE_PAGE && page.at(-1)?.seq === cursor
      if (pageWasWhole) continue
      if (Date.now() >= deadline) break
      await delay(Math.min(this.pollMs, Math.max(deadline - Date.now(), 0)))
    }
    // Still a hole at cursor + 1: deliver what lies beyond it too, and name what is missing.
    const beyond: StampedAgentEvent[] = []
    for (let after = cursor; after < upTo;) {
      const page = await readPage(store, executionId, after, upTo)
      if (!page || page.length === 0) break
      beyond.push(...page)
      after = page.at(-1)?.seq ?? upTo
      if (page.length < STORE_PAGE) break
    }
    return [...contiguous, ...beyond]
  }
}

/** Stored events in (afterSeq, upTo], or undefined when the store cannot be read right now. */
async function readPage(
  store: EventStore,
  executionId: string,
  afterSeq: number,
  upTo: number,
): Promise<StampedAgentEvent[] | undefined> {
  try {
    const page = await store.getExecutionEvents(executionId, { afterSeq, limit: STORE_PAGE })
    return page.filter((event) => event.seq <= upTo)
  } catch (error) {
    log.warn({ err: error, executionId }, 'history store read failed')
    return undefined
  }
}

/** The smallest range of seqs in (afterSeq, upTo] absent from `found` (sorted by seq), if any. */
function missingRange(
  found: readonly StampedAgentEvent[],
  afterSeq: number,
  upTo: number,
): MissingRange | undefined {
  let from: number | undefined
  let to: number | undefined
  let expected = afterSeq + 1
  const note = (first: number, last: number): void => {
    from ??= first
    to = last
  }
  for (const event of found) {
    if (event.seq > expected) note(expected, event.seq - 1)
    expected = Math.max(expected, event.seq + 1)
  }
  if (expected <= upTo) note(expected, upTo)
  return from !== undefined && to !== undefined ? { from, to } : undefined
}
