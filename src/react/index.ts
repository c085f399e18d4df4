/** `agent-events/react`: React hooks over the browser client. */
export { useAgentEvents } from './use-agent-events.js'
export type {
  AgentEventsState,
  AgentEventsTarget,
  MissingEvents,
  UseAgentEventsOptions,
} from './use-agent-events.js'
export { useAgentExecution } from './use-agent-execution.js'
export type { AgentExecutionState, UseAgentExecutionOptions } from './use-agent-execution.js'
export { useExecutionReplay } from './use-execution-replay.js'
export type {
  ExecutionReplayControls,
  ExecutionReplayState,
  UseExecutionReplayOptions,
} from './use-execution-replay.js'
export { useConnectionState, useEventsClient } from './use-events-client.js'
export type { EventsClientOptions } from './use-events-client.js'
