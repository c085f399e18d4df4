import type { EmitResult } from '../../src/emitter/event-emitter-core.js'
import { AgentEventsError } from '../../src/errors.js'
import type { AgentEvent, AgentEventInput } from '../../src/events/schemas.js'
import { validateAgentEvent } from '../../src/events/validate.js'
import type { AgentEventSink } from '../../src/instrumentation/event-sink.js'

/**
 * An event sink that validates like the emitter (the same validation, a size limit) and keeps what
 * it accepted, in call order: for tests of producers that need no Redis.
 */
export class RecordingSink implements AgentEventSink {
  readonly events: AgentEvent[] = []
  readonly refused: AgentEventsError[] = []

  constructor(private readonly maxEventBytes = 1_048_576) {}

  emitAgentEvent(input: AgentEventInput): Promise<EmitResult> {
    const validated = validateAgentEvent(input)
    if (!validated.ok) return this.refuse(validated.error)
    if (Buffer.byteLength(JSON.stringify(validated.event)) > this.maxEventBytes)
      return this.refuse(new AgentEventsError('event_too_large'))
    const event = { ...validated.event, id: `event-${this.events.length + 1}` }
    this.events.push(event)
    return Promise.resolve({ status: 'queued', event })
  }

  /** The events without their ids, for exact comparisons. */
  get recorded(): Omit<AgentEvent, 'id'>[] {
    return this.events.map(({ id: _id, ...event }) => event)
  }

  private refuse(error: AgentEventsError): Promise<EmitResult> {
    this.refused.push(error)
    return Promise.resolve({ status: 'rejected', error })
  }
}
