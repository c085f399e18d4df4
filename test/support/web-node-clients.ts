import type { Duplex } from 'node:stream'
import { io as connectSocketIo, type Socket } from 'socket.io-client'
import { WebSocket, type RawData } from 'ws'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import type { ReplayMessage, WireError } from '../../src/server/protocol.js'
import { ArrivalLog } from './arrival-log.js'

/** The two wire protocols of a web node; behaviour suites run once per protocol. */
export type Protocol = 'socket.io' | 'raw'
export const PROTOCOLS: readonly Protocol[] = ['socket.io', 'raw']

/** A reply, in the Socket.IO ack shape for both protocols (raw `subscribed` → `{ ok: true, ... }`). */
export type Reply =
  ({ ok: true } & Record<string, unknown>) | { ok: false; error: { code: string; message: string } }

/** A replay message as a test client received it, with its arrival time (`performance.now()`). */
export type ReceivedReplayMessage = ReplayMessage & { readonly receivedAt: number }

/** How the server ended the connection. */
export interface Disconnection {
  /** Raw close code, or undefined for Socket.IO. */
  readonly code?: number
  readonly reason: string
}

/** A test client of either protocol, recording every event it receives. */
export interface TestClient {
  readonly protocol: Protocol
  /** Events received, in arrival order. */
  readonly events: StampedAgentEvent[]
  /** Errors the server sent outside of a reply (Socket.IO `error` event, unsolicited raw `error`). */
  readonly errors: WireError[]
  /** Sends `subscribe` with any payload (valid or not) and resolves with the reply. */
  subscribe(payload: unknown): Promise<Reply>
  unsubscribe(payload: unknown): Promise<Reply>
  /** Sends `replay` (raw reply `replay-started` → `{ ok: true, ... }`). */
  replay(payload: unknown): Promise<Reply>
  /** Sends `replay-control` (raw reply `replay-state` → `{ ok: true, ... }`). */
  replayControl(payload: unknown): Promise<Reply>
  /** Replay messages received (`replay-event`, `replay-reset`, `replay-end`), in arrival order. */
  readonly replayMessages: ArrivalLog<ReceivedReplayMessage>
  /** Resolves with the events once at least `count` have arrived; rejects after `timeoutMs` (15 s). */
  waitForEvents(count: number, timeoutMs?: number): Promise<StampedAgentEvent[]>
  /** Resolves when the server disconnects the client. */
  readonly disconnected: Promise<Disconnection>
  /** Stops reading from the TCP socket, as a stalled consumer does; {@link resumeReading} undoes it. */
  pauseReading(): void
  resumeReading(): void
  close(): Promise<void>
}

/** A raw WebSocket test client, which can also send frames that are not requests. */
export interface RawTestClient extends TestClient {
  readonly ws: WebSocket
  /** Sends one frame as is and resolves with the next non-event message. */
  request(frame: string | Buffer): Promise<Record<string, unknown>>
}

const DEFAULT_WAIT_MS = 15_000
const CLOSE_GRACE_MS = 1000
const REPLAY_MESSAGE_TYPES: ReadonlySet<string> = new Set(['replay-event', 'replay-reset', 'replay-end'])

/** The events a client received, described by their count and last seq when a wait fails. */
function eventLog(): ArrivalLog<StampedAgentEvent> {
  return new ArrivalLog((events) => `${events.length} events (last seq ${events.at(-1)?.seq})`)
}

/** How a test client presents itself to a node. */
export interface ClientOptions {
  /** Access token: Socket.IO `auth.token`; raw `Authorization: Bearer` (or `?token=` with `tokenInQuery`). */
  readonly token?: string
  readonly tokenInQuery?: boolean
  /** The `Origin` header, as a browser page of that origin sends it. */
  readonly origin?: string
}

/** Why a node refused a connection: Socket.IO `connect_error`, raw HTTP refusal or close after open. */
export interface ConnectionRefusal {
  /** The error code (`token_missing`, `origin_not_allowed`, ...), when the node gave one. */
  readonly code: string | undefined
  /** Raw: the HTTP status of a refused upgrade, or the close code after an accepted one. */
  readonly status?: number
}

