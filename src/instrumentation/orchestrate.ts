import { sinkOf } from './event-sink.js'
import type { InstrumentationContext } from './instrumentation-context.js'
import { commonFields, type ScopeOptions } from './scope-options.js'
import { recorded, runTimedScope } from './timed-scope.js'

export interface OrchestrateOptions<T> extends Omit<ScopeOptions, 'executionId'> {
  /** What `orchestration-start` carries as `context` (the request, the plan...). */
  readonly context?: unknown
  /** What of the returned value `orchestration-complete` carries as `result`. @default nothing */
  readonly result?: (value: T) => unknown
}

/** The running orchestration, handed to its function. */
export interface OrchestrationScope {
  readonly executionId: string
  readonly conversationId?: string
  readonly projectId?: string
  /** Sets the `result` of `orchestration-complete` (over the `result` option). */
  setResult(result: unknown): void
}

/**
 * Runs one orchestration (an execution): emits `orchestration-start`, runs `fn` with the execution
 * as the context of every helper inside it (`withDepartment`, `withAgent`, `withTool`, the codebuff
 * wrapper), then `orchestration-complete` with `status: 'completed'`, or `status: 'failed'` and
 * `error` when `fn` throws; the error is then rethrown unchanged. A broker failure never reaches
 * the caller: events are queued in order and sent by the emitter, which never throws.
 * @example
 * const report = await orchestrate('exec-42', async (run) => {
 *   const outline = await withDepartment('story', () =>
 *     withAgent({ agentId: 'story-head', agentName: 'Story Head', task: 'Outline the pilot' }, () => outline()),
 *   )
 *   run.setResult({ scenes: outline.scenes.length })
 *   return outline
 * }, { conversationId: 'conv-7', context: { prompt: 'Write a pilot' } })
 */
export function orchestrate<T>(
  executionId: string,
  fn: (scope: OrchestrationScope) => T | Promise<T>,
  options: OrchestrateOptions<T> = {},
): Promise<T> {
  const context: InstrumentationContext = {
    sink: sinkOf(options.emitter),
    executionId,
    conversationId: options.conversationId,
    projectId: options.projectId,
  }
  let result: { readonly value: unknown } | undefined
  const scope: OrchestrationScope = {
    executionId,
    conversationId: options.conversationId,
    projectId: options.projectId,
    setResult: (value) => {
      result = { value }
    },
  }
  const fields = commonFields(context)
  return runTimedScope(
    {
      context,
      start: { type: 'orchestration-start', ...fields, context: options.context, timestamp: new Date() },
      complete: (outcome) =>
        outcome.ok
          ? {
              type: 'orchestration-complete',
              ...fields,
              status: 'completed',
              result: result ? result.value : recorded(options.result, outcome.value),
              timestamp: outcome.timestamp,
            }
          : {
              type: 'orchestration-complete',
              ...fields,
              status: 'failed',
              error: outcome.error,
              timestamp: outcome.timestamp,
            },
    },
    () => fn(scope),
  )
}
