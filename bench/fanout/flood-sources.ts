import { io } from 'socket.io-client'
import { WebSocket, type RawData } from 'ws'
import { SOCKET_IO_EVENTS } from '../../src/server/protocol.js'
import type { FloodKind } from './child-protocol.js'
import { wallClockMs } from './latency-recorder.js'

/** One flooding connection: sends one request per call while the server keeps it open. */
export interface FloodConnection {
  sendOne(): void
  readonly open: boolean
  close(): void
}

/** The execution a Socket.IO flooder subscribes to again and again; nothing is ever emitted to it. */
const FLOOD_EXECUTION_ID = 'bench-flood'
const CONNECT_TIMEOUT_MS = 15_000

/**
 * What the server did with a flood: replies counted by outcome, and when and why it ended the
 * connection.
 */
export class FloodTally {
  answered = 0
  readonly errors = new Map<string, number>()
  disconnectedAt: number | null = null
  disconnectReason: string | null = null
  /** Resolves at the first reply of any kind: the flood is reaching the server. */
  readonly firstReply: Promise<void>
  private replied: () => void = () => undefined

  constructor() {
    this.firstReply = new Promise((resolve) => (this.replied = resolve))
  }

  answer(): void {
    this.answered += 1
    this.replied()
  }

  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1)
    this.replied()
  }

  disconnected(reason: string): void {
    this.disconnectedAt ??= wallClockMs()
    this.disconnectReason ??= reason
  }
}

/**
 * Connects to the web node at `url` (`http://host:port`) with the protocol of `kind`:
 * - `raw-ping`: a raw WebSocket sending `{"type":"ping"}` frames, answered by `pong`;
 * - `socket.io-subscribe`: a Socket.IO client sending `subscribe` requests with an ack.
 * @example const flood = await openFloodConnection('raw-ping', node.url, tally); flood.sendOne()
 */
export function openFloodConnection(
  kind: FloodKind,
  url: string,
  tally: FloodTally,
): Promise<FloodConnection> {
  return kind === 'raw-ping' ? rawPingFlood(url, tally) : socketIoSubscribeFlood(url, tally)
}

async function rawPingFlood(url: string, tally: FloodTally): Promise<FloodConnection> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/flood`, { handshakeTimeout: CONNECT_TIMEOUT_MS })
  const ping = JSON.stringify({ type: 'ping' })
  ws.on('message', (data: RawData) => {
    const reply = parseReply(String(data))
    if (reply.type === 'pong') tally.answer()
    else if (reply.type === 'error') tally.error(reply.code)
  })
  ws.on('close', (code, reason) => tally.disconnected(`close ${code} ${reason.toString()}`.trim()))
  ws.on('error', () => undefined)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  return {
    sendOne: () => ws.send(ping),
    get open() {
      return ws.readyState === ws.OPEN
    },
    close: () => ws.terminate(),
  }
}

async function socketIoSubscribeFlood(url: string, tally: FloodTally): Promise<FloodConnection> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  })
  const request = { executionId: FLOOD_EXECUTION_ID }
  const onAck = (ack: unknown): void => {
    const reply = parseReply(ack)
    if (reply.type === 'error') tally.error(reply.code)
    else tally.answer()
  }
  socket.on(SOCKET_IO_EVENTS.error, (error: unknown) => tally.error(errorCode(error)))
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') tally.disconnected(reason)
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('connect_error', reject)
  })
  return {
    sendOne: () => void socket.emit(SOCKET_IO_EVENTS.subscribe, request, onAck),
    get open() {
      return socket.connected
    },
    close: () => void socket.disconnect(),
  }
}

type Reply = { readonly type: 'pong' | 'other' } | { readonly type: 'error'; readonly code: string }

/** A raw frame (JSON text) or a Socket.IO ack, as success or error code. */
function parseReply(message: unknown): Reply {
  let value = message
  if (typeof message === 'string') {
    try {
      value = JSON.parse(message)
    } catch {
      return { type: 'other' }
    }
  }
  if (typeof value !== 'object' || value === null) return { type: 'other' }
  const fields = value as Record<string, unknown>
  if (fields.type === 'pong') return { type: 'pong' }
  if (fields.type !== 'error' && fields.ok !== false) return { type: 'other' }
  return { type: 'error', code: errorCode(fields.error) }
}

/** The code of a wire error `{ code, message }`. */
function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  return typeof code === 'string' ? code : 'unknown'
}
