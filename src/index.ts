/**
 * agent-events: typed lifecycle events of multi-agent AI systems, validated and stamped, delivered
 * live through Socket.IO rooms and persisted to MongoDB through BullMQ workers.
 */
export { getEventEmitter, AgentEventEmitter } from './emitter/agent-event-emitter.js'
export type { EmitResult, AgentEventListener, EmitterStats } from './emitter/event-emitter-core.js'
export type { EmitterOptions } from './emitter/emitter-options.js'
export {
  persistEvent,
  getExecutionEvents,
  getDefaultStore,
  closeDefaultStore,
} from './store/default-store.js'
export { EventStore } from './store/event-store.js'
export type { ExecutionEventsQuery, ExecutionSummary, PersistOutcome } from './store/event-store.js'
export type { ExecutionStatus, QualitySummary } from './store/models.js'
export type { ExecutionListQuery, ExecutionScope, ListedExecution } from './store/execution-listing.js'
export type { RunAnalytics, RunAnalyticsQuery } from './store/analytics-queries.js'
export type { AnalyticsGroupBy, RunGroup } from './store/run-statistics.js'
export { RecentBuffer } from './redis/recent-buffer.js'
export { executionRoom, conversationRoom } from './redis/keys.js'
export { agentEventSchema, EVENT_TYPES, isAgentEventType } from './events/schemas.js'
export type {
  AgentEvent,
  AgentEventInput,
  AgentEventInputOf,
  AgentEventOf,
  AgentEventType,
  StampedAgentEvent,
} from './events/schemas.js'
export { validateAgentEvent } from './events/validate.js'
export { agentEventJsonSchema } from './events/json-schema.js'
export type { JsonSchema } from './events/json-schema.js'
export {
  orchestrate,
  withDepartment,
  withAgent,
  withTool,
  getInstrumentationContext,
} from './instrumentation/index.js'
export type {
  AgentDescriptor,
  AgentEventSink,
  AgentScope,
  DepartmentScope,
  InstrumentationContext,
  OrchestrateOptions,
  OrchestrationScope,
  ScopeOptions,
  TokenCounts,
  ToolScope,
  WithAgentOptions,
  WithToolOptions,
} from './instrumentation/index.js'
export { AgentEventsError, ERROR_CODES, errorBody, httpStatusOf, isAgentEventsError } from './errors.js'
export type { ErrorBody, ErrorCode, ErrorDetail } from './errors.js'
export { startWebSocketServer } from './server/web-node.js'
export type { WebNode, WebNodeOptions, WebNodeStats } from './server/web-node.js'
export { RAW_CLOSE_CODES, SOCKET_IO_EVENTS } from './server/protocol.js'
export type {
  MissingRange,
  RawServerMessage,
  ReplayEndReason,
  ReplayMessage,
  ReplaySpeed,
  ReplayStarted,
  ReplayState,
  ReplayStatus,
  SocketIoAck,
  Subscribed,
  Unsubscribed,
  WireError,
} from './server/protocol.js'
export { parseAuthOptions } from './auth/auth-options.js'
export type { AuthOptions } from './auth/auth-options.js'
export type { AccessClaims } from './auth/access-claims.js'
export { metricsRegistry } from './metrics/registry.js'
export { parseConfig, loadConfig } from './config.js'
export type { Config } from './config.js'
export { AgUiRunMapper, AG_UI_METADATA_KEY } from './server/ag-ui/ag-ui-mapper.js'
export type { AgUiEvent, AgUiSource } from './server/ag-ui/ag-ui-mapper.js'
export { streamIdOf, PARTS_PER_EVENT } from './server/ag-ui/ag-ui-stream-ids.js'
export { buildExecutionTrace } from './integrations/otel/execution-trace.js'
export { ExecutionTraceExporter } from './integrations/otel/execution-trace-exporter.js'
export type { ExecutionTraceExporterOptions } from './integrations/otel/execution-trace-exporter.js'
export { encodeTraceRequest } from './integrations/otel/otlp-json.js'
export { traceIdOf, spanIdOf } from './integrations/otel/trace-ids.js'
export type { ExecutionTrace, TraceSpan, SpanEvent, AttributeValue } from './integrations/otel/trace-model.js'