/** Connects a client of `protocol` to a node at `url` (`http://host:port`). */
export function connectClient(
  protocol: Protocol,
  url: string,
  options: ClientOptions = {},
): Promise<TestClient> {
  return protocol === 'socket.io'
    ? connectSocketIoClient(url, options)
    : connectRawClient(url, '/events', options)
}

/**
 * Tries to connect and subscribe nothing; resolves with the refusal, or rejects when the node accepts.
 * @example expect((await refusalOf('raw', node.url, { token: expired })).code).toBe('token_expired')
 */
export async function refusalOf(
  protocol: Protocol,
  url: string,
  options: ClientOptions = {},
): Promise<ConnectionRefusal> {
  if (protocol === 'socket.io') {
    const socket = connectSocketIo(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: options.token === undefined ? {} : { token: options.token },
      extraHeaders: options.origin === undefined ? {} : { Origin: options.origin },
    })
    try {
      return await new Promise<ConnectionRefusal>((resolve, reject) => {
        socket.once('connect', () => reject(new Error('the node accepted the Socket.IO connection')))
        socket.once('connect_error', (error: Error & { data?: { code?: string } }) =>
          resolve({ code: error.data?.code ?? codeInMessage(error.message) }),
        )
      })
    } finally {
      socket.disconnect()
    }
  }
  const ws = new WebSocket(rawUrl(url, '/events', options), { headers: rawHeaders(options) })
  return new Promise<ConnectionRefusal>((resolve, reject) => {
    let code: string | undefined
    let keptOpen: NodeJS.Timeout | undefined
    ws.once('unexpected-response', (_request, response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        const parsed = JSON.parse(body) as { error?: { code?: string } }
        resolve({ code: parsed.error?.code, status: response.statusCode })
        ws.terminate()
      })
    })
    ws.on('message', (data: RawData) => {
      const message = JSON.parse(String(data)) as { type?: string; error?: { code?: string } }
      if (message.type === 'error') code = message.error?.code
    })
    ws.once('open', () => {
      keptOpen = setTimeout(() => {
        ws.terminate()
        reject(new Error('the node kept the raw connection open'))
      }, DEFAULT_WAIT_MS)
    })
    ws.once('close', (status) => {
      clearTimeout(keptOpen)
      resolve({ code, status })
    })
    ws.once('error', () => undefined)
  })
}

/** engine.io puts an `allowRequest` refusal's message (`<code>: <text>`) in the error it reports. */
function codeInMessage(message: string): string | undefined {
  return /^([a-z_]+):/.exec(message)?.[1]
}

function rawUrl(url: string, path: string, options: ClientOptions): string {
  const query =
    options.tokenInQuery && options.token !== undefined ? `?token=${encodeURIComponent(options.token)}` : ''
  return `${url.replace(/^http/, 'ws')}${path}${query}`
}

function rawHeaders(options: ClientOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  if (options.token !== undefined && !options.tokenInQuery) headers.Authorization = `Bearer ${options.token}`
  if (options.origin !== undefined) headers.Origin = options.origin
  return headers
}

