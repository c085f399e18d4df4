import type { AgentEventInput } from '../events/schemas.js'
import { getLogger } from '../logger.js'
import { errorMessageOf } from './error-message.js'
import { emitSafely } from './event-sink.js'
import { runInContext, type InstrumentationContext } from './instrumentation-context.js'

/** How the work of a scope ended, as its completion event reports it. */
export type ScopeOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly elapsedMs: number; readonly timestamp: Date }
  | { readonly ok: false; readonly error: string; readonly elapsedMs: number; readonly timestamp: Date }

export interface TimedScope<T> {
  /** The context `fn` runs in. */
  readonly context: InstrumentationContext
  /** The event that opens the scope. */
  readonly start: AgentEventInput
  /** The event that closes it, from the outcome. */
  readonly complete: (outcome: ScopeOutcome<T>) => AgentEventInput
}

const log = getLogger('instrumentation')

/**
 * Emits the scope's start, runs `fn` in its context, emits its completion (or failure) with the
 * time it took, and returns what `fn` returned or rethrows what it threw, unchanged. Nothing of
 * the instrumentation itself can throw into the caller.
 */
export async function runTimedScope<T>(scope: TimedScope<T>, fn: () => T | Promise<T>): Promise<T> {
  const { context } = scope
  void emitSafely(context.sink, scope.start)
  const startedAt = performance.now()
  const elapsedMs = (): number => Math.max(0, Math.round(performance.now() - startedAt))
  let value: T
  try {
    value = await runInContext(context, fn)
  } catch (error) {
    closeScope(scope, {
      ok: false,
      error: errorMessageOf(error),
      elapsedMs: elapsedMs(),
      timestamp: new Date(),
    })
    throw error
  }
  closeScope(scope, { ok: true, value, elapsedMs: elapsedMs(), timestamp: new Date() })
  return value
}

function closeScope<T>(scope: TimedScope<T>, outcome: ScopeOutcome<T>): void {
  try {
    void emitSafely(scope.context.sink, scope.complete(outcome))
  } catch (error) {
    log.error({ err: error }, 'the completion event could not be built')
  }
}

/**
 * What a caller's mapping option makes of a value to record (an agent's output, a tool's result);
 * a mapping that throws records nothing rather than failing the work it describes.
 */
export function recorded<T>(map: ((value: T) => unknown) | undefined, value: T): unknown {
  if (!map) return undefined
  try {
    return map(value)
  } catch (error) {
    log.warn({ err: error }, 'the mapping of a recorded value threw: nothing is recorded')
    return undefined
  }
}
