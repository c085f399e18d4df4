import { useEffect, useMemo, useState } from 'react'
import type { AgentEventsClient, MissingRange, WireError } from 'agent-events/client'
import { storedEvents } from '../api/executions.js'
import { ApiError, type ApiClient } from '../api/http-client.js'
import { addEvents, emptyRunView, type RunView } from '../state/event-log.js'
import { EventBatcher } from './event-batcher.js'
import { useConnected } from './use-connection.js'

/** Where the live stream of a run stands. */
export type LinkState = 'connecting' | 'reconnecting' | 'resuming' | 'live'

/** A range the node could not replay, and what fetching it from the stored history gave. */
export interface MissingReport extends MissingRange {
  /** `failed`: the read failed and is tried again; `refused`: the token may not read it, given up. */
  readonly status: 'fetching' | 'recovered' | 'incomplete' | 'failed' | 'refused'
  /** Events of the range found in the store so far. */
  readonly recovered: number
  readonly error?: string
}

export interface RunStream {
  readonly view: RunView
  readonly link: LinkState
  /** The execution's last seq when the node took the latest subscription. */
  readonly ackLastSeq: number | undefined
  /** Times the watch was taken again after the first (one per reconnection). */
  readonly resumes: number
  readonly missing: readonly MissingReport[]
  readonly error: WireError | undefined
}

/**
 * A missing range is read from the store again and again until it is whole (persistence is
 * asynchronous, and a store may be down for a while), with a growing pause between two reads.
 */
const BACKFILL_FIRST_RETRY_MS = 2000
const BACKFILL_MAX_RETRY_MS = 10_000
/** Refusals that another read would get again: the page stops reading. */
const FINAL_REFUSALS = new Set([
  'token_missing',
  'token_invalid',
  'token_expired',
  'forbidden',
  'invalid_request',
])

/**
 * Watches one execution live through `agent-events/client`: its whole history, then live events, with
 * the client resuming from the last seq after every reconnection. A range the node reports `missing`
 * is shown and fetched from the stored history (`GET /api/executions/:id/events`).
 * @example const { view, link, missing } = useRunStream(client, api, 'exec-1')
 */
export function useRunStream(client: AgentEventsClient, api: ApiClient, executionId: string): RunStream {
  const [view, setView] = useState<RunView>(() => emptyRunView(executionId))
  const [subscription, setSubscription] = useState({
    count: 0,
    taken: false,
    lastSeq: undefined as number | undefined,
  })
  const [missing, setMissing] = useState<readonly MissingReport[]>([])
  const [error, setError] = useState<WireError | undefined>(undefined)
  const { connected, everConnected } = useConnected(client)

  useEffect(() => {
    setView(emptyRunView(executionId))
    setSubscription({ count: 0, taken: false, lastSeq: undefined })
    setMissing([])
    setError(undefined)
    let active = true
    const batcher = new EventBatcher((events) => setView((current) => addEvents(current, events)))
    const report = (range: MissingRange, change: Partial<MissingReport>): void =>
      setMissing((current) =>
        current.map((entry) =>
          entry.from === range.from && entry.to === range.to ? { ...entry, ...change } : entry,
        ),
      )
    const backfill = async (range: MissingRange): Promise<void> => {
      const size = range.to - range.from + 1
      for (let attempt = 0; active; attempt++) {
        try {
          const events = await storedEvents(api, executionId, range.from - 1, range.to)
          if (!active) return
          setView((current) => addEvents(current, events))
          const complete = events.length >= size
          report(range, { recovered: events.length, status: complete ? 'recovered' : 'incomplete' })
          if (complete) return
        } catch (failure) {
          const code = failure instanceof ApiError ? failure.code : 'network_error'
          const refused = FINAL_REFUSALS.has(code)
          report(range, { status: refused ? 'refused' : 'failed', error: code })
          if (refused) return
        }
        const pause = Math.min(BACKFILL_FIRST_RETRY_MS * 2 ** attempt, BACKFILL_MAX_RETRY_MS)
        await new Promise((resolve) => setTimeout(resolve, pause))
      }
    }
    const stop = client.watchExecution(executionId, {
      onEvent: (event) => batcher.add(event),
      onSubscribed: (subscribed) => {
        setError(undefined)
        setSubscription((current) => ({
          count: current.count + 1,
          taken: true,
          lastSeq: 'lastSeq' in subscribed ? subscribed.lastSeq : current.lastSeq,
        }))
      },
      onMissing: (range) => {
        setMissing((current) => [...current, { ...range, status: 'fetching', recovered: 0 }])
        void backfill(range)
      },
      onError: setError,
    })
    return () => {
      active = false
      stop()
      batcher.discard()
    }
  }, [client, api, executionId])

  useEffect(() => {
    if (!connected) setSubscription((current) => (current.taken ? { ...current, taken: false } : current))
  }, [connected])

  const link = useMemo<LinkState>(() => {
    if (!connected) return everConnected ? 'reconnecting' : 'connecting'
    if (!subscription.taken) return 'resuming'
    const caughtUp = subscription.lastSeq === undefined || view.state.lastSeq >= subscription.lastSeq
    return caughtUp || missing.length > 0 ? 'live' : 'resuming'
  }, [connected, everConnected, subscription, view.state.lastSeq, missing.length])

  return {
    view,
    link,
    ackLastSeq: subscription.lastSeq,
    resumes: Math.max(subscription.count - 1, 0),
    missing,
    error,
  }
}