async function connectSocketIoClient(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const socket: Socket = connectSocketIo(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.token === undefined ? {} : { token: options.token },
    extraHeaders: options.origin === undefined ? {} : { Origin: options.origin },
  })
  const log = eventLog()
  const replayMessages = new ArrivalLog<ReceivedReplayMessage>()
  const errors: WireError[] = []
  socket.on('event', (event: StampedAgentEvent) => log.push(event))
  for (const type of ['replay-event', 'replay-reset', 'replay-end'] as const) {
    socket.on(type, (payload: Omit<ReplayMessage, 'type'>) =>
      replayMessages.push({ type, ...payload, receivedAt: performance.now() } as ReceivedReplayMessage),
    )
  }
  socket.on('error', (error: WireError) => errors.push(error))
  const disconnected = new Promise<Disconnection>((resolve) => {
    socket.on('disconnect', (reason) => resolve({ reason }))
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  const ask = async (name: string, payload: unknown): Promise<Reply> =>
    (await socket.timeout(DEFAULT_WAIT_MS).emitWithAck(name, payload)) as Reply
  return {
    protocol: 'socket.io',
    events: log.items,
    errors,
    subscribe: (payload) => ask('subscribe', payload),
    unsubscribe: (payload) => ask('unsubscribe', payload),
    replay: (payload) => ask('replay', payload),
    replayControl: (payload) => ask('replay-control', payload),
    replayMessages,
    waitForEvents: (count, timeoutMs) => log.waitFor(count, timeoutMs),
    disconnected,
    pauseReading: () => socketIoTcpSocket(socket).pause(),
    resumeReading: () => socketIoTcpSocket(socket).resume(),
    async close() {
      socket.disconnect()
    },
  }
}

/** Connects a raw WebSocket client to `ws://host:port/<path>`. */
export async function connectRawClient(
  url: string,
  path = '/events',
  options: ClientOptions = {},
): Promise<RawTestClient> {
  const ws = new WebSocket(rawUrl(url, path, options), { headers: rawHeaders(options) })
  const log = eventLog()
  const replayMessages = new ArrivalLog<ReceivedReplayMessage>()
  const errors: WireError[] = []
  const pending: ((message: Record<string, unknown>) => void)[] = []
  ws.on('message', (data: RawData) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>
    if (message.type === 'event') return log.push(message.event as StampedAgentEvent)
    if (typeof message.type === 'string' && REPLAY_MESSAGE_TYPES.has(message.type)) {
      return replayMessages.push({ ...message, receivedAt: performance.now() } as ReceivedReplayMessage)
    }
    const next = pending.shift()
    if (next) next(message)
    else if (message.type === 'error') errors.push(message.error as WireError)
  })
  const disconnected = new Promise<Disconnection>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const request = (frame: string | Buffer): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reply to ${String(frame).slice(0, 80)}`)),
        DEFAULT_WAIT_MS,
      )
      pending.push((message) => {
        clearTimeout(timer)
        resolve(message)
      })
      ws.send(frame, { binary: Buffer.isBuffer(frame) })
    })
  const ask = async (type: string, payload: unknown): Promise<Reply> => {
    const fields =
      typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : { payload }
    return toReply(await request(JSON.stringify({ type, ...fields })))
  }
  return {
    protocol: 'raw',
    ws,
    events: log.items,
    errors,
    request,
    subscribe: (payload) => ask('subscribe', payload),
    unsubscribe: (payload) => ask('unsubscribe', payload),
    replay: (payload) => ask('replay', payload),
    replayControl: (payload) => ask('replay-control', payload),
    replayMessages,
    waitForEvents: (count, timeoutMs) => log.waitFor(count, timeoutMs),
    disconnected,
    pauseReading: () => wsTcpSocket(ws).pause(),
    resumeReading: () => wsTcpSocket(ws).resume(),
    async close() {
      if (ws.readyState === ws.CLOSED) return
      ws.close()
      // A stalled client (or server) never completes the close handshake: cut it off.
      const cutOff = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS)
      await disconnected
      clearTimeout(cutOff)
    },
  }
}

/** The TCP socket under a `ws` client (a private field of ws: test-only). */
function wsTcpSocket(ws: WebSocket): Duplex {
  const socket = (ws as unknown as { _socket?: Duplex })._socket
  if (!socket) throw new Error('the WebSocket has no TCP socket')
  return socket
}

/** The TCP socket under a socket.io-client connected over its `ws`-based WebSocket transport. */
function socketIoTcpSocket(socket: Socket): Duplex {
  const transport = socket.io.engine.transport as unknown as { ws?: WebSocket }
  if (!transport.ws) throw new Error('the Socket.IO client is not on the WebSocket transport')
  return wsTcpSocket(transport.ws)
}

function toReply(message: Record<string, unknown>): Reply {
  const { type, ...rest } = message
  if (type === 'error') return { ok: false, error: rest.error as { code: string; message: string } }
  return { ok: true, ...rest }
}
