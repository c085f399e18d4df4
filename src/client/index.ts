/** `agent-events/client`: the Socket.IO client that resumes each execution from its last seq. */
export { AgentEventsClient } from './agent-events-client.js'
export type {
  AgentEventsClientOptions,
  ConversationWatchOptions,
  ExecutionWatchOptions,
  WatchHandlers,
} from './agent-events-client.js'
export type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
export type { MissingRange, WireError } from '../server/protocol.js'
