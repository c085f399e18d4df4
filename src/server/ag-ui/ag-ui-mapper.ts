import { EventType, type Event as AgUiEvent, type TokenUsage } from '@ag-ui/core'
import {
  agentOutcomeOf,
  orchestrationFailed,
  parentAgentIdOf,
  textOf,
  toolCallIdOf,
} from '../../events/integration-fields.js'
import type { AgentEventOf, AgentEventType, StampedAgentEvent } from '../../events/schemas.js'
import { ToolCallPairing } from '../../events/tool-call-pairing.js'
import { attribution, definedFields, withSource } from './ag-ui-source.js'

export type { Event as AgUiEvent } from '@ag-ui/core'
export { AG_UI_METADATA_KEY, type AgUiSource } from './ag-ui-source.js'

/** Sub-agents (agents started and not completed) tracked at once; past it, an `agent-start` is a `CUSTOM` event. */
export const MAX_OPEN_AGENTS = 16_384
/** Departments open at once; past it, a `department-start` is a `CUSTOM` event. */
export const MAX_OPEN_DEPARTMENTS = 16_384
/** The most AG-UI events one of our events becomes (closing every open agent and department, then the run). */
export const MAX_AG_UI_EVENTS_PER_EVENT = MAX_OPEN_AGENTS + MAX_OPEN_DEPARTMENTS + 2

/** Prefix of the `CUSTOM` event names that carry one of our events as their value. */
export const CUSTOM_EVENT_PREFIX = 'agent-events.'

type Stamped<T extends AgentEventType> = AgentEventOf<T> & { readonly id: string; readonly seq: number }

interface AgentRun {
  readonly runId: string
  open: boolean
}

/**
 * Turns the events of one execution, given in seq order from seq 1, into the AG-UI 1.0 events of one
 * run. Pure and deterministic: the same events give the same AG-UI events (ids included), so a stream
 * resumed anywhere equals the rest of the full stream. Stateful per stream (open departments and
 * agents, tool calls awaiting results), with bounded state.
 *
 * - orchestration → `RUN_STARTED` / `RUN_FINISHED` (`RUN_ERROR` when it failed); `runId` is the
 *   execution id, `threadId` the conversation id (else the execution id). An execution that does not
 *   begin with `orchestration-start` gets its `RUN_STARTED` from its first event; departments and
 *   agents still open when it completes are closed before `RUN_FINISHED`.
 * - departments → `STEP_STARTED` / `STEP_FINISHED` (`stepName` = department).
 * - agents → `SUBAGENT_STARTED` / `SUBAGENT_FINISHED` (`SUBAGENT_ERROR` when `status: 'failed'`),
 *   `subagentRunId` = the id of its `agent-start`; its output → `TEXT_MESSAGE_START` / `CONTENT` / `END`.
 * - thinking → `ACTIVITY_SNAPSHOT` (`activityType: 'agent-thinking'`, one activity per agent run).
 * - tools → `TOOL_CALL_START` / `ARGS` / `END` on the call, `TOOL_CALL_RESULT` on the result.
 * - quality-check, review-status, and events that have no AG-UI form (a duplicate start, a complete
 *   without its start) → `CUSTOM` named `agent-events.<type>` with the event as its value.
 *
 * Every AG-UI event carries `timestamp` (ms) and `metadata.agentEvents` = {@link AgUiSource}.
 * Events after the run finished map to nothing.
 *
 * @example
 * const mapper = new AgUiRunMapper()
 * for (const event of events) for (const agUi of mapper.map(event)) send(agUi)
 */
export class AgUiRunMapper {
  private threadId: string | undefined
  private runFinished = false
  private readonly openDepartments = new Set<string>()
  /** The latest run of each agent. */
  private readonly agentRuns = new Map<string, AgentRun>()
  /** Open runs in start order: run id → agent id. */
  private readonly openRuns = new Map<string, string>()
  private readonly toolCalls = new ToolCallPairing()
  private readonly usage = { input: 0, output: 0, total: 0, reported: false }

  /** Whether the run has ended (`RUN_FINISHED` or `RUN_ERROR` was produced). */
  get finished(): boolean {
    return this.runFinished
  }

