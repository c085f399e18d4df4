import type { AgentEventInput } from '../../src/events/schemas.js'
import { agentEvents } from '../workload.js'

/** An event as the fan-out bench emits it: the workload's payload plus its emit time. */
export type TimedEvent = AgentEventInput & {
  /** Wall-clock ms (`wallClockMs()`) when the producer handed the event over; kept on the event. */
  readonly sentAt: number
}

/** What a client reads from a received event to account for it. */
export interface ReceivedEventFields {
  readonly executionId: string
  readonly seq: number
  readonly sentAt: number
}

/** One planned emit of a phase: which execution, and its payload without emit time. */
export interface PlannedEvent {
  readonly executionId: string
  readonly payload: AgentEventInput
}

/**
 * The events of one phase: `count` events spread round-robin over the executions, each execution
 * with its own conversation, in the durable-path bench's mix of payloads.
 * @example const plan = phaseEvents(['exec-a', 'exec-b'], 1000) // 500 per execution, interleaved
 */
export function phaseEvents(executionIds: readonly string[], count: number): PlannedEvent[] {
  const perExecution = executionIds.map((executionId) =>
    agentEvents(executionId, `conv-${executionId}`, Math.ceil(count / executionIds.length)),
  )
  return Array.from({ length: count }, (_, index) => {
    const execution = index % executionIds.length
    const payload = perExecution[execution]?.[Math.floor(index / executionIds.length)]
    const executionId = executionIds[execution]
    if (payload === undefined || executionId === undefined) throw new Error(`no event ${index} planned`)
    return { executionId, payload }
  })
}

/** The fields a client accounts for, or undefined when `event` is not one of the bench's. */
export function receivedEventFields(event: unknown): ReceivedEventFields | undefined {
  if (typeof event !== 'object' || event === null) return undefined
  const { executionId, seq, sentAt } = event as Record<string, unknown>
  if (typeof executionId !== 'string' || typeof seq !== 'number' || typeof sentAt !== 'number')
    return undefined
  return { executionId, seq, sentAt }
}
