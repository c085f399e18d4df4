/** `agent-events/react`: the React hook over the browser client. */
export { useAgentEvents } from './use-agent-events.js'
export type { AgentEventsState, AgentEventsTarget, UseAgentEventsOptions } from './use-agent-events.js'
