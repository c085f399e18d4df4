import { AsyncLocalStorage } from 'node:async_hooks'
import type { AgentEventSink } from './event-sink.js'

/**
 * What the helpers carry from a scope to the scopes nested in it (through async calls too), so
 * that a nested helper names none of it again.
 */
export interface InstrumentationContext {
  readonly sink: AgentEventSink
  readonly executionId: string
  readonly conversationId?: string
  readonly projectId?: string
  /** The department of the innermost `withDepartment` or department agent. */
  readonly department?: string
  /** The innermost running agent: the agent of a tool call, the parent of a nested agent. */
  readonly agent?: { readonly agentId: string; readonly agentName: string }
}

const storage = new AsyncLocalStorage<InstrumentationContext>()

/**
 * The context of the innermost helper running around the caller, or undefined outside every
 * helper. Integrations use it to join an orchestration already under way.
 * @example
 * const context = getInstrumentationContext()
 * console.log(context?.executionId, context?.agent?.agentId)
 */
export function getInstrumentationContext(): InstrumentationContext | undefined {
  return storage.getStore()
}

/** Runs `fn` with `context` as the active context of everything it calls. */
export function runInContext<T>(context: InstrumentationContext, fn: () => T): T {
  return storage.run(context, fn)
}
