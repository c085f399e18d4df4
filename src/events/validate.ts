import { AgentEventsError } from '../errors.js'
import { agentEventSchema, isAgentEventType, type AgentEvent } from './schemas.js'

export type ValidationResult = { ok: true; event: AgentEvent } | { ok: false; error: AgentEventsError }

/**
 * Validates an untrusted value as an agent event. An unknown or missing `type` gets its own code so
 * that a producer on a newer schema is told precisely what the broker does not know.
 */
export function validateAgentEvent(input: unknown): ValidationResult {
  const json = asJson(input)
  if (!json.ok) return json
  const value = json.value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: new AgentEventsError('invalid_event', 'An event must be a JSON object') }
  }
  const type: unknown = (value as { type?: unknown }).type
  if (!isAgentEventType(type)) {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 100)) : typeof type
    return {
      ok: false,
      error: new AgentEventsError('unknown_event_type', `Unknown event type ${shown}`, [
        { path: 'type', message: 'not a known agent event type' },
      ]),
    }
  }
  const parsed = agentEventSchema.safeParse(value)
  if (parsed.success) return { ok: true, event: parsed.data }
  const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
  const summary = details.map((detail) => `${detail.path || '(root)'}: ${detail.message}`).join('; ')
  return {
    ok: false,
    error: new AgentEventsError('invalid_event', `Invalid ${type} event: ${summary}`, details),
  }
}

/**
 * The value as the JSON it is published and stored as: `toJSON` applied, `undefined` and functions
 * dropped, every getter read once. Validating this form rather than the caller's object means that a
 * `toJSON` cannot swap unvalidated content in after validation, and that a getter or proxy that throws
 * makes the event invalid instead of making the caller's emit throw.
 */
function asJson(input: unknown): { ok: true; value: unknown } | { ok: false; error: AgentEventsError } {
  try {
    const text = JSON.stringify(input)
    return { ok: true, value: text === undefined ? undefined : JSON.parse(text) }
  } catch (error) {
    return {
      ok: false,
      error: new AgentEventsError('invalid_event', `The event is not serializable: ${reasonOf(error)}`),
    }
  }
}

/** What a hostile value threw, without trusting it to describe itself. */
function reasonOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message).slice(0, 200) : 'a value could not be read'
  } catch {
    return 'a value could not be read'
  }
}
