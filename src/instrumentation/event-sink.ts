import { getEventEmitter } from '../emitter/agent-event-emitter.js'
import type { EmitResult } from '../emitter/event-emitter-core.js'
import type { AgentEventInput } from '../events/schemas.js'
import { getLogger } from '../logger.js'

/**
 * Where instrumentation sends its events: an `AgentEventEmitter` (the process's by default), or
 * anything with its `emitAgentEvent`. It must take events in the order of the calls, as the emitter
 * does: it queues each event before its first `await`, so calls made in order are sent in order.
 */
export interface AgentEventSink {
  emitAgentEvent(event: AgentEventInput): Promise<EmitResult>
}

/** The caller's payloads: the fields an event can do without and still pair and time its work. */
const PAYLOAD_FIELDS = ['context', 'result', 'output', 'input', 'feedback'] as const

const log = getLogger('instrumentation')

/** The sink given, else the process's emitter. */
export function sinkOf(sink: AgentEventSink | undefined): AgentEventSink {
  return sink ?? getEventEmitter()
}

/**
 * Sends an event without ever throwing or rejecting. An event refused for its payload (too large,
 * not JSON) is sent again at once without it, so that a start is never left without its end.
 */
export function emitSafely(sink: AgentEventSink, event: AgentEventInput): Promise<void> {
  return send(sink, event).then((result) => {
    if (result?.status !== 'rejected') return
    const code = result.error.code
    const bare = withoutPayload(event)
    if ((code === 'event_too_large' || code === 'invalid_event') && bare) {
      log.warn({ code, type: event.type }, 'event refused for its payload: sent again without it')
      return send(sink, bare).then(() => undefined)
    }
  })
}

function send(sink: AgentEventSink, event: AgentEventInput): Promise<EmitResult | undefined> {
  try {
    return sink.emitAgentEvent(event).catch((error: unknown) => failed(error))
  } catch (error) {
    return Promise.resolve(failed(error))
  }
}

function failed(error: unknown): undefined {
  log.error({ err: error }, 'the event sink threw; the event is lost')
  return undefined
}

function withoutPayload(event: AgentEventInput): AgentEventInput | undefined {
  const fields = event as Record<string, unknown>
  if (!PAYLOAD_FIELDS.some((field) => fields[field] !== undefined)) return undefined
  const kept = Object.entries(fields).filter(([key]) => !(PAYLOAD_FIELDS as readonly string[]).includes(key))
  return Object.fromEntries(kept) as AgentEventInput
}
