import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import type {
  ReplayEndReason,
  ReplayMessage,
  ReplaySpeed,
  ReplayStarted,
  ReplayState,
  ReplayStatus,
  SocketIoAck,
  WireError,
} from '../server/protocol.js'

export interface ReplayOptions {
  /** A factor of the original timing (0.1 to 1000), or `'max'`: as fast as the client reads. @default 1 */
  readonly speed?: ReplaySpeed
  /** Play the events after this seq. @default 0: from the first event */
  readonly fromSeq?: number
  /** Only these types. */
  readonly types?: readonly AgentEventType[]
  /** Each event of the replay, in seq order. */
  readonly onEvent: (event: StampedAgentEvent) => void
  /** Clear what was built from this replay: a backward seek (or a restart after a reconnection) follows. */
  readonly onReset?: () => void
  /** The replay ended: `finished` (every event up to `lastSeq` was played) or `stopped`. */
  readonly onEnd?: (end: ReplayEnd) => void
  /** The replay was refused (`forbidden`, `too_many_replays`, ...) or a control failed (`not_found`, ...). */
  readonly onError?: (error: WireError) => void
  /** The replay's state or position changed (start, controls, events, end). */
  readonly onState?: (status: ReplayProgress) => void
}

export interface ReplayEnd {
  readonly lastSeq: number
  readonly reason: ReplayEndReason
  /** Why the node stopped it, when it did. */
  readonly error?: WireError
}

/** `starting`: the node has not taken it yet (or it restarts after a reconnection). */
export type ReplayHandleState = 'starting' | ReplayState

export interface ReplayProgress {
  readonly state: ReplayHandleState
  /** The seq played up to (the last event delivered, or a seek's target). */
  readonly position: number
  /** The execution's last seq as last reported by the node. */
  readonly lastSeq: number
}

/** The outcome of a control: the replay's state after it, or why it failed. */
export type ReplayControlOutcome =
  ({ readonly ok: true } & ReplayProgress) | { readonly ok: false; readonly error: WireError }

/** A running replay of `AgentEventsClient.replayExecution`. */
export interface ExecutionReplay extends ReplayProgress {
  readonly executionId: string
  pause(): Promise<ReplayControlOutcome>
  resume(): Promise<ReplayControlOutcome>
  setSpeed(speed: ReplaySpeed): Promise<ReplayControlOutcome>
  /** Afterwards the application holds exactly the events `fromSeq + 1 .. seq` (after an `onReset` when going back). */
  seek(seq: number): Promise<ReplayControlOutcome>
  /** Stops for good. */
  stop(): Promise<ReplayControlOutcome>
}

/** How a replay reaches the node: the client's socket. */
export interface ReplayTransport {
  readonly connected: boolean
  /** `onAnswer` runs as the answer arrives, before any replay message that follows it on the connection. */
  request<T>(
    event: 'replay' | 'replay-control',
    payload: object,
    onAnswer?: (answer: SocketIoAck<T>) => void,
  ): Promise<SocketIoAck<T>>
  /** The replay's id on the node changed: route its messages to `replay`. */
  bind(replayId: string | undefined, replay: ExecutionReplayHandle): void
}

type Control =
  | { action: 'pause' | 'resume' | 'stop' }
  | { action: 'speed'; speed: ReplaySpeed }
  | { action: 'seek'; seq: number }

const RECONNECTING: WireError = { code: 'closed', message: 'The replay is not running on a node right now' }

/**
 * One replay as the client sees it. It survives reconnections: a replay cut off by a lost connection
 * (or a node shutting down) starts again on the next connection, and rebuilds exactly where it was
 * (`onReset`, then the events up to its position at once, paused again if it was).
 */
export class ExecutionReplayHandle implements ExecutionReplay {
  #replayId: string | undefined
  #state: ReplayHandleState = 'starting'
  #position: number
  #lastSeq = 0
  #speed: ReplaySpeed
  #paused = false
  #stopped = false
  #delivered = false
  /** Replay messages received so far, and controls sent: an answer only applies if it is the newest news. */
  #received = 0
  #controls = 0
  #starting: Promise<void> | undefined
  readonly #fromSeq: number

  constructor(
    readonly executionId: string,
    private readonly options: ReplayOptions,
    private readonly transport: ReplayTransport,
  ) {
    this.#fromSeq = options.fromSeq ?? 0
    this.#position = this.#fromSeq
    this.#speed = options.speed ?? 1
  }

  get state(): ReplayHandleState {
    return this.#state
  }

  get position(): number {
    return this.#position
  }

  get lastSeq(): number {
    return this.#lastSeq
  }

  /** Whether it must be (re)started on the node once connected. */
  get waitingForNode(): boolean {
    return this.#state === 'starting' && !this.#stopped
  }

  /** Starts it on the node (again, after a reconnection: rebuilding where it was). */
  start(): Promise<void> {
    this.#starting ??= this.startOnNode().finally(() => (this.#starting = undefined))
    return this.#starting
  }

