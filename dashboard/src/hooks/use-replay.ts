import { useEffect, useRef, useState } from 'react'
import type { AgentEventsClient, WireError } from 'agent-events/client'
import { replayClientOf, type ReplayHandle, type ReplaySpeed } from '../api/replay.js'
import { addEvents, emptyRunView, type RunView } from '../state/event-log.js'
import { EventBatcher } from './event-batcher.js'

/**
 * `unavailable`: this client has no replay. `playing`/`paused`: as asked. `ended`: every event up to the
 * execution's last seq was played. `following`: it ended on a running execution, which is now
 * watched live from there. `failed`: refused, or no answer.
 */
export type ReplayPhase = 'unavailable' | 'starting' | 'playing' | 'paused' | 'ended' | 'following' | 'failed'

export interface ReplayState {
  readonly view: RunView
  readonly phase: ReplayPhase
  readonly speed: ReplaySpeed
  readonly error: WireError | undefined
  pause(): void
  resume(): void
  setSpeed(speed: ReplaySpeed): void
  seek(seq: number): void
  /** Plays again from the first event. */
  restart(): void
}

/** A replay that has produced nothing after this long is taken as refused by a node without replay. */
const ANSWER_TIMEOUT_MS = 10_000

/**
 * Replays a stored execution through the client's `replayExecution` (CONTRACTS 1) into the same
 * {@link RunView} as the live page, so both show the same state. When a replay of a running execution
 * finishes, it goes on live from the last seq played.
 * @example const replay = useReplay(client, 'exec-1', 10); replay.seek(40)
 */
export function useReplay(
  client: AgentEventsClient,
  executionId: string,
  initialSpeed: ReplaySpeed,
): ReplayState {
  const [view, setView] = useState<RunView>(() => emptyRunView(executionId))
  const [phase, setPhase] = useState<ReplayPhase>('starting')
  const [speed, setSpeedState] = useState<ReplaySpeed>(initialSpeed)
  const [error, setError] = useState<WireError | undefined>(undefined)
  const [generation, setGeneration] = useState(0)
  const handle = useRef<ReplayHandle | undefined>(undefined)
  const speedRef = useRef(speed)
  speedRef.current = speed

  useEffect(() => {
    setView(emptyRunView(executionId))
    setError(undefined)
    const replaying = replayClientOf(client)
    if (!replaying) {
      setPhase('unavailable')
      return undefined
    }
    setPhase('starting')
    let answered = false
    let stopLive: (() => void) | undefined
    // The effect's own copy of the view, so that the end of the replay sees every event played.
    let latest = emptyRunView(executionId)
    const show = (next: RunView): void => {
      latest = next
      setView(next)
    }
    const batcher = new EventBatcher((events) => show(addEvents(latest, events)))
    const noAnswer = setTimeout(() => {
      if (answered) return
      setPhase('failed')
      setError({ code: 'internal_error', message: 'The node did not answer the replay request' })
    }, ANSWER_TIMEOUT_MS)
    const answer = (): void => {
      answered = true
      clearTimeout(noAnswer)
    }
    handle.current = replaying.replayExecution(executionId, {
      speed: speedRef.current,
      fromSeq: 0,
      onEvent: (event) => {
        answer()
        setPhase((current) => (current === 'starting' ? 'playing' : current))
        batcher.add(event)
      },
      onReset: () => {
        answer()
        batcher.discard()
        show(emptyRunView(executionId))
      },
      onEnd: ({ lastSeq, reason }) => {
        answer()
        batcher.flush()
        if (reason === 'finished' && latest.state.status === 'running') {
          stopLive = client.watchExecution(executionId, {
            since: lastSeq,
            onEvent: (event) => batcher.add(event),
          })
          return setPhase('following')
        }
        setPhase('ended')
      },
      onError: (failure) => {
        answer()
        setError(failure)
        setPhase('failed')
      },
    })
    return () => {
      clearTimeout(noAnswer)
      handle.current?.stop()
      handle.current = undefined
      stopLive?.()
      batcher.discard()
    }
  }, [client, executionId, generation])

  return {
    view,
    phase,
    speed,
    error,
    pause: () => {
      handle.current?.pause()
      setPhase('paused')
    },
    resume: () => {
      handle.current?.resume()
      setPhase('playing')
    },
    setSpeed: (next) => {
      handle.current?.setSpeed(next)
      setSpeedState(next)
    },
    seek: (seq) => handle.current?.seek(seq),
    restart: () => setGeneration((value) => value + 1),
  }
}
