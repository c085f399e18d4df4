import { emitSafely } from './event-sink.js'
import { commonFields, contextFor, type ScopeOptions } from './scope-options.js'
import { runTimedScope } from './timed-scope.js'

/** The running department, handed to its function. */
export interface DepartmentScope {
  readonly executionId: string
  readonly department: string
  /** Emits a `review-status` of the department (e.g. `approved`, `changes-requested`). */
  reviewStatus(status: string, feedback?: unknown): void
  /** Emits a `quality-check` of the department's work. */
  qualityCheck(score: number, passed?: boolean): void
}

/**
 * Runs the work of one department: `department-start`, then `fn` (every agent started inside it
 * belongs to the department), then `department-complete` with `status: 'completed'`, or
 * `status: 'failed'` and `error` when `fn` throws (the error is rethrown unchanged).
 * Inside `orchestrate` it needs no options; elsewhere give `executionId`.
 * @example
 * await withDepartment('story', async (story) => {
 *   const draft = await withAgent({ agentId: 'story-head', agentName: 'Story Head', task: 'Outline' }, outline)
 *   story.reviewStatus('approved', 'Strong structure')
 *   return draft
 * })
 */
export async function withDepartment<T>(
  department: string,
  fn: (scope: DepartmentScope) => T | Promise<T>,
  options: ScopeOptions = {},
): Promise<T> {
  const outer = contextFor('withDepartment', options)
  const scopeOf = (executionId: string, emit: DepartmentEmitter): DepartmentScope => ({
    executionId,
    department,
    reviewStatus: (status, feedback) => emit({ type: 'review-status', department, status, feedback }),
    qualityCheck: (score, passed) => emit({ type: 'quality-check', department, score, passed }),
  })
  if (!outer) return fn(scopeOf(options.executionId ?? '', () => undefined))
  const context = { ...outer, department }
  const fields = commonFields(context)
  const emit: DepartmentEmitter = (event) =>
    void emitSafely(context.sink, { ...fields, ...event, timestamp: new Date() })
  return runTimedScope(
    {
      context,
      start: { type: 'department-start', ...fields, department, timestamp: new Date() },
      complete: (outcome) => ({
        type: 'department-complete',
        ...fields,
        department,
        timestamp: outcome.timestamp,
        ...(outcome.ok ? { status: 'completed' } : { status: 'failed', error: outcome.error }),
      }),
    },
    () => fn(scopeOf(context.executionId, emit)),
  )
}

type DepartmentEmitter = (
  event:
    | { type: 'review-status'; department: string; status: string; feedback?: unknown }
    | { type: 'quality-check'; department: string; score: number; passed?: boolean },
) => void
