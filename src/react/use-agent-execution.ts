import { useConnectionState, useEventsClient, type EventsClientOptions } from './use-events-client.js'
import { useAgentEvents, type AgentEventsState, type UseAgentEventsOptions } from './use-agent-events.js'

export interface UseAgentExecutionOptions extends EventsClientOptions, UseAgentEventsOptions {}

export interface AgentExecutionState extends AgentEventsState {
  /** Whether the client is connected to a web node right now (false while it reconnects). */
  readonly isConnected: boolean
}

/**
 * The seed's hook: the events of one execution as they happen, and whether the client is connected.
 * It resumes across reconnections with no gap and no duplicate (the client subscribes again with
 * `since`). Uses `options.client`, or a client of its own for `options.url` (default: the page's
 * origin), closed on unmount.
 *
 * @example
 * function Run({ executionId }: { executionId: string }) {
 *   const { events, isConnected } = useAgentExecution(executionId, { url: 'https://events.example.com', token })
 *   return <p>{isConnected ? 'live' : 'reconnecting'}: {events.length} events</p>
 * }
 */
export function useAgentExecution(
  executionId: string | undefined,
  options: UseAgentExecutionOptions = {},
): AgentExecutionState {
  const client = useEventsClient(options)
  const state = useAgentEvents(client, executionId === undefined ? undefined : { executionId }, options)
  const isConnected = useConnectionState(client)
  return { ...state, isConnected }
}
