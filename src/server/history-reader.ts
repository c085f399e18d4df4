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

/** A bounded part of an execution's history: the next events after a seq, for a paced replay. */
export interface HistoryPage {
  /** Events after `afterSeq`, in seq order, up to `through`; seqs found nowhere are left out. */
  readonly events: readonly StampedAgentEvent[]
  /** The page covers every seq up to this one: read the next page after it. */
  readonly through: number
  /** The execution's last seq when the page was read. */
  readonly lastSeq: number
}

export interface HistoryReadOptions {
  /**
   * A last seq known from elsewhere (the execution's stored summary): the floor of `lastSeq` when
   * Redis no longer knows the execution. @default 0
   */
  readonly knownLastSeq?: number
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
  async read(executionId: string, afterSeq: number, options: HistoryReadOptions = {}): Promise<History> {
    const { recent, lastSeq, olderThan } = await this.readRecent(executionId, afterSeq, options)
    if (olderThan <= afterSeq + 1) return { events: recent, lastSeq }

    const older = await this.readStore(executionId, afterSeq, olderThan - 1)
    const events = older.length === 0 ? recent : [...older, ...recent]
    const missing = missingRange(older, afterSeq, olderThan - 1)
    return missing ? { events, lastSeq, missing } : { events, lastSeq }
  }

  /**
   * At most `limit` events after `afterSeq` (from the store, else the recent buffer), so that a long
   * replay holds one page at a time. Throws only when Redis cannot be read.
   */
  async readPage(
    executionId: string,
    afterSeq: number,
    options: HistoryReadOptions & { readonly limit: number },
  ): Promise<HistoryPage> {
    const { recent, lastSeq, olderThan } = await this.readRecent(executionId, afterSeq, options)
    if (olderThan <= afterSeq + 1) {
      const events = recent.slice(0, options.limit)
      return { events, through: events.at(-1)?.seq ?? Math.max(afterSeq, lastSeq), lastSeq }
    }
    const through = Math.min(olderThan - 1, afterSeq + options.limit)
    return { events: await this.readStore(executionId, afterSeq, through), through, lastSeq }
  }

  /** The execution's last seq: Redis's counter, or `knownLastSeq` when that is greater. */
  async lastSeq(executionId: string, options: HistoryReadOptions = {}): Promise<number> {
    const counted = await this.buffer.lastSeq(executionId)
    return Math.max(counted, options.knownLastSeq ?? 0)
  }

  /** The buffered events after `afterSeq`, the last seq, and the first seq the buffer holds. */
  private async readRecent(
    executionId: string,
    afterSeq: number,
    options: HistoryReadOptions,
  ): Promise<{ recent: StampedAgentEvent[]; lastSeq: number; olderThan: number }> {
    // The counter first: every seq up to it is in the buffer read next, or older than its first event.
    const counted = await this.buffer.lastSeq(executionId)
    const recent = await this.buffer.readAfter(executionId, afterSeq)
    const lastSeq = Math.max(counted, recent.at(-1)?.seq ?? 0, options.knownLastSeq ?? 0)
    return { recent, lastSeq, olderThan: recent[0]?.seq ?? lastSeq + 1 }
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
