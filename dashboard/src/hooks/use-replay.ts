import { useEffect, useRef, useState } from 'react'
import type { AgentEventsClient, ExecutionReplay, ReplaySpeed, WireError } from 'agent-events/client'
import { addEvents, emptyRunView, type RunView } from '../state/event-log.js'
import { EventBatcher } from './event-batcher.js'

/**
 * `starting`: no node has taken the replay yet (or it starts again after a reconnection).
 * `playing`/`paused`: as the node reports it. `ended`: every event up to the execution's last seq was
 * played. `following`: it ended on a running execution, which is now watched live from there.
 * `failed`: refused, or no answer.
 */
export type ReplayPhase = 'starting' | 'playing' | 'paused' | 'ended' | 'following' | 'failed'

export interface ReplayState {
  readonly view: RunView
  readonly phase: ReplayPhase
  readonly speed: ReplaySpeed
  /** The seq the replay has played up to, as its client reports it; while a seek is on its way, the seek's target. */
  readonly position: number
  /** The execution's last seq as far as known: the node's last report, or a later event seen live. */
  readonly lastSeq: number
  readonly error: WireError | undefined
  pause(): void
  resume(): void
  setSpeed(speed: ReplaySpeed): void
  /** Afterwards the view holds exactly the events up to `seq` (clamped by the node to the replay's seqs). */
  seek(seq: number): void
  /** Plays again from the first event. */
  restart(): void
}

/** A replay that has produced nothing after this long is taken as refused by a node without replay. */
const ANSWER_TIMEOUT_MS = 10_000

/**
 * Replays a stored execution through the client's `replayExecution` into the same {@link RunView} as
 * the live page, so both show the same state. The phase and the position are the client's (`onState`,
 * the answers to controls). When a replay of a running execution finishes, it goes on live from the
 * last seq played; a seek then stops following and plays the replay again from there, paused.
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
  const [progress, setProgress] = useState({ position: 0, lastSeq: 0 })
  // Seen live after the replay ended: beyond the node's last report, and still there after a seek back.
  const [seenSeq, setSeenSeq] = useState(0)
  const [seekTarget, setSeekTarget] = useState<number | undefined>(undefined)
  const [error, setError] = useState<WireError | undefined>(undefined)
  const [generation, setGeneration] = useState(0)
  const handle = useRef<ExecutionReplay | undefined>(undefined)
  const leaveLive = useRef<() => void>(() => undefined)
  const seeks = useRef(0)
  const speedRef = useRef(speed)
  speedRef.current = speed

  useEffect(() => {
    setView(emptyRunView(executionId))
    setPhase('starting')
    setProgress({ position: 0, lastSeq: 0 })
    setSeenSeq(0)
    setSeekTarget(undefined)
    setError(undefined)
    let answered = false
    let stopLive: (() => void) | undefined
    // The effect's own copy of the view, so that the end of the replay sees every event played.
    let latest = emptyRunView(executionId)
    const show = (next: RunView): void => {
      latest = next
      setView(next)
      setSeenSeq((seen) => Math.max(seen, next.state.lastSeq))
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
    // After the cleanup (a restart, leaving the page), the stopped replay's last words are not this view's.
    let active = true
    const replay = client.replayExecution(executionId, {
      speed: speedRef.current,
      fromSeq: 0,
      onEvent: (event) => {
        if (active) batcher.add(event)
      },
      onReset: () => {
        if (!active) return
        batcher.discard()
        show(emptyRunView(executionId))
      },
      onState: ({ state, position, lastSeq }) => {
        if (!active) return
        if (state !== 'starting') answer()
        setProgress({ position, lastSeq })
        // `ended` is told apart from `following` by onEnd.
        if (state !== 'ended') setPhase(state)
      },
      onEnd: ({ lastSeq, reason, error: failure }) => {
        if (!active) return
        batcher.flush()
        if (failure) {
          setError(failure)
          return setPhase('failed')
        }
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
        if (!active) return
        answer()
        setError(failure)
        setPhase('failed')
      },
    })
    handle.current = replay
    // Back from following live to the replay: the view keeps only what the replay played.
    leaveLive.current = () => {
      if (!stopLive) return
      stopLive()
      stopLive = undefined
      batcher.discard()
      show(
        addEvents(
          emptyRunView(executionId),
          latest.events.filter((e) => e.seq <= replay.position),
        ),
      )
    }
    return () => {
      active = false
      clearTimeout(noAnswer)
      void replay.stop()
      handle.current = undefined
      leaveLive.current = () => undefined
      stopLive?.()
      batcher.discard()
    }
  }, [client, executionId, generation])

  return {
    view,
    phase,
    speed,
    position: seekTarget ?? progress.position,
    lastSeq: Math.max(progress.lastSeq, seenSeq),
    error,
    pause: () => void handle.current?.pause(),
    resume: () => void handle.current?.resume(),
    setSpeed: (next) => {
      void handle.current?.setSpeed(next)
      setSpeedState(next)
    },
    seek: (seq) => {
      const replay = handle.current
      if (!replay) return
      leaveLive.current()
      const seek = ++seeks.current
      setSeekTarget(seq)
      // Until the node answers, the position is the target: a second seek starts from there.
      const answered = (): void => {
        if (seek === seeks.current) setSeekTarget(undefined)
      }
      replay.seek(seq).then(answered, answered)
    },
    restart: () => setGeneration((value) => value + 1),
  }
}
