import { WebSocket, type RawData } from 'ws'

/** How a wait for the node's answer ended: a frame matching what was awaited, or the connection closed. */
export type WireOutcome =
  { readonly kind: 'frame'; readonly frame: string } | { readonly kind: 'closed'; readonly code: number }

export interface FrameWireOptions {
  /** Answer Engine.IO heartbeat pings (`2`) with pongs (`3`), as a Socket.IO client does. */
  readonly answerPings?: boolean
  readonly headers?: Record<string, string>
}

const DEFAULT_WAIT_MS = 10_000

/**
 * A WebSocket client that sends frames exactly as given (text, binary, or bytes in a text frame) and
 * waits for the node's text frames or for the close, whichever comes: the wire under both protocols'
 * hostile-input tests, raw JSON frames and raw Engine.IO / Socket.IO packets alike.
 *
 * @example
 * const wire = await FrameWire.open(`ws://127.0.0.1:${port}/events`)
 * wire.send('{"type":"subscribe","executionId":{"$gt":""}}')
 * const outcome = await wire.next(() => true) // { kind: 'frame', frame: '{"type":"error",...}' }
 */
export class FrameWire {
  readonly closed: Promise<{ code: number; reason: string }>
  private readonly frames: string[] = []
  private readonly waiters = new Set<() => void>()
  private closeCode: number | undefined

  private constructor(
    private readonly ws: WebSocket,
    options: FrameWireOptions,
  ) {
    ws.on('message', (data: RawData, isBinary) => {
      const text = isBinary ? '' : String(data)
      if (options.answerPings && text === '2') return void ws.send('3')
      this.frames.push(text)
      this.notify()
    })
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.closeCode = code
        this.notify()
        resolve({ code, reason: reason.toString() })
      })
    })
    ws.on('error', () => undefined)
  }

  /** Connects to `wsUrl` and resolves once the WebSocket is open. */
  static async open(wsUrl: string, options: FrameWireOptions = {}): Promise<FrameWire> {
    const ws = new WebSocket(wsUrl, { headers: options.headers })
    const wire = new FrameWire(ws, options)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return wire
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Sends a string as a text frame and a Buffer as a binary frame; nothing once the connection is closed. */
  send(frame: string | Buffer): void {
    if (this.isOpen) this.ws.send(frame, { binary: Buffer.isBuffer(frame) })
  }

  /** Sends bytes in a text frame, unchecked: how a client sends invalid UTF-8 as text. */
  sendAsText(bytes: Buffer): void {
    if (this.isOpen) this.ws.send(bytes, { binary: false })
  }

  /**
   * Resolves with the first received frame matching `match` that no earlier call took (frames received
   * before the call count), or with `closed` once the connection is closed and no such frame came.
   */
  next(match: (frame: string) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<WireOutcome> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const index = this.frames.findIndex(match)
        if (index >= 0) {
          const [frame = ''] = this.frames.splice(index, 1)
          finish()
          resolve({ kind: 'frame', frame })
        } else if (this.closeCode !== undefined) {
          finish()
          resolve({ kind: 'closed', code: this.closeCode })
        }
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`no matching frame within ${timeoutMs} ms; received ${JSON.stringify(this.frames)}`))
      }, timeoutMs)
      const finish = (): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
      }
      this.waiters.add(check)
      check()
    })
  }

  /** Closes the connection (cut off after 1 s without a close handshake) and waits until it is closed. */
  async close(): Promise<void> {
    if (this.closeCode !== undefined) return
    this.ws.close()
    const cutOff = setTimeout(() => this.ws.terminate(), 1000)
    await this.closed
    clearTimeout(cutOff)
  }

  private notify(): void {
    for (const check of [...this.waiters]) check()
  }
}
