import type { Event as AgUiEvent } from '@ag-ui/core'
import type { AgentEventType, StampedAgentEvent } from '../../events/schemas.js'

/** The key of every AG-UI event's `metadata` under which our event's identity is given. */
export const AG_UI_METADATA_KEY = 'agentEvents'

/** `metadata.agentEvents` of an AG-UI event: the event of ours it was made from. */
export interface AgUiSource {
  readonly id: string
  readonly seq: number
  readonly type: AgentEventType
  /** Fields of our event the AG-UI event has no place for (token usage, tool success, ...). */
  readonly details?: Readonly<Record<string, unknown>>
}

/** `subagentRunId` of an AG-UI event made for the agent run, when there is one. */
export function attribution(runId: string | undefined): { subagentRunId?: string } {
  return runId === undefined ? {} : { subagentRunId: runId }
}

/** The AG-UI event with its timestamp and `metadata.agentEvents` naming the event it was made from. */
export function withSource(
  agUi: AgUiEvent,
  event: StampedAgentEvent,
  details?: Record<string, unknown>,
): AgUiEvent {
  const source: AgUiSource = {
    id: event.id,
    seq: event.seq,
    type: event.type,
    ...(details && Object.keys(details).length > 0 ? { details } : {}),
  }
  return { ...agUi, timestamp: Date.parse(event.timestamp), metadata: { [AG_UI_METADATA_KEY]: source } }
}

/** The fields that are not undefined. */
export function definedFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
}
