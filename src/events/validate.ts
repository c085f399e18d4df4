import { AgentEventsError } from '../errors.js'
import { agentEventSchema, isAgentEventType, type AgentEvent } from './schemas.js'

export type ValidationResult = { ok: true; event: AgentEvent } | { ok: false; error: AgentEventsError }

/**
 * Validates an untrusted value as an agent event. An unknown or missing `type` gets its own code so
 * that a producer on a newer schema is told precisely what the broker does not know.
 */
export function validateAgentEvent(value: unknown): ValidationResult {
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
