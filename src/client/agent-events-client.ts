import { io, type Socket } from 'socket.io-client'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import type { MissingRange, SocketIoAck, Subscribed, WireError } from '../server/protocol.js'

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
  readonly onMissing?: (range: MissingRange) => void
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
  | { readonly kind: 'conversation'; readonly id: string; readonly options: ConversationWatchOptions }

/**
 * The browser (and Node.js) client of agent-events over Socket.IO. It keeps its watches across
 * reconnections: after any lost connection it subscribes again, each execution with `since` = the
 * last seq it delivered, so an execution's stream has no gap and no duplicate. A conversation watch
 * resumes live only (conversations have no replay). When the node ends the connection because the
 * token expired, it reconnects with a fresh one from `token()`.
 *
 * @example
 * const client = new AgentEventsClient({ url: 'https://events.example.com', token: () => getToken() })
 * const stop = client.watchExecution('exec-123', { onEvent: (event) => render(event) })
 * // later: stop(); client.close()
 */
export class AgentEventsClient {
  private readonly socket: Socket
  private readonly watches = new Set<Watch>()

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
    })
    this.socket.on('event', (event: StampedAgentEvent) => this.dispatch(event))
    let lastNotice: WireError | undefined
    this.socket.on('error', (error: WireError) => {
      lastNotice = error
      options.onError?.(error)
    })
    this.socket.on('disconnect', (reason) => {
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

  /** Watches every execution of one conversation; returns the function that stops watching it. */
  watchConversation(conversationId: string, options: ConversationWatchOptions): () => void {
    return this.add({ kind: 'conversation', id: conversationId, options })
  }

  /** Disconnects for good. */
  close(): void {
    this.watches.clear()
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
      ...(watch.kind === 'execution' && watch.lastSeq > 0 ? { since: watch.lastSeq } : {}),
    }
    this.socket.emit('subscribe', request, (ack: SocketIoAck<Subscribed>) => {
      if (!this.watches.has(watch)) return
      if (!ack.ok) return watch.options.onError?.(ack.error)
      const { ok: _ok, ...subscribed } = ack
      watch.options.onSubscribed?.(subscribed)
      if ('missing' in subscribed && subscribed.missing) watch.options.onMissing?.(subscribed.missing)
    })
  }

  private dispatch(event: StampedAgentEvent): void {
    for (const watch of this.watches) {
      if (watch.kind === 'execution') {
        if (watch.id !== event.executionId || event.seq <= watch.lastSeq) continue
        watch.lastSeq = event.seq
      } else if (watch.id !== event.conversationId) {
        continue
      }
      if (watch.options.types && !watch.options.types.includes(event.type)) continue
      watch.options.onEvent(event)
    }
  }
}

function targetOf(watch: Watch): { executionId: string } | { conversationId: string } {
  return watch.kind === 'execution' ? { executionId: watch.id } : { conversationId: watch.id }
}
