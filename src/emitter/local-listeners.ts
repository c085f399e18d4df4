import type { AgentEvent, AgentEventType } from '../events/schemas.js'
import { getLogger } from '../logger.js'

export type AgentEventListener<E extends AgentEvent = AgentEvent> = (event: E) => void | Promise<void>

const log = getLogger('emitter')

/**
 * The in-process listeners of an emitter, by event type or `'*'`. A listener that throws or rejects
 * is logged; it never breaks the emit, nor the other listeners.
 */
export class LocalListeners {
  private readonly byType = new Map<AgentEventType | '*', Set<AgentEventListener>>()

  /** Adds a listener; returns the function that removes it. */
  add(type: AgentEventType | '*', listener: AgentEventListener): () => void {
    const listeners = this.byType.get(type) ?? new Set()
    listeners.add(listener)
    this.byType.set(type, listeners)
    return () => void listeners.delete(listener)
  }

  notify(event: AgentEvent): void {
    for (const key of [event.type, '*'] as const) {
      for (const listener of this.byType.get(key) ?? []) {
        try {
          const returned = listener(event)
          if (returned instanceof Promise)
            returned.catch((error: unknown) => log.error({ err: error }, 'listener failed'))
        } catch (error) {
          log.error({ err: error, type: event.type }, 'listener failed')
        }
      }
    }
  }
}
