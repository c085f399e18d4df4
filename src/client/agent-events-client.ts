import { io, type Socket } from 'socket.io-client'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import type { MissingRange, ReplayMessage, SocketIoAck, Subscribed, WireError } from '../server/protocol.js'
import { ExecutionReplayHandle, type ExecutionReplay, type ReplayOptions } from './execution-replay.js'

export interface AgentEventsClientOptions {
  /** The web node, or the load balancer in front of the web nodes: `https://events.example.com`. */
  readonly url: string
  /** The access token, or a function that gives a fresh one for every (re)connection. */
  readonly token?: string | (() => string | Promise<string>)
  /** Connection-level errors: a refused handshake (`token_*`, `origin_not_allowed`), or a node's notice (`closed`, `slow_consumer`, `rate_limited`). */
  readonly onError?: (error: WireError) => void
  /**
   * Socket.IO transports, in order of preference. WebSocket only needs no sticky sessions.
   * @default ['websocket']
   */
  readonly transports?: readonly ('websocket' | 'polling' | 'webtransport')[]
}

export interface WatchHandlers {
  /** Every event of the watched target, once, in seq order per execution. */
  readonly onEvent: (event: StampedAgentEvent) => void
  /** The node took the subscription (again, after every reconnection); replayed events follow. */
  readonly onSubscribed?: (subscribed: Subscribed) => void
  /** The subscription was refused (`forbidden`, `invalid_request`, ...). */
  readonly onError?: (error: WireError) => void
  /** Seqs of an execution that the node could not replay (fetch them from the HTTP API). */
  readonly onMissing?: (range: MissingRange, executionId: string) => void
}

export interface ExecutionWatchOptions extends WatchHandlers {
  /** Only these types. */
  readonly types?: readonly AgentEventType[]
  /** Start after this seq (the last one the application already has). @default 0: from the first event the node still has */
  readonly since?: number
}

export interface ConversationWatchOptions extends WatchHandlers {
  readonly types?: readonly AgentEventType[]
}

type Watch =
  | {
      readonly kind: 'execution'
      readonly id: string
      readonly options: ExecutionWatchOptions
      lastSeq: number
    }
  | {
      readonly kind: 'conversation'
      readonly id: string
      readonly options: ConversationWatchOptions
      /** The last seq delivered per execution, most recently advanced last. */
      readonly cursors: Map<string, number>
      /** The node acknowledged it once: every later subscribe resumes with `since` = the cursors. */
      resumable: boolean
    }

/** Executions a conversation's `since` may name (the node's limit): the most recently active ones. */
const MAX_SINCE_EXECUTIONS = 1000
/** How long a replay request waits for the node's answer. */
const REQUEST_TIMEOUT_MS = 30_000

/**
 * The browser (and Node.js) client of agent-events over Socket.IO. It keeps its watches across
 * reconnections: after any lost connection it subscribes again, each execution with `since` = the
 * last seq it delivered, each conversation with `since` = the last seq delivered per execution, so
 * every execution's stream has no gap and no duplicate. Replays started again likewise. When the
 * node ends the connection because the token expired, it reconnects with a fresh one from `token()`.
 *
 * @example
 * const client = new AgentEventsClient({ url: 'https://events.example.com', token: () => getToken() })
 * const stop = client.watchExecution('exec-123', { onEvent: (event) => render(event) })
 * // later: stop(); client.close()
 */
export class AgentEventsClient {
  private readonly socket: Socket
  private readonly watches = new Set<Watch>()
  private readonly replays = new Set<ExecutionReplayHandle>()
  private readonly replaysById = new Map<string, ExecutionReplayHandle>()
  private readonly connectionListeners = new Set<(connected: boolean) => void>()

  constructor(private readonly options: AgentEventsClientOptions) {
    const { token } = options
    this.socket = io(options.url, {
      transports: [...(options.transports ?? ['websocket'])],
      auth: (callback) => {
        if (token === undefined) return callback({})
        void Promise.resolve(typeof token === 'function' ? token() : token).then(
          (value) => callback({ token: value }),
          () => callback({}),
        )
      },
    })
    this.socket.on('connect', () => {
      for (const watch of this.watches) this.subscribe(watch)
      for (const replay of this.replays) void replay.start()
      for (const listener of this.connectionListeners) listener(true)
    })
    this.socket.on('event', (event: StampedAgentEvent) => this.dispatch(event))
    for (const type of ['replay-event', 'replay-reset', 'replay-end'] as const) {
      this.socket.on(type, (payload: Omit<ReplayMessage, 'type'>) => {
        this.replaysById.get(payload.replayId)?.receive({ type, ...payload } as ReplayMessage)
      })
    }
    let lastNotice: WireError | undefined
    this.socket.on('error', (error: WireError) => {
      lastNotice = error
      options.onError?.(error)
    })
    this.socket.on('disconnect', (reason) => {
      for (const replay of this.replays) replay.disconnected()
      for (const listener of this.connectionListeners) listener(false)
      // A node ends a connection whose token expired; the next connection asks for a fresh token.
      if (
        reason === 'io server disconnect' &&
        lastNotice?.code === 'token_expired' &&
        this.watches.size > 0
      ) {
        this.socket.connect()
      }
      lastNotice = undefined
    })
    this.socket.on('connect_error', (error: Error & { data?: WireError }) => {
      if (error.data?.code) options.onError?.(error.data)
    })
  }

  /** Whether the client is connected to a node right now. */
  get connected(): boolean {
    return this.socket.connected
  }

