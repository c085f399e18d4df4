import { useEffect, useRef, useState } from 'react'
import type { StampedAgentEvent } from 'agent-events/client'
import { storedEvents, type ExecutionSummary } from '../api/executions.js'
import type { ApiClient } from '../api/http-client.js'
import { addEvents, emptyRunView, gapsOf, type RunView } from '../state/event-log.js'

/** Executions of a conversation whose events are read from the store (the newest); older ones show their summary. */
export const DETAILED_EXECUTIONS = 20

/**
 * The run view of every execution of a conversation, built by the same reducer as the run page from
 * two sources: the conversation's live events, and each listed execution's stored events, read
 * again from the first seq it lacks whenever its summary says there is more (so that a run that was
 * already going when the page opened, or events missed while reconnecting, fill in).
 * @example const views = useConversationRuns(api, listing, live.events)
 */
export function useConversationRuns(
  api: ApiClient,
  listed: readonly ExecutionSummary[] | undefined,
  liveEvents: readonly StampedAgentEvent[],
): ReadonlyMap<string, RunView> {
  const [views, setViews] = useState<ReadonlyMap<string, RunView>>(new Map())
  const viewsRef = useRef(views)
  viewsRef.current = views
  const lastLive = useRef<StampedAgentEvent | undefined>(undefined)

  useEffect(() => {
    const start = lastLive.current === undefined ? 0 : liveEvents.lastIndexOf(lastLive.current) + 1
    const fresh = liveEvents.slice(start)
    lastLive.current = liveEvents.at(-1)
    if (fresh.length > 0) setViews((current) => merged(current, fresh))
  }, [liveEvents])

  useEffect(() => {
    let active = true
    for (const summary of (listed ?? []).slice(0, DETAILED_EXECUTIONS)) {
      const view = viewsRef.current.get(summary.executionId) ?? emptyRunView(summary.executionId)
      const firstGap = gapsOf(view.events, summary.lastSeq)[0]
      if (firstGap === undefined) continue
      storedEvents(api, summary.executionId, firstGap.from - 1, summary.lastSeq).then(
        (events) => active && setViews((current) => merged(current, events)),
        () => undefined,
      )
    }
    return () => {
      active = false
    }
  }, [api, listed])

  return views
}

function merged(
  views: ReadonlyMap<string, RunView>,
  events: readonly StampedAgentEvent[],
): ReadonlyMap<string, RunView> {
  const next = new Map(views)
  const byExecution = new Map<string, StampedAgentEvent[]>()
  for (const event of events)
    byExecution.set(event.executionId, [...(byExecution.get(event.executionId) ?? []), event])
  for (const [executionId, group] of byExecution) {
    next.set(executionId, addEvents(next.get(executionId) ?? emptyRunView(executionId), group))
  }
  return next
}
