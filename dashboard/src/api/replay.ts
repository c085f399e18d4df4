import type { AgentEventsClient, StampedAgentEvent, WireError } from 'agent-events/client'

/**
 * Replay as `agent-events/client` offers it (CONTRACTS 1): a stored execution, finished or running,
 * played paced by its events' timestamps. Declared here as the contract states it, so that the page
 * works with a client that has it and says "unavailable" with one that does not.
 */
export type ReplaySpeed = number | 'max'

export interface ReplayOptions {
  readonly speed?: ReplaySpeed
  readonly fromSeq?: number
  readonly onEvent: (event: StampedAgentEvent) => void
  /** Sent before a backward seek: forget what this replay built. */
  readonly onReset?: () => void
  readonly onEnd?: (end: { readonly lastSeq: number; readonly reason: 'finished' | 'stopped' }) => void
  readonly onError?: (error: WireError) => void
}

export interface ReplayHandle {
  pause(): void
  resume(): void
  setSpeed(speed: ReplaySpeed): void
  /** Afterwards the client holds exactly the events `fromSeq + 1 .. seq`. */
  seek(seq: number): void
  stop(): void
}

export interface ReplayingClient {
  replayExecution(executionId: string, options: ReplayOptions): ReplayHandle
}

/**
 * The client's replay, or undefined when this client has none.
 * @example const replaying = replayClientOf(client); if (!replaying) showUnavailable()
 */
export function replayClientOf(client: AgentEventsClient): ReplayingClient | undefined {
  return hasReplay(client) ? client : undefined
}

function hasReplay(client: object): client is ReplayingClient {
  return typeof (client as { replayExecution?: unknown }).replayExecution === 'function'
}