  /** The AG-UI events of the next event of the execution, in order. */
  map(event: StampedAgentEvent): AgUiEvent[] {
    if (this.runFinished) return []
    const out: AgUiEvent[] = []
    const emit = (agUi: AgUiEvent, details?: Record<string, unknown>): void => {
      out.push(withSource(agUi, event, details))
    }
    if (this.threadId === undefined) {
      this.threadId = event.conversationId ?? event.executionId
      const context =
        event.type === 'orchestration-start' ? definedFields({ context: event.context }) : undefined
      emit({ type: EventType.RUN_STARTED, threadId: this.threadId, runId: event.executionId }, context)
      if (event.type === 'orchestration-start') return out
    }
    this.mapEvent(event, emit)
    return out
  }

  private mapEvent(
    event: StampedAgentEvent,
    emit: (agUi: AgUiEvent, details?: Record<string, unknown>) => void,
  ): void {
    const custom = (): void =>
      emit({ type: EventType.CUSTOM, name: `${CUSTOM_EVENT_PREFIX}${event.type}`, value: event })
    switch (event.type) {
      case 'orchestration-start':
        return custom()
      case 'orchestration-complete':
        return this.complete(event, emit)
      case 'department-start':
        if (this.openDepartments.has(event.department) || this.openDepartments.size >= MAX_OPEN_DEPARTMENTS)
          return custom()
        this.openDepartments.add(event.department)
        return emit({ type: EventType.STEP_STARTED, stepName: event.department })
      case 'department-complete':
        if (!this.openDepartments.delete(event.department)) return custom()
        return emit({ type: EventType.STEP_FINISHED, stepName: event.department })
      case 'agent-start':
        return this.startAgent(event, emit) ? undefined : custom()
      case 'agent-thinking': {
        const runId = this.openRunOf(event.agentId)
        return emit({
          type: EventType.ACTIVITY_SNAPSHOT,
          messageId: `thinking-${runId ?? event.agentId}`,
          activityType: 'agent-thinking',
          content: definedFields({
            agentId: event.agentId,
            agentName: event.agentName,
            currentStep: event.currentStep,
            progress: event.progress,
          }),
          ...attribution(runId),
        })
      }
      case 'agent-complete':
        this.countUsage(event)
        return this.completeAgent(event, emit) ? undefined : custom()
      case 'tool-call':
        return this.callTool(event, emit)
      case 'tool-result':
        return this.answerTool(event, emit)
      case 'quality-check': {
        const runId = event.agentId === undefined ? undefined : this.openRunOf(event.agentId)
        return emit({
          type: EventType.CUSTOM,
          name: `${CUSTOM_EVENT_PREFIX}${event.type}`,
          value: event,
          ...attribution(runId),
        })
      }
      case 'review-status':
        return custom()
    }
  }

  private complete(event: Stamped<'orchestration-complete'>, emit: (agUi: AgUiEvent) => void): void {
    this.runFinished = true
    const runId = event.executionId
    const usage = this.usage.reported ? { usage: [this.tokenUsage()] } : {}
    if (orchestrationFailed(event)) {
      const message = textOf(event.result) ?? `The orchestration ended with status ${event.status}`
      return emit({ type: EventType.RUN_ERROR, message, code: event.status ?? 'failed', ...usage })
    }
    for (const subagentRunId of [...this.openRuns.keys()].reverse()) {
      emit({ type: EventType.SUBAGENT_FINISHED, subagentRunId })
    }
    for (const stepName of [...this.openDepartments].reverse())
      emit({ type: EventType.STEP_FINISHED, stepName })
    this.openRuns.clear()
    this.openDepartments.clear()
    const result = event.result === undefined ? {} : { result: event.result }
    emit({ type: EventType.RUN_FINISHED, threadId: this.threadId ?? runId, runId, ...result, ...usage })
  }

  private startAgent(event: Stamped<'agent-start'>, emit: (agUi: AgUiEvent) => void): boolean {
    if (this.openRunOf(event.agentId) !== undefined || this.openRuns.size >= MAX_OPEN_AGENTS) return false
    const parentAgentId = parentAgentIdOf(event)
    const parentRunId = parentAgentId === undefined ? undefined : this.agentRuns.get(parentAgentId)?.runId
    this.agentRuns.set(event.agentId, { runId: event.id, open: true })
    this.openRuns.set(event.id, event.agentId)
    emit({
      type: EventType.SUBAGENT_STARTED,
      subagentRunId: event.id,
      name: event.agentName,
      ...(event.task === '' ? {} : { description: event.task }),
      ...(parentRunId === undefined ? {} : { parentSubagentRunId: parentRunId }),
    })
    return true
  }