  private async startOnNode(): Promise<void> {
    if (!this.waitingForNode || !this.transport.connected) return
    const types = this.options.types ? { types: [...this.options.types] } : {}
    let target = this.#fromSeq
    const request = { executionId: this.executionId, speed: this.#speed, fromSeq: this.#fromSeq, ...types }
    // Taken as the answer arrives: the replay's first events can follow it in the same read.
    const ack = await this.ask<ReplayStarted>('replay', request, (answer) => {
      if (answer.ok) target = this.startedOnNode(answer)
    })
    if (!ack.ok) {
      // `closed`: no node took it right now; it starts on the next connection.
      if (ack.error.code === 'closed') return
      this.end({ lastSeq: this.#lastSeq, reason: 'stopped', error: ack.error })
      return this.options.onError?.(ack.error)
    }
    if (this.#paused) await this.control({ action: 'pause' })
    if (target > this.#fromSeq) await this.control({ action: 'seek', seq: target })
  }

  /** Binds to the node's replay; returns the position to rebuild up to (after a reset if events were delivered). */
  private startedOnNode(started: ReplayStarted): number {
    this.#replayId = started.replayId
    this.#lastSeq = started.lastSeq
    this.transport.bind(started.replayId, this)
    this.#state = 'playing'
    const target = this.#position
    if (this.#delivered) {
      this.#position = this.#fromSeq
      this.options.onReset?.()
    }
    this.report()
    return target
  }

  /** The connection is gone, and the node's replay with it (an ended one starts again only for a seek). */
  disconnected(): void {
    if (this.#stopped) return
    this.transport.bind(undefined, this)
    this.#replayId = undefined
    if (this.#state === 'ended') return
    this.#state = 'starting'
    this.report()
  }

  /** A message of this replay from the node. */
  receive(message: ReplayMessage): void {
    this.#received += 1
    switch (message.type) {
      case 'replay-event':
        this.#delivered = true
        this.#position = message.event.seq
        this.options.onEvent(message.event)
        break
      case 'replay-reset':
        this.#position = this.#fromSeq
        this.options.onReset?.()
        break
      case 'replay-end':
        // A node shutting down stops its replays: this one starts again on the next node.
        if (message.error?.code === 'closed' && !this.#stopped) return this.disconnected()
        this.#lastSeq = message.lastSeq
        if (message.reason === 'finished') this.#position = Math.max(this.#position, message.lastSeq)
        return this.end({ lastSeq: message.lastSeq, reason: message.reason, error: message.error })
    }
    this.report()
  }

  pause(): Promise<ReplayControlOutcome> {
    this.#paused = true
    return this.control({ action: 'pause' })
  }

  resume(): Promise<ReplayControlOutcome> {
    this.#paused = false
    return this.control({ action: 'resume' })
  }

  setSpeed(speed: ReplaySpeed): Promise<ReplayControlOutcome> {
    this.#speed = speed
    return this.control({ action: 'speed', speed })
  }

  async seek(seq: number): Promise<ReplayControlOutcome> {
    if (this.#replayId !== undefined || this.#stopped) return this.control({ action: 'seek', seq })
    // Not on a node (reconnecting, or ended on a lost connection): the restart rebuilds up to `seq`.
    this.#position = Math.max(seq, this.#fromSeq)
    if (this.#state === 'ended') this.#paused = true
    this.#state = 'starting'
    await this.start()
    return { ok: true, ...this.progress() }
  }

  async stop(): Promise<ReplayControlOutcome> {
    if (this.#stopped) return { ok: true, ...this.progress() }
    this.#stopped = true
    const outcome = this.#replayId === undefined ? undefined : await this.control({ action: 'stop' })
    if (this.#state !== 'ended') this.end({ lastSeq: this.#lastSeq, reason: 'stopped' })
    this.transport.bind(undefined, this)
    return outcome ?? { ok: true, ...this.progress() }
  }

  private async control(control: Control): Promise<ReplayControlOutcome> {
    const replayId = this.#replayId
    // Not on a node: pause and speed are kept for the restart.
    if (replayId === undefined) return { ok: true, ...this.progress() }
    const sent = (this.#controls += 1)
    let receivedAtAnswer = -1
    const ack = await this.ask<ReplayStatus>('replay-control', { replayId, ...control }, () => {
      receivedAtAnswer = this.#received
    })
    if (!ack.ok) {
      if (ack.error.code !== 'closed') this.options.onError?.(ack.error)
      return ack
    }
    // A newer control, or replay messages that followed the answer on the connection, tell more.
    const newest =
      replayId === this.#replayId && sent === this.#controls && receivedAtAnswer === this.#received
    if (!newest) return { ok: true, ...this.progress() }
    this.#state = ack.state
    this.#position = ack.position
    this.report()
    return { ok: true, ...this.progress() }
  }

  private async ask<T>(
    event: 'replay' | 'replay-control',
    payload: object,
    onAnswer?: (answer: SocketIoAck<T>) => void,
  ): Promise<SocketIoAck<T>> {
    if (!this.transport.connected) return { ok: false, error: RECONNECTING }
    try {
      return await this.transport.request<T>(event, payload, onAnswer)
    } catch {
      return { ok: false, error: RECONNECTING }
    }
  }

  private end(end: ReplayEnd): void {
    this.#state = 'ended'
    this.report()
    this.options.onEnd?.(end)
  }

  private progress(): ReplayProgress {
    return { state: this.#state, position: this.#position, lastSeq: this.#lastSeq }
  }

  private report(): void {
    this.options.onState?.(this.progress())
  }
}
