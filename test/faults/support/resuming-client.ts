import { setTimeout as delay } from 'node:timers/promises'
import type { StampedAgentEvent } from '../../../src/events/schemas.js'
import type { MissingRange } from '../../../src/server/protocol.js'
import { connectClient, type Protocol, type Reply, type TestClient } from '../../support/web-node-clients.js'
import type { NodeDirectory } from './node-directory.js'

/** Pause between two rounds of reconnection attempts over every listed node. */
const RECONNECT_BACKOFF_MS = 100

/**
 * A client that stays subscribed to one execution through any fault, as an application client
 * would: whenever its connection ends (node killed, node shutting down, anything), it reconnects,
 * trying the other nodes of the directory first, and resubscribes with `since` = the last seq it
 * received. It keeps every event of every connection in arrival order, and every `missing` range a
 * resume announced (the events that were in neither the recent buffer nor the store): those are
 * fetched from MongoDB once the run is over, never assumed.
 */
export class ResumingClient {
  /** Successful resubscriptions after a lost connection. */
  resumes = 0
  /** Ranges a subscribe acknowledged as missing. */
  readonly missing: MissingRange[] = []
  /** Error codes of refused subscribes (`closed` from a node shutting down, ...): it tried again. */
  readonly refusals: string[] = []
  readonly #connections: TestClient[] = []
  #current: TestClient | undefined
  #url: string | undefined
  #closed = false
  #reconnecting: Promise<void> | undefined
  #maxSeq = 0
  #scanned = { connection: 0, index: 0 }

  constructor(
    readonly name: string,
    readonly protocol: Protocol,
    readonly executionId: string,
    private readonly directory: NodeDirectory,
  ) {}

  /** Connects to `url` and subscribes from the start of the execution. */
  async start(url: string): Promise<void> {
    if (!(await this.#attach(url))) throw new Error(`${this.name} could not subscribe at ${url}`)
  }

  /** Every event received over all connections, in arrival order. */
  get events(): StampedAgentEvent[] {
    return this.#connections.flatMap((connection) => connection.events)
  }

  /** Whether the client is subscribed right now (not between a lost connection and its resume). */
  get connected(): boolean {
    return this.#current !== undefined
  }

  /** The node the client is subscribed at, if any. */
  get url(): string | undefined {
    return this.#current === undefined ? undefined : this.#url
  }

  /** The highest seq received so far: the `since` of the next resume. */
  lastSeq(): number {
    // Incremental: only the events that arrived since the last call are looked at.
    for (;;) {
      const events = this.#connections[this.#scanned.connection]?.events ?? []
      for (; this.#scanned.index < events.length; this.#scanned.index += 1) {
        this.#maxSeq = Math.max(this.#maxSeq, events[this.#scanned.index]?.seq ?? 0)
      }
      // The newest connection may still receive events; older ones are done.
      if (this.#scanned.connection >= this.#connections.length - 1) return this.#maxSeq
      this.#scanned = { connection: this.#scanned.connection + 1, index: 0 }
    }
  }

  /** Events received so far (replays and live, every connection). */
  receivedCount(): number {
    return this.#connections.reduce((sum, connection) => sum + connection.events.length, 0)
  }

  /** Stops reconnecting and closes every connection. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true
    const closeAll = (): Promise<unknown> =>
      Promise.all(this.#connections.map((connection) => connection.close()))
    // Closing first ends a resume waiting for its reply; one that connected meanwhile closes itself.
    await closeAll()
    await this.#reconnecting
    await closeAll()
  }

  /** Connects and subscribes with `since`; false when the node cannot be reached or refuses. */
  async #attach(url: string): Promise<boolean> {
    let connection: TestClient
    try {
      connection = await connectClient(this.protocol, url)
    } catch {
      return false
    }
    // Listed before subscribing: events that arrive right after the reply belong to the log.
    this.#connections.push(connection)
    if (this.#closed) {
      await connection.close()
      return false
    }
    const since = this.lastSeq()
    const reply = await Promise.race([
      connection.subscribe({ executionId: this.executionId, since }).catch(() => undefined),
      connection.disconnected.then(() => undefined),
    ])
    if (reply === undefined || !reply.ok) {
      if (reply !== undefined) this.refusals.push(refusalCode(reply))
      await connection.close()
      return false
    }
    const { missing } = reply as { missing?: MissingRange }
    if (missing !== undefined) this.missing.push(missing)
    this.#current = connection
    this.#url = url
    void connection.disconnected.then(() => this.#lost(connection))
    return true
  }

  #lost(connection: TestClient): void {
    if (this.#closed || this.#current !== connection) return
    this.#current = undefined
    this.#reconnecting = this.#reconnect()
  }

  async #reconnect(): Promise<void> {
    const lost = this.#url
    while (!this.#closed) {
      for (const url of this.directory.candidates(lost)) {
        if (await this.#attach(url)) {
          this.resumes += 1
          return
        }
        if (this.#closed) return
      }
      await delay(RECONNECT_BACKOFF_MS)
    }
  }
}

function refusalCode(reply: Reply): string {
  return reply.ok ? 'ok' : reply.error.code
}