  /** Watches one execution; returns the function that stops watching it. */
  watchExecution(executionId: string, options: ExecutionWatchOptions): () => void {
    return this.add({ kind: 'execution', id: executionId, options, lastSeq: options.since ?? 0 })
  }

  /**
   * Watches every execution of one conversation, live from now; after a reconnection each execution
   * resumes from the last seq delivered (one that started meanwhile from its first event). Returns the
   * function that stops watching it.
   */
  watchConversation(conversationId: string, options: ConversationWatchOptions): () => void {
    return this.add({
      kind: 'conversation',
      id: conversationId,
      options,
      cursors: new Map(),
      resumable: false,
    })
  }

  /**
   * Replays an execution from the store, paced by its events' original timestamps (divided by
   * `speed`), or as fast as the client reads (`'max'`); a running execution ends `finished` at its
   * then-last seq (watch it with `since: lastSeq` to go on live). Survives reconnections.
   *
   * @example
   * const replay = client.replayExecution('exec-1', { speed: 10, onEvent: apply, onReset: clear })
   * await replay.pause()
   * await replay.seek(42) // the application now holds exactly the events 1..42
   * await replay.stop()
   */
  replayExecution(executionId: string, options: ReplayOptions): ExecutionReplay {
    const socket = this.socket
    const replay = new ExecutionReplayHandle(executionId, options, {
      get connected() {
        return socket.connected
      },
      request: <T>(
        event: 'replay' | 'replay-control',
        payload: object,
        onAnswer?: (answer: SocketIoAck<T>) => void,
      ) =>
        new Promise<SocketIoAck<T>>((resolve, reject) => {
          socket
            .timeout(REQUEST_TIMEOUT_MS)
            .emit(event, payload, (error: Error | null, ack: SocketIoAck<T>) => {
              if (error) return reject(error)
              // Called in the order the node's packets arrive, before any later replay message
              // (several can arrive in one read, with no microtask between them).
              try {
                onAnswer?.(ack)
              } finally {
                resolve(ack)
              }
            })
        }),
      bind: (replayId, bound) => {
        for (const [id, candidate] of this.replaysById) if (candidate === bound) this.replaysById.delete(id)
        if (replayId !== undefined) {
          this.replaysById.set(replayId, bound)
          this.replays.add(bound)
        } else if (bound.state === 'ended') {
          this.replays.delete(bound)
        }
      },
    })
    this.replays.add(replay)
    void replay.start()
    return replay
  }

  /** Calls `listener` with `true` on every connection and `false` on every disconnection; returns the function that stops it. */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener)
    return () => void this.connectionListeners.delete(listener)
  }

  /** Disconnects for good. */
  close(): void {
    this.watches.clear()
    this.replays.clear()
    this.replaysById.clear()
    this.connectionListeners.clear()
    this.socket.disconnect()
  }

  private add(watch: Watch): () => void {
    this.watches.add(watch)
    if (this.socket.connected) this.subscribe(watch)
    return () => {
      if (!this.watches.delete(watch)) return
      const sameTarget = [...this.watches].some((other) => other.kind === watch.kind && other.id === watch.id)
      if (!sameTarget && this.socket.connected) this.socket.emit('unsubscribe', targetOf(watch))
    }
  }

  private subscribe(watch: Watch): void {
    const request = {
      ...targetOf(watch),
      ...(watch.options.types ? { types: [...watch.options.types] } : {}),
      ...sinceOf(watch),
    }
    this.socket.emit('subscribe', request, (ack: SocketIoAck<Subscribed>) => {
      if (!this.watches.has(watch)) return
      if (!ack.ok) return watch.options.onError?.(ack.error)
      const { ok: _ok, ...subscribed } = ack
      if ('executions' in subscribed && watch.kind === 'conversation' && !watch.resumable) {
        // Live from here: each execution's live events follow the last seq the node named.
        for (const [executionId, seq] of Object.entries(subscribed.executions)) {
          if (!watch.cursors.has(executionId)) watch.cursors.set(executionId, seq)
        }
        watch.resumable = true
      }
      watch.options.onSubscribed?.(subscribed)
      if (!subscribed.missing) return
      if ('executionId' in subscribed)
        return watch.options.onMissing?.(subscribed.missing, subscribed.executionId)
      for (const [executionId, range] of Object.entries(subscribed.missing)) {
        watch.options.onMissing?.(range, executionId)
      }
    })
  }

  private dispatch(event: StampedAgentEvent): void {
    for (const watch of this.watches) {
      if (watch.kind === 'execution') {
        if (watch.id !== event.executionId || event.seq <= watch.lastSeq) continue
        watch.lastSeq = event.seq
      } else {
        if (watch.id !== event.conversationId) continue
        if (event.seq <= (watch.cursors.get(event.executionId) ?? 0)) continue
        watch.cursors.delete(event.executionId)
        watch.cursors.set(event.executionId, event.seq)
      }
      if (watch.options.types && !watch.options.types.includes(event.type)) continue
      watch.options.onEvent(event)
    }
  }
}

/** Where a (re)subscription starts: after the last seq delivered, per execution for a conversation. */
function sinceOf(watch: Watch): { since?: number | Record<string, number> } {
  if (watch.kind === 'execution') return watch.lastSeq > 0 ? { since: watch.lastSeq } : {}
  if (!watch.resumable) return {}
  return { since: Object.fromEntries([...watch.cursors].slice(-MAX_SINCE_EXECUTIONS)) }
}

function targetOf(watch: Watch): { executionId: string } | { conversationId: string } {
  return watch.kind === 'execution' ? { executionId: watch.id } : { conversationId: watch.id }
}
