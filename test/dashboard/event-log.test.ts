import { describe, expect, it } from 'vitest'
import { addEvents, emptyRunView, gapsOf } from '../../dashboard/src/state/event-log.js'
import { reduceRun } from '../../dashboard/src/state/run-reducer.js'
import { initialRunState } from '../../dashboard/src/state/run-state.js'
import { nth, storyRun } from './run-events.js'

describe('the event log of a run', () => {
  const events = storyRun()
  const whole = events.reduce(reduceRun, initialRunState('exec-1'))

  it('folds events that come after the last one held', () => {
    const view = addEvents(addEvents(emptyRunView('exec-1'), events.slice(0, 4)), events.slice(4))

    expect(view.events.map((event) => event.seq)).toEqual(events.map((event) => event.seq))
    expect(view.state).toEqual(whole)
  })

  it('rebuilds the state when an earlier event arrives later (a backfilled range), in seq order', () => {
    const withHole = addEvents(emptyRunView('exec-1'), [...events.slice(0, 3), ...events.slice(7)])
    expect(withHole.state.agents['story-head']?.toolCallIds).toEqual([])

    const filled = addEvents(withHole, events.slice(3, 7).reverse())

    expect(filled.events.map((event) => event.seq)).toEqual(events.map((event) => event.seq))
    expect(filled.state).toEqual(whole)
  })

  it('returns the same view when nothing is new, and ignores other executions', () => {
    const view = addEvents(emptyRunView('exec-1'), events)

    expect(addEvents(view, events.slice(2, 5))).toBe(view)
    expect(addEvents(view, [{ ...nth(events, 0), executionId: 'exec-2', seq: 50 }])).toBe(view)
  })

  it('names the seqs it lacks, up to a known last seq', () => {
    const held = [nth(events, 0), nth(events, 1), nth(events, 4), nth(events, 5)]

    expect(gapsOf(held)).toEqual([{ from: 3, to: 4 }])
    expect(gapsOf(held, 9)).toEqual([
      { from: 3, to: 4 },
      { from: 7, to: 9 },
    ])
    expect(gapsOf([], 2)).toEqual([{ from: 1, to: 2 }])
    expect(gapsOf(events, 12)).toEqual([])
  })
})
