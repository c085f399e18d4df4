/** `agent-events/client`: the Socket.IO client that resumes every execution from its last seq, and replays. */
export { AgentEventsClient } from './agent-events-client.js'
export type {
  AgentEventsClientOptions,
  ConversationWatchOptions,
  ExecutionWatchOptions,
  WatchHandlers,
} from './agent-events-client.js'
export type {
  ExecutionReplay,
  ReplayControlOutcome,
  ReplayEnd,
  ReplayHandleState,
  ReplayOptions,
  ReplayProgress,
} from './execution-replay.js'
export type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
export type {
  MissingRange,
  ReplayEndReason,
  ReplaySpeed,
  ReplayState,
  Subscribed,
  WireError,
} from '../server/protocol.js'
export type { AnalyticsAnswer } from '../server/http-api-run-answers.js'
export type { AnalyticsGroupBy, RunGroup } from '../store/run-statistics.js'
