import { loadConfig } from '../config.js'
import { AgentEventsError } from '../errors.js'
import type { AgentEventInput, StampedAgentEvent } from '../events/schemas.js'
import { validateAgentEvent } from '../events/validate.js'
import { EventStore, type ExecutionEventsQuery, type PersistOutcome } from './event-store.js'

let defaultStore: Promise<EventStore> | undefined

/** The store of this process, connected with MONGODB_URI on first use. */
export function getDefaultStore(): Promise<EventStore> {
  defaultStore ??= EventStore.open(loadConfig().mongodbUri).catch((error: unknown) => {
    defaultStore = undefined
    throw error
  })
  return defaultStore
}

/** Closes the store of this process, if it was opened. */
export async function closeDefaultStore(): Promise<void> {
  const store = defaultStore
  defaultStore = undefined
  if (store) await (await store).close()
}

/**
 * Stores one stamped event (with its `id` and `seq`, as the emitter produces them) directly,
 * bypassing the queue. Idempotent on the event id.
 * @example await persistEvent('exec-123', stampedEvent)
 */
export async function persistEvent(
  executionId: string,
  event: AgentEventInput & { id?: string; seq?: number },
): Promise<PersistOutcome> {
  const validated = validateAgentEvent({ ...event, executionId })
  if (!validated.ok) throw validated.error
  const { id, seq } = validated.event
  if (id === undefined || seq === undefined) {
    throw new AgentEventsError(
      'invalid_event',
      'persistEvent stores stamped events: `id` and `seq` are required',
    )
  }
  const [outcome] = await (await getDefaultStore()).persistBatch([{ ...validated.event, id, seq }])
  if (!outcome) throw new AgentEventsError('store_unavailable', 'The store returned no outcome')
  return outcome
}

/**
 * The stored events of an execution, ordered by seq.
 * @example const events = await getExecutionEvents('exec-123', { afterSeq: 40, types: ['agent-complete'] })
 */
export async function getExecutionEvents(
  executionId: string,
  query: ExecutionEventsQuery = {},
): Promise<StampedAgentEvent[]> {
  return (await getDefaultStore()).getExecutionEvents(executionId, query)
}
