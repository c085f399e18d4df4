/**
 * agent-events/codebuff: agent events from `@codebuff/sdk` runs. The SDK is an optional peer
 * dependency, loaded only by `createCodebuffClient`.
 */
export { runWithAgentEvents } from './run-with-agent-events.js'
export type { CodebuffEventsOptions } from './run-with-agent-events.js'
export { CodebuffEventMapper } from './codebuff-event-mapper.js'
export type { CodebuffRunIdentity } from './codebuff-event-mapper.js'
export { createCodebuffClient } from './load-codebuff-client.js'
export type { CodebuffClientOptions } from './load-codebuff-client.js'
export type { CodebuffClientLike, CodebuffRunOptions } from './codebuff-client.js'
export { printModeEventSchema, runStateSchema, streamChunkSchema } from './print-mode-events.js'
export type {
  CodebuffPrintModeEvent,
  CodebuffRunOutput,
  CodebuffRunState,
  CodebuffStreamChunk,
  CodebuffToolOutputPart,
} from './print-mode-events.js'
