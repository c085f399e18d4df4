import type { AgentEventInput } from '../events/schemas.js'
import { getLogger } from '../logger.js'
import { emitSafely } from './event-sink.js'
import type { InstrumentationContext } from './instrumentation-context.js'
import { commonFields, contextFor, type ScopeOptions } from './scope-options.js'
import { recorded, runTimedScope } from './timed-scope.js'

/** The agent a `withAgent` runs. */
export interface AgentDescriptor {
  readonly agentId: string
  readonly agentName: string
  /** What the agent was asked to do. @default '' */
  readonly task?: string
  /** @default the enclosing department */
  readonly department?: string
  readonly isDepartmentHead?: boolean
  /** The agent that started this one. @default the enclosing agent */
  readonly parentAgentId?: string
}

export interface WithAgentOptions<T> extends ScopeOptions {
  /** What of the returned value `agent-complete` carries as `output`. @default the value itself */
  readonly output?: (value: T) => unknown
}

export interface TokenCounts {
  readonly input: number
  readonly output: number
  /** @default input + output */
  readonly total?: number
}

/** The running agent, handed to its function. */
export interface AgentScope {
  readonly executionId: string
  readonly agentId: string
  readonly agentName: string
  readonly department?: string
  /** Emits an `agent-thinking` of this agent. */
  thinking(currentStep: string, progress?: number): void
  /** Sets the `output` of `agent-complete` (over the returned value). */
  setOutput(output: unknown): void
  /** Adds the tokens of one model call to the agent's `tokenUsage`. */
  addTokenUsage(usage: TokenCounts): void
  /** Sets the `qualityScore` of `agent-complete`. */
  setQualityScore(score: number): void
  /** Emits a `quality-check` of this agent's work. */
  qualityCheck(score: number, passed?: boolean): void
}

/**
 * Runs one agent: `agent-start` (with `parentAgentId`, the enclosing agent, and the enclosing
 * department), then `fn` (tools and sub-agents inside it are this agent's), then `agent-complete`
 * with `executionTime` (ms), `tokenUsage`, `qualityScore`, `output` and `status: 'completed'`, or
 * `status: 'failed'` and `error` when `fn` throws (the error is rethrown unchanged).
 * @example
 * const outline = await withAgent(
 *   { agentId: 'story-head', agentName: 'Story Head', task: 'Outline the pilot', isDepartmentHead: true },
 *   async (agent) => {
 *     agent.thinking('Reading the brief', 10)
 *     const reply = await model.generate(brief)
 *     agent.addTokenUsage({ input: reply.usage.input, output: reply.usage.output })
 *     return reply.text
 *   },
 * )
 */
export async function withAgent<T>(
  agent: AgentDescriptor,
  fn: (scope: AgentScope) => T | Promise<T>,
  options: WithAgentOptions<T> = {},
): Promise<T> {
  const outer = contextFor('withAgent', options)
  const department = agent.department ?? outer?.department
  const state = new AgentState()
  if (!outer) return fn(state.scopeOf(options.executionId ?? '', agent, department, () => undefined))
  const context: InstrumentationContext = {
    ...outer,
    ...(department === undefined ? {} : { department }),
    agent: { agentId: agent.agentId, agentName: agent.agentName },
  }
  const fields = { ...commonFields(context), agentId: agent.agentId }
  const emit = (event: AgentEventInput): void => void emitSafely(context.sink, event)
  const parentAgentId = agent.parentAgentId ?? outer.agent?.agentId
  const described = { agentName: agent.agentName, ...(department === undefined ? {} : { department }) }
  return runTimedScope(
    {
      context,
      start: {
        type: 'agent-start',
        ...fields,
        ...described,
        task: agent.task ?? '',
        isDepartmentHead: agent.isDepartmentHead,
        parentAgentId,
        timestamp: new Date(),
      },
      complete: (outcome) => ({
        type: 'agent-complete',
        ...fields,
        ...described,
        executionTime: outcome.elapsedMs,
        tokenUsage: state.tokenUsage,
        qualityScore: state.qualityScore,
        timestamp: outcome.timestamp,
        ...(outcome.ok
          ? {
              status: 'completed',
              output: state.output ? state.output.value : recorded(options.output ?? identity, outcome.value),
            }
          : { status: 'failed', error: outcome.error, output: state.output?.value }),
      }),
    },
    () => fn(state.scopeOf(context.executionId, agent, department, (event) => emit({ ...fields, ...event }))),
  )
}

const identity = <T>(value: T): T => value
const isCount = (value: number): boolean => Number.isFinite(value) && value >= 0
const log = getLogger('instrumentation')
const warnIgnored = (what: string, value: unknown): void =>
  log.warn({ value }, `withAgent: ignored an invalid ${what}`)

type AgentEmitter = (
  event:
    | { type: 'agent-thinking'; agentName: string; currentStep: string; progress?: number; timestamp: Date }
    | { type: 'quality-check'; score: number; passed?: boolean; department?: string; timestamp: Date },
) => void

/** What the agent's function reports while it runs, for its `agent-complete`. */
class AgentState {
  output: { readonly value: unknown } | undefined
  tokenUsage: { input: number; output: number; total: number } | undefined
  qualityScore: number | undefined

  scopeOf(
    executionId: string,
    agent: AgentDescriptor,
    department: string | undefined,
    emit: AgentEmitter,
  ): AgentScope {
    const { agentId, agentName } = agent
    return {
      executionId,
      agentId,
      agentName,
      department,
      thinking: (currentStep, progress) =>
        emit({ type: 'agent-thinking', agentName, currentStep, progress, timestamp: new Date() }),
      setOutput: (output) => {
        this.output = { value: output }
      },
      addTokenUsage: (usage) => {
        const total = usage.total ?? usage.input + usage.output
        // A count the schema refuses would make the agent-complete refused with it: dropped here instead.
        if (![usage.input, usage.output, total].every(isCount)) return warnIgnored('token usage', usage)
        const sum = this.tokenUsage ?? { input: 0, output: 0, total: 0 }
        this.tokenUsage = {
          input: sum.input + usage.input,
          output: sum.output + usage.output,
          total: sum.total + total,
        }
      },
      setQualityScore: (score) => {
        if (!Number.isFinite(score)) return warnIgnored('quality score', score)
        this.qualityScore = score
      },
      qualityCheck: (score, passed) =>
        emit({ type: 'quality-check', score, passed, department, timestamp: new Date() }),
    }
  }
}
