import { randomUUID } from 'node:crypto'
import { getLogger } from '../logger.js'
import { commonFields, contextFor, type ScopeOptions } from './scope-options.js'
import { recorded, runTimedScope } from './timed-scope.js'

export interface WithToolOptions<T> extends ScopeOptions {
  /** Pairs `tool-call` with `tool-result`. @default a random UUID */
  readonly toolCallId?: string
  /** The agent calling the tool. @default the enclosing agent */
  readonly agentId?: string
  /** What of the returned value `tool-result` carries as `result`. @default the value itself */
  readonly result?: (value: T) => unknown
}

/** The running tool call, handed to its function. */
export interface ToolScope {
  readonly toolCallId: string
  /** Sets the `result` of `tool-result` (over the returned value). */
  setResult(result: unknown): void
}

const log = getLogger('instrumentation')
const identity = <T>(value: T): T => value

/**
 * Runs one tool call of the enclosing agent: `tool-call` with `input` and a `toolCallId`, then
 * `fn`, then `tool-result` with the same `toolCallId`, `duration` (ms) and `success: true` and the
 * `result`, or `success: false` and `error` when `fn` throws (the error is rethrown unchanged).
 * @example
 * const hits = await withTool('web-search', { q: 'three-act structure' }, () => search('three-act structure'))
 */
export async function withTool<T>(
  toolName: string,
  input: unknown,
  fn: (scope: ToolScope) => T | Promise<T>,
  options: WithToolOptions<T> = {},
): Promise<T> {
  const toolCallId = options.toolCallId ?? randomUUID()
  let result: { readonly value: unknown } | undefined
  const scope: ToolScope = {
    toolCallId,
    setResult: (value) => {
      result = { value }
    },
  }
  const context = contextFor('withTool', options)
  const agentId = options.agentId ?? context?.agent?.agentId
  if (!context || agentId === undefined) {
    if (context)
      log.warn({ toolName }, 'withTool outside withAgent without an agentId: the tool runs without events')
    return fn(scope)
  }
  const fields = { ...commonFields(context), agentId, toolName, toolCallId }
  return runTimedScope(
    {
      context,
      start: { type: 'tool-call', ...fields, input, timestamp: new Date() },
      complete: (outcome) => ({
        type: 'tool-result',
        ...fields,
        duration: outcome.elapsedMs,
        timestamp: outcome.timestamp,
        ...(outcome.ok
          ? {
              success: true,
              result: result ? result.value : recorded(options.result ?? identity, outcome.value),
            }
          : { success: false, error: outcome.error }),
      }),
    },
    () => fn(scope),
  )
}
