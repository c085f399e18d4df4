import type { AgentEventEmitter } from '../../../src/emitter/agent-event-emitter.js'
import type { EmitResult } from '../../../src/emitter/event-emitter-core.js'
import { ERROR_CODES, type ErrorCode } from '../../../src/errors.js'
import type { AgentEventInput } from '../../../src/events/schemas.js'

/** How one emit of a hostile value ended: its result and how long it took to resolve. */
export interface TimedEmit {
  readonly result: EmitResult
  readonly ms: number
}

/**
 * Emits `value` (of any type: the point is that it need not be an event) and resolves with the result
 * and the time it took; rejects, naming the value, when the emit throws or has not resolved within
 * `boundMs`, since `emitAgentEvent` promises to do neither.
 */
export async function emitWithin(
  emitter: AgentEventEmitter,
  value: unknown,
  boundMs: number,
): Promise<TimedEmit> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`emitAgentEvent took over ${boundMs} ms`)), boundMs)
  })
  try {
    const result = await Promise.race([emitter.emitAgentEvent(value as AgentEventInput), late])
    const ms = performance.now() - started
    // A synchronous stall keeps the timer from firing: measure as well as race.
    if (ms > boundMs) throw new Error(`emitAgentEvent took ${Math.round(ms)} ms, over ${boundMs} ms`)
    return { result, ms }
  } finally {
    clearTimeout(timer)
  }
}

/** Whether `code` is one of the catalogue's codes (`src/errors.ts`). */
export const isCatalogueCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)