  private completeAgent(
    event: Stamped<'agent-complete'>,
    emit: (agUi: AgUiEvent, details?: Record<string, unknown>) => void,
  ): boolean {
    const run = this.agentRuns.get(event.agentId)
    if (!run?.open) return false
    const subagentRunId = run.runId
    const output = textOf(event.output)
    if (output !== undefined) {
      const messageId = `output-${event.id}`
      emit({
        type: EventType.TEXT_MESSAGE_START,
        messageId,
        role: 'assistant',
        name: event.agentName,
        subagentRunId,
      })
      emit({ type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta: output, subagentRunId })
      emit({ type: EventType.TEXT_MESSAGE_END, messageId, subagentRunId })
    }
    run.open = false
    this.openRuns.delete(subagentRunId)
    const details = definedFields({
      department: event.department,
      qualityScore: event.qualityScore,
      executionTime: event.executionTime,
      tokenUsage: event.tokenUsage,
    })
    const outcome = agentOutcomeOf(event)
    if (outcome.status === 'failed') {
      emit(
        { type: EventType.SUBAGENT_ERROR, subagentRunId, message: outcome.error ?? 'The agent failed' },
        details,
      )
    } else {
      emit({ type: EventType.SUBAGENT_FINISHED, subagentRunId }, details)
    }
    return true
  }

  private callTool(event: Stamped<'tool-call'>, emit: (agUi: AgUiEvent) => void): void {
    const toolCallId = toolCallIdOf(event) ?? `call-${event.id}`
    this.toolCalls.called(event.agentId, event.toolName, toolCallId)
    this.emitCall(emit, toolCallId, event.toolName, event.input ?? {}, this.openRunOf(event.agentId))
  }

  private answerTool(
    event: Stamped<'tool-result'>,
    emit: (agUi: AgUiEvent, details?: Record<string, unknown>) => void,
  ): void {
    const runId = this.openRunOf(event.agentId)
    let toolCallId = this.toolCalls.answered(event.agentId, event.toolName, toolCallIdOf(event))
    if (toolCallId === undefined) {
      // A result whose call was never seen still shows as a (argument-less) call with its result.
      toolCallId = `call-${event.id}`
      this.emitCall(emit, toolCallId, event.toolName, undefined, runId)
    }
    const content = textOf(event.result) ?? (event.success === false ? textOf(event.error) : undefined) ?? ''
    emit(
      {
        type: EventType.TOOL_CALL_RESULT,
        messageId: `result-${event.id}`,
        toolCallId,
        content,
        role: 'tool',
        ...attribution(runId),
      },
      definedFields({ success: event.success, error: event.error, duration: event.duration }),
    )
  }

  private emitCall(
    emit: (agUi: AgUiEvent) => void,
    toolCallId: string,
    toolCallName: string,
    input: unknown,
    runId: string | undefined,
  ): void {
    const by = attribution(runId)
    emit({ type: EventType.TOOL_CALL_START, toolCallId, toolCallName, ...by })
    if (input !== undefined)
      emit({ type: EventType.TOOL_CALL_ARGS, toolCallId, delta: JSON.stringify(input), ...by })
    emit({ type: EventType.TOOL_CALL_END, toolCallId, ...by })
  }

  private openRunOf(agentId: string): string | undefined {
    const run = this.agentRuns.get(agentId)
    return run?.open ? run.runId : undefined
  }

  private countUsage(event: Stamped<'agent-complete'>): void {
    if (!event.tokenUsage) return
    this.usage.input += event.tokenUsage.input
    this.usage.output += event.tokenUsage.output
    this.usage.total += event.tokenUsage.total
    this.usage.reported = true
  }

  private tokenUsage(): TokenUsage {
    // The protocol counts tokens in integers; ours may carry fractions (estimates).
    return {
      inputTokens: Math.round(this.usage.input),
      outputTokens: Math.round(this.usage.output),
      totalTokens: Math.round(this.usage.total),
    }
  }
}
