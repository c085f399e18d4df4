import type { AgentEventInput } from '../events/schemas.js'
import { errorMessageOf } from '../instrumentation/error-message.js'
import { runErrorMessage, runOutputValue, tail, toolOutcomeOf } from './codebuff-payloads.js'
import {
  printModeEventSchema,
  runStateSchema,
  streamChunkSchema,
  type CodebuffPrintModeEvent,
} from './print-mode-events.js'
import { ReasoningAttribution, type Thought } from './reasoning-attribution.js'
import { RunAgents, type AgentRecord } from './run-agents.js'

/** Who a codebuff run is in our event model. */
export interface CodebuffRunIdentity {
  readonly executionId: string
  readonly conversationId?: string
  readonly projectId?: string
  /** The department of every agent of the run. */
  readonly department?: string
  /** Our id of the agent `client.run()` runs: codebuff's events name it only by its type. */
  readonly agentId: string
  readonly agentName: string
  /** The prompt: the main agent's `task`. */
  readonly task: string
  /** The agent that started the run, when it runs inside another agent. */
  readonly parentAgentId?: string
  /** Whether the run is the whole execution: `orchestration-start` and `-complete` then surround it. */
  readonly orchestration: boolean
  /** `orchestration-start`'s `context`. */
  readonly context?: unknown
}

interface OpenToolCall {
  readonly agentId: string
  readonly toolName: string
  readonly startedAt: number
}

/** A moment: the wall clock for timestamps, the monotonic clock for durations. */
interface Moment {
  readonly at: Date
  readonly mono: number
}

const now = (): Moment => ({ at: new Date(), mono: performance.now() })
const elapsed = (from: number, to: Moment): number => Math.max(0, Math.round(to.mono - from))

/**
 * Turns the callbacks and the outcome of one `client.run()` of `@codebuff/sdk` into agent events,
 * synchronously and in order: the main agent and every sub-agent as `agent-start`/`agent-complete`
 * pairs with `executionTime` and `parentAgentId`, tool calls as `tool-call`/`tool-result` pairs by
 * `toolCallId` with `duration`, reasoning as `agent-thinking`, the run's credits as `cost`. Whatever
 * is still open when the run ends is closed: as failed with the run's error when it failed.
 * Input of unknown shape is ignored (counted in `ignored`), never trusted, never thrown on.
 * @example
 * const mapper = new CodebuffEventMapper({ executionId: 'exec-1', agentId: 'coder', agentName: 'Coder',
 *   task: prompt, orchestration: true })
 * const emit = (events: AgentEventInput[]) => events.forEach((event) => void emitter.emitAgentEvent(event))
 * emit(mapper.begin())
 * const state = await client.run({ agent: 'base', prompt, handleEvent: (e) => emit(mapper.onEvent(e)) })
 * emit(mapper.complete(state))
 */
export class CodebuffEventMapper {
  /** Callbacks of a shape this mapper does not know, or that came after the run ended. */
  ignored = 0
  private readonly agents: RunAgents
  private readonly toolCalls = new Map<string, OpenToolCall>()
  private readonly reasoning: ReasoningAttribution
  private totalCost: number | undefined
  private closed = false

  constructor(private readonly identity: CodebuffRunIdentity) {
    const { agentId, agentName, parentAgentId } = identity
    this.agents = new RunAgents({ agentId, agentName, parentAgentId }, performance.now())
    this.reasoning = new ReasoningAttribution(this.agents.topology())
  }

  /** Thoughts dropped because they could not be attributed to one agent. */
  get droppedThoughts(): number {
    return this.reasoning.dropped
  }

  /** The events that open the run: `orchestration-start` (for a whole execution), the main `agent-start`. */
  begin(): AgentEventInput[] {
    const { at } = now()
    const opening: AgentEventInput[] = []
    if (this.identity.orchestration)
      opening.push({
        type: 'orchestration-start',
        ...this.common(),
        context: this.identity.context,
        timestamp: at,
      })
    opening.push(this.agentStart(this.agents.main, this.identity.task, at))
    return opening
  }

  /** The events of one `handleEvent` callback. */
  onEvent(raw: unknown): AgentEventInput[] {
    const parsed = printModeEventSchema.safeParse(raw)
    if (!parsed.success || this.closed) return this.ignore()
    const moment = now()
    return [...this.thoughts(this.reasoning.flush()), ...this.mapEvent(parsed.data, moment)]
  }

  /** The events of one `handleStreamChunk` callback. */
  onStreamChunk(raw: unknown): AgentEventInput[] {
    const parsed = streamChunkSchema.safeParse(raw)
    if (!parsed.success || this.closed) return this.ignore()
    const chunk = parsed.data
    if (typeof chunk !== 'string' && chunk.type === 'reasoning_chunk')
      return this.thoughts(this.reasoning.add(chunk.agentId, chunk.ancestorRunIds, chunk.chunk, now().at))
    const agent = this.agents.of(typeof chunk === 'string' ? undefined : chunk.agentId)
    agent.text = tail(agent.text + (typeof chunk === 'string' ? chunk : chunk.chunk))
    return this.thoughts(this.reasoning.flush())
  }

  /** The closing events once `client.run()` resolved with `result` (a failed run is an error output). */
  complete(result: unknown): AgentEventInput[] {
    const state = runStateSchema.safeParse(result)
    const output = state.success ? state.data.output : undefined
    if (output?.type === 'error') return this.close(runErrorMessage(output), undefined)
    return this.close(undefined, output ? runOutputValue(output) : undefined)
  }

