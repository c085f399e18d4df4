import { useEffect, useState } from 'react'
import type { AgentEventsClient } from '../client/agent-events-client.js'
import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import type { MissingRange, WireError } from '../server/protocol.js'

/** What to watch: one execution, or every execution of one conversation. */
export type AgentEventsTarget = { readonly executionId: string } | { readonly conversationId: string }

export interface UseAgentEventsOptions {
  /** Only these types. */
  readonly types?: readonly AgentEventType[]
  /** The newest events kept in state; older ones are let go. @default 1000 */
  readonly maxEvents?: number
}

/** Seqs of one execution the node could not replay. */
export type MissingEvents = MissingRange & { readonly executionId: string }

export interface AgentEventsState {
  /** The events received, oldest first (the newest `maxEvents`). */
  readonly events: readonly StampedAgentEvent[]
  /** Whether the node took the subscription (it is false again while reconnecting). */
  readonly subscribed: boolean
  /** Why the subscription was refused, if it was. */
  readonly error: WireError | undefined
  /** Ranges the node could not replay, per execution (fetch them from the HTTP API if you need them). */
  readonly missing: readonly MissingEvents[]
}

const INITIAL: AgentEventsState = { events: [], subscribed: false, error: undefined, missing: [] }

/**
 * Watches an execution or a conversation through a shared {@link AgentEventsClient} and re-renders
 * with each event; a new target starts from an empty list. The client resumes across reconnections.
 *
 * @example
 * const client = useMemo(() => new AgentEventsClient({ url, token }), [url, token])
 * const { events, error } = useAgentEvents(client, { executionId })
 */
export function useAgentEvents(
  client: AgentEventsClient | undefined,
  target: AgentEventsTarget | undefined,
  options: UseAgentEventsOptions = {},
): AgentEventsState {
  const [state, setState] = useState<AgentEventsState>(INITIAL)
  const maxEvents = options.maxEvents ?? 1000
  const kind = target === undefined ? undefined : 'executionId' in target ? 'execution' : 'conversation'
  const id =
    target === undefined ? undefined : 'executionId' in target ? target.executionId : target.conversationId
  const types = options.types?.join(',')

  useEffect(() => {
    setState(INITIAL)
    if (!client || kind === undefined || id === undefined) return undefined
    const handlers = {
      types: types === undefined ? undefined : (types.split(',') as AgentEventType[]),
      onEvent: (event: StampedAgentEvent) =>
        setState((current) => ({ ...current, events: [...current.events, event].slice(-maxEvents) })),
      onSubscribed: () => setState((current) => ({ ...current, subscribed: true, error: undefined })),
      onError: (error: WireError) => setState((current) => ({ ...current, subscribed: false, error })),
      onMissing: (range: MissingRange, executionId: string) =>
        setState((current) => ({ ...current, missing: [...current.missing, { ...range, executionId }] })),
    }
    const stopWatching =
      kind === 'execution' ? client.watchExecution(id, handlers) : client.watchConversation(id, handlers)
    const stopFollowing = client.onConnectionChange((connected) => {
      if (!connected) setState((current) => ({ ...current, subscribed: false }))
    })
    return () => {
      stopFollowing()
      stopWatching()
    }
  }, [client, kind, id, types, maxEvents])

  return state
}
