import type { AgentEventOf } from './schemas.js'

/**
 * Typed readers of the optional fields the integrations pair and nest events by: `toolCallId` on
 * `tool-call` / `tool-result`, `parentAgentId` on `agent-start`, `status` and `error` on
 * `agent-complete`, and the outcome of `orchestration-complete`. Events keep fields their schema does
 * not name, so these read them from any event, whether or not its schema declares them yet; a value
 * of the wrong type counts as absent.
 */

/** The longest id read from an event, as in the event schemas. */
const MAX_ID_LENGTH = 200

/** How an agent's run ended, as its `agent-complete` says. */
export interface AgentOutcome {
  readonly status: 'completed' | 'failed'
  /** Why it failed, when it says. */
  readonly error?: string
}

/**
 * The id that pairs a tool call with its result, when the producer gave one.
 * @example const id = toolCallIdOf(event) ?? fallbackId
 */
export function toolCallIdOf(
  event: AgentEventOf<'tool-call'> | AgentEventOf<'tool-result'>,
): string | undefined {
  return idField(event, 'toolCallId')
}

/**
 * The agent that started this one (a sub-agent's parent), when the producer named it.
 * @example const parent = parentAgentIdOf(agentStart)
 */
export function parentAgentIdOf(event: AgentEventOf<'agent-start'>): string | undefined {
  return idField(event, 'parentAgentId')
}

/**
 * How an agent's run ended: `failed` when its `agent-complete` says `status: 'failed'`, else
 * `completed`; `error` is the event's `error` as text.
 * @example if (agentOutcomeOf(event).status === 'failed') markFailed(event.agentId)
 */
export function agentOutcomeOf(event: AgentEventOf<'agent-complete'>): AgentOutcome {
  const fields: Readonly<Record<string, unknown>> = event
  const error = textOf(fields.error)
  if (fields.status !== 'failed') return { status: 'completed' }
  return error === undefined ? { status: 'failed' } : { status: 'failed', error }
}

/**
 * Whether an `orchestration-complete` reports a failed run (`status` `failed` or `error`, the rule
 * the stored execution summary follows).
 * @example const failed = orchestrationFailed(event)
 */
export function orchestrationFailed(event: AgentEventOf<'orchestration-complete'>): boolean {
  return event.status === 'failed' || event.status === 'error'
}

/**
 * A payload as text: a string as is, anything else as JSON (undefined when there is nothing).
 * @example textOf({ ok: true }) // '{"ok":true}'
 */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (value instanceof Error) return value.message
  return JSON.stringify(value)
}

function idField(event: object, name: string): string | undefined {
  const value: unknown = (event as Readonly<Record<string, unknown>>)[name]
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH ? value : undefined
}
