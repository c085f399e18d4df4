import { useEffect, useRef, useState } from 'react'
import type {
  ExecutionReplay,
  ReplayControlOutcome,
  ReplayEnd,
  ReplayHandleState,
} from '../client/execution-replay.js'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import type { ReplaySpeed, WireError } from '../server/protocol.js'
import { useConnectionState, useEventsClient, type EventsClientOptions } from './use-events-client.js'

export interface UseExecutionReplayOptions extends EventsClientOptions {
  /** The speed it starts at (change it with `controls.setSpeed`). @default 1 */
  readonly speed?: ReplaySpeed
  /** Play the events after this seq. @default 0 */
  readonly fromSeq?: number
  /** Only these types. */
  readonly types?: readonly AgentEventType[]
  /** The newest events kept in state. @default 10000 */
  readonly maxEvents?: number
}

export interface ExecutionReplayControls {
  pause(): Promise<ReplayControlOutcome>
  resume(): Promise<ReplayControlOutcome>
  setSpeed(speed: ReplaySpeed): Promise<ReplayControlOutcome>
  /** Afterwards `events` holds exactly the events `fromSeq + 1 .. seq`. */
  seek(seq: number): Promise<ReplayControlOutcome>
  stop(): Promise<ReplayControlOutcome>
  /** Plays again from `fromSeq` (a new replay, from an empty list). */
  restart(): void
}

export interface ExecutionReplayState {
  /** The events played, oldest first, rebuilt from scratch on every backward seek. */
  readonly events: readonly StampedAgentEvent[]
  /** `idle` before there is a client; `starting` until (and whenever) a node takes the replay. */
  readonly state: ReplayHandleState | 'idle'
  /** The seq played up to. */
  readonly position: number
  /** The execution's last seq as last reported. */
  readonly lastSeq: number
  /** How it ended, once it did. */
  readonly end: ReplayEnd | undefined
  /** Why it was refused, or why a control failed. */
  readonly error: WireError | undefined
  /** Whether the client is connected to a web node right now. */
  readonly isConnected: boolean
  readonly controls: ExecutionReplayControls
}

type ReplayView = Omit<ExecutionReplayState, 'isConnected' | 'controls'>

const IDLE: ReplayView = {
  events: [],
  state: 'idle',
  position: 0,
  lastSeq: 0,
  end: undefined,
  error: undefined,
}
const NOT_STARTED: ReplayControlOutcome = {
  ok: false,
  error: { code: 'not_initialized', message: 'The replay has not started' },
}

/**
 * Replays an execution from the store and keeps what it played in state: the events (cleared on a
 * backward seek), the state and position, and controls. Starts when mounted (or when the execution
 * changes) and stops on unmount. Uses `options.client`, or a client of its own for `options.url`.
 *
 * @example
 * function Player({ executionId }: { executionId: string }) {
 *   const { events, state, position, lastSeq, controls } = useExecutionReplay(executionId, { speed: 10 })
 *   return (
 *     <>
 *       <button onClick={() => (state === 'paused' ? controls.resume() : controls.pause())}>{state}</button>
 *       <input type="range" min={0} max={lastSeq} value={position} onChange={(e) => controls.seek(Number(e.target.value))} />
 *       <Timeline events={events} />
 *     </>
 *   )
 * }
 */
export function useExecutionReplay(
  executionId: string | undefined,
  options: UseExecutionReplayOptions = {},
): ExecutionReplayState {
  const client = useEventsClient(options)
  const isConnected = useConnectionState(client)
  const [view, setView] = useState<ReplayView>(IDLE)
  const [generation, setGeneration] = useState(0)
  const replay = useRef<ExecutionReplay | undefined>(undefined)
  const initialSpeed = useRef(options.speed)
  const maxEvents = options.maxEvents ?? 10_000
  const fromSeq = options.fromSeq ?? 0
  const types = options.types?.join(',')

  useEffect(() => {
    setView(IDLE)
    if (!client || executionId === undefined) return undefined
    // A replay being stopped still reports; only the current one may change the view.
    const update = (change: (current: ReplayView) => ReplayView): void => {
      if (replay.current === started) setView(change)
    }
    const started: ExecutionReplay = client.replayExecution(executionId, {
      speed: initialSpeed.current,
      fromSeq,
      types: types === undefined ? undefined : (types.split(',') as AgentEventType[]),
      onEvent: (event) =>
        update((current) => ({ ...current, events: [...current.events, event].slice(-maxEvents) })),
      onReset: () => update((current) => ({ ...current, events: [] })),
      onEnd: (end) => update((current) => ({ ...current, end })),
      onError: (error) => update((current) => ({ ...current, error })),
      onState: ({ state, position, lastSeq }) =>
        update((current) => ({ ...current, state, position, lastSeq })),
    })
    replay.current = started
    return () => {
      replay.current = undefined
      void started.stop()
    }
  }, [client, executionId, fromSeq, types, maxEvents, generation])

  const controls = useRef<ExecutionReplayControls>({
    pause: () => replay.current?.pause() ?? Promise.resolve(NOT_STARTED),
    resume: () => replay.current?.resume() ?? Promise.resolve(NOT_STARTED),
    setSpeed: (speed) => replay.current?.setSpeed(speed) ?? Promise.resolve(NOT_STARTED),
    seek: (seq) => replay.current?.seek(seq) ?? Promise.resolve(NOT_STARTED),
    stop: () => replay.current?.stop() ?? Promise.resolve(NOT_STARTED),
    restart: () => setGeneration((current) => current + 1),
  }).current

  return { ...view, isConnected, controls }
}
