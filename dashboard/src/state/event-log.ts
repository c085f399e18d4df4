import type { StampedAgentEvent } from 'agent-events/client'
import { reduceRun } from './run-reducer.js'
import { initialRunState, type RunState } from './run-state.js'

/**
 * The events of one execution the page holds, in seq order without duplicates, and the state built
 * from them. Events may come from several sources in any order (live, a history page fetched to fill
 * a `missing` range, a replay): those after the last one held are folded in; one that lands before
 * it makes the state be rebuilt from the start, so the state is always the fold of the held events.
 */
export interface RunView {
  readonly events: readonly StampedAgentEvent[]
  readonly state: RunState
}

/** A range of seqs, both ends included. */
export interface SeqRange {
  readonly from: number
  readonly to: number
}

/**
 * The view of an execution before any of its events.
 * @example let view = emptyRunView('exec-1'); view = addEvents(view, [event])
 */
export function emptyRunView(executionId: string): RunView {
  return { events: [], state: initialRunState(executionId) }
}

/**
 * Adds events (of this execution; others are ignored) and returns the new view, or the same view
 * when nothing was new.
 * @example view = addEvents(view, page.events)
 */
export function addEvents(view: RunView, incoming: readonly StampedAgentEvent[]): RunView {
  const { executionId, lastSeq } = view.state
  const held = new Set(view.events.map((event) => event.seq))
  const fresh = new Map<number, StampedAgentEvent>()
  for (const event of incoming) {
    if (event.executionId === executionId && !held.has(event.seq)) fresh.set(event.seq, event)
  }
  if (fresh.size === 0) return view
  const added = [...fresh.values()].sort((a, b) => a.seq - b.seq)
  const first = added[0]
  if (first !== undefined && first.seq > lastSeq) {
    return { events: [...view.events, ...added], state: added.reduce(reduceRun, view.state) }
  }
  const events = [...view.events, ...added].sort((a, b) => a.seq - b.seq)
  return { events, state: events.reduce(reduceRun, initialRunState(executionId)) }
}

/**
 * The seqs from 1 up to `upTo` (default: the last one held) that are not held, as ranges.
 * @example gapsOf(view.events, ack.lastSeq) // [{ from: 3, to: 5 }]
 */
export function gapsOf(events: readonly StampedAgentEvent[], upTo?: number): SeqRange[] {
  const gaps: SeqRange[] = []
  let expected = 1
  for (const event of events) {
    if (event.seq > expected) gaps.push({ from: expected, to: event.seq - 1 })
    expected = Math.max(expected, event.seq + 1)
  }
  const end = upTo ?? expected - 1
  if (end >= expected) gaps.push({ from: expected, to: end })
  return gaps
}