  /** The closing events once `client.run()` rejected with `error`. */
  fail(error: unknown): AgentEventInput[] {
    return this.close(errorMessageOf(error), undefined)
  }

  private mapEvent(event: CodebuffPrintModeEvent, moment: Moment): AgentEventInput[] {
    switch (event.type) {
      case 'subagent_start': {
        const name = event.displayName || event.agentType
        const agent = this.agents.start(event.agentId, name, event.parentAgentId, moment.mono)
        return agent ? [this.agentStart(agent, event.prompt ?? '', moment.at)] : this.ignore()
      }
      case 'subagent_finish': {
        const agent = this.agents.running(event.agentId)
        if (!agent) return this.ignore()
        return [this.agentComplete(agent, moment, { status: 'completed', output: agent.text || undefined })]
      }
      case 'tool_call': {
        if (this.toolCalls.has(event.toolCallId)) return this.ignore()
        const agentId = this.agents.of(event.agentId).agentId
        this.toolCalls.set(event.toolCallId, { agentId, toolName: event.toolName, startedAt: moment.mono })
        const { toolCallId, toolName, input } = event
        return [
          { type: 'tool-call', ...this.common(), agentId, toolName, toolCallId, input, timestamp: moment.at },
        ]
      }
      case 'tool_result': {
        const call = this.toolCalls.get(event.toolCallId)
        this.toolCalls.delete(event.toolCallId)
        const outcome = toolOutcomeOf(event.output)
        return [
          {
            type: 'tool-result',
            ...this.common(),
            agentId: call?.agentId ?? this.agents.main.agentId,
            toolName: event.toolName,
            toolCallId: event.toolCallId,
            ...outcome,
            ...(call ? { duration: elapsed(call.startedAt, moment) } : {}),
            timestamp: moment.at,
          },
        ]
      }
      case 'text': {
        const agent = this.agents.of(event.agentId)
        agent.text = tail(agent.text + event.text)
        return []
      }
      case 'reasoning_delta':
        return this.thoughts(this.reasoning.add(event.runId, event.ancestorRunIds, event.text, moment.at))
      case 'error':
        return this.thoughts([
          { agentId: this.agents.main.agentId, text: `Error: ${event.message}`, at: moment.at },
        ])
      case 'finish':
        if (event.totalCost !== undefined) this.totalCost = event.totalCost
        return []
      default:
        return []
    }
  }

  private close(error: string | undefined, output: unknown): AgentEventInput[] {
    if (this.closed) return []
    const moment = now()
    const closing = this.thoughts(this.reasoning.flush(true))
    this.closed = true
    for (const [toolCallId, call] of this.toolCalls) {
      closing.push({
        type: 'tool-result',
        ...this.common(),
        agentId: call.agentId,
        toolName: call.toolName,
        toolCallId,
        success: false,
        error: error ?? 'The run ended before the tool returned a result',
        duration: elapsed(call.startedAt, moment),
        timestamp: moment.at,
      })
    }
    this.toolCalls.clear()
    for (const agent of this.agents.runningSubAgents().reverse()) {
      const reason = error ?? 'The run ended before the agent finished'
      closing.push(
        this.agentComplete(agent, moment, {
          status: 'failed',
          error: reason,
          output: agent.text || undefined,
        }),
      )
    }
    const cost = this.totalCost === undefined ? {} : { cost: { amount: this.totalCost, unit: 'credits' } }
    const main = this.agents.main
    const mainOutput = output ?? (main.text || undefined)
    closing.push(
      this.agentComplete(main, moment, {
        ...(error === undefined ? { status: 'completed' } : { status: 'failed', error }),
        output: mainOutput,
        ...cost,
      }),
    )
    if (this.identity.orchestration) {
      closing.push({
        type: 'orchestration-complete',
        ...this.common(),
        ...(error === undefined ? { status: 'completed' } : { status: 'failed', error }),
        timestamp: moment.at,
      })
    }
    return closing
  }

  private agentStart(agent: AgentRecord, task: string, at: Date): AgentEventInput {
    return {
      type: 'agent-start',
      ...this.common(),
      agentId: agent.agentId,
      agentName: agent.agentName,
      task,
      department: this.identity.department,
      parentAgentId: agent.parentAgentId,
      timestamp: at,
    }
  }

  private agentComplete(
    agent: AgentRecord,
    moment: Moment,
    outcome: {
      status: 'completed' | 'failed'
      error?: string
      output?: unknown
      cost?: { amount: number; unit: string }
    },
  ): AgentEventInput {
    agent.running = false
    return {
      type: 'agent-complete',
      ...this.common(),
      agentId: agent.agentId,
      agentName: agent.agentName,
      department: this.identity.department,
      executionTime: elapsed(agent.startedAt, moment),
      ...outcome,
      timestamp: moment.at,
    }
  }

  private thoughts(thoughts: readonly Thought[]): AgentEventInput[] {
    return thoughts.map((thought) => ({
      type: 'agent-thinking',
      ...this.common(),
      agentId: thought.agentId,
      agentName: this.agents.of(thought.agentId).agentName,
      currentStep: thought.text,
      timestamp: thought.at,
    }))
  }

  private common(): { executionId: string; conversationId?: string; projectId?: string } {
    const { executionId, conversationId, projectId } = this.identity
    return { executionId, conversationId, projectId }
  }

  private ignore(): AgentEventInput[] {
    this.ignored += 1
    return []
  }
}
