/**
 * The IPC protocol between the fan-out bench and its child processes, declared before any mechanics:
 * the commands of the client fleet and of the flooder, the reports they answer with, and the
 * envelope every command and reply travels in. Values cross IPC as JSON: no NaN, no Infinity, no Map.
 */

/** The commands a child serves: each with its arguments and its result. */
export type CommandSet = Record<string, { readonly args: unknown; readonly result: unknown }>

/**
 * The client fleet (`client-fleet.ts`): many Socket.IO clients in one process, recording deliveries.
 * Clients come in named groups, one per stack under test, so that both stacks keep their clients
 * connected while the other is measured.
 */
export type FleetCommands = {
  /** Opens `clients` Socket.IO connections (WebSocket transport), client i to `urls[i % urls.length]`. */
  connect: {
    args: { readonly group: string; readonly urls: readonly string[]; readonly clients: number }
    result: { connected: number }
  }
  /**
   * Moves every client of the group to a fresh execution: client i listens to
   * `executionIds[floor(i / urls.length) % executionIds.length]`, so that every execution has clients on
   * every node. Starts a new record of the group's deliveries.
   */
  subscribe: {
    args: { readonly group: string; readonly executionIds: readonly string[] }
    result: { readonly subscribed: number; readonly refused: readonly string[] }
  }
  /**
   * Waits until every connected client of the group has received `expected[its execution]` events,
   * or `timeoutMs`, then reports the group's deliveries since `subscribe`.
   */
  collect: {
    args: {
      readonly group: string
      readonly expected: Readonly<Record<string, number>>
      readonly timeoutMs: number
    }
    result: DeliveryReport
  }
  /** Closes every client of the group; nothing to do for a group that is not connected. */
  disconnect: { args: { readonly group: string }; result: { disconnected: number } }
}

/** What the clients of one phase received. */
export interface DeliveryReport {
  /** Clients subscribed in the phase. */
  readonly clients: number
  /** Deliveries owed: for every client, the events emitted to its execution. */
  readonly expected: number
  /** Deliveries received in seq order (each client's seq strictly increasing). */
  readonly delivered: number
  /** Deliveries owed and never received (by the end of `collect`). */
  readonly lost: number
  /** Events received with a seq not above the client's last one: duplicates or reordering. */
  readonly outOfOrder: number
  /** Events of an execution the client no longer listens to (from an earlier phase). */
  readonly stray: number
  /** Clients the server disconnected during the phase. */
  readonly disconnected: number
  /** Errors the server sent (Socket.IO `error` events), by code. */
  readonly errors: Readonly<Record<string, number>>
  /** Emit-to-receive latency of every delivery, ms; null when nothing arrived. */
  readonly latency: LatencySummary | null
  /** Wall-clock ms of the last delivery; null when nothing arrived. */
  readonly lastReceivedAt: number | null
}

/** Percentiles of a set of latencies, ms. */
export interface LatencySummary {
  readonly count: number
  readonly p50: number
  readonly p99: number
  readonly max: number
}

/** What a flooder sends, `flood-sources.ts`. */
export type FloodKind = 'raw-ping' | 'socket.io-subscribe'

/** The flooder (`flooder.ts`): one connection sending requests as fast as told, to one node. */
export type FlooderCommands = {
  /** Connects to `url` and floods it at `ratePerSecond` until `stop`; resolves once the first reply came. */
  start: {
    args: { readonly url: string; readonly kind: FloodKind; readonly ratePerSecond: number }
    result: { readonly startedAt: number }
  }
  /** Stops flooding, closes the connection and reports; `start` may flood again afterwards. */
  stop: { args: Record<string, never>; result: FloodReport }
}

/** What happened to a flooder. */
export interface FloodReport {
  readonly kind: FloodKind
  readonly sent: number
  /** Requests answered with success (`pong`, a positive ack). */
  readonly answered: number
  /** Error replies by code, e.g. `{ rate_limited: 120 }`. */
  readonly errors: Readonly<Record<string, number>>
  /** Seconds from the first request until the server disconnected the flooder; null if it never did. */
  readonly disconnectedAfterSeconds: number | null
  /** The close code and reason, or the Socket.IO disconnect reason; null if never disconnected. */
  readonly disconnectReason: string | null
  readonly floodedSeconds: number
}

/** A command from the bench to a child. */
export interface CommandMessage {
  readonly rpc: 'command'
  readonly id: number
  readonly name: string
  readonly args: unknown
}

/** A child's answer to the command with the same id. */
export type ReplyMessage = { readonly rpc: 'reply'; readonly id: number } & (
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string }
)

/** A child sends this once it serves commands. */
export interface ReadyMessage {
  readonly type: 'ready'
  readonly port?: number
}

/** Whether an IPC message is a child's `ready` (web nodes send it too, with their port). */
export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && 'type' in message && message.type === 'ready'
}
