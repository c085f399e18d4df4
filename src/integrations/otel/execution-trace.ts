import {
  ATTR_GEN_AI_AGENT_DESCRIPTION,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  EVENT_GEN_AI_EVALUATION_RESULT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
} from '@opentelemetry/semantic-conventions/incubating'
import {
  agentOutcomeOf,
  orchestrationFailed,
  parentAgentIdOf,
  textOf,
  toolCallIdOf,
} from '../../events/integration-fields.js'
import type { StampedAgentEvent } from '../../events/schemas.js'
import { ToolCallPairing } from '../../events/tool-call-pairing.js'
import { SpanDraft } from './span-draft.js'
import { spanIdOf, traceIdOf } from './trace-ids.js'
import { double, int, type Attributes, type ExecutionTrace } from './trace-model.js'

/** Our attributes, beside the GenAI semantic conventions. */
export const AGENT_EVENTS_ATTRIBUTES = {
  executionId: 'agent_events.execution.id',
  projectId: 'agent_events.project.id',
  department: 'agent_events.department',
  departmentHead: 'agent_events.agent.department_head',
  /** The span's end was never reported: it ends with the trace. */
  incomplete: 'agent_events.incomplete',
  currentStep: 'agent_events.thinking.step',
  progress: 'agent_events.thinking.progress',
} as const
/** The span event of an `agent-thinking`. */
export const THINKING_EVENT = 'agent_events.thinking'

/**
 * The trace of one execution, from its events in seq order: an `invoke_workflow` root span for the
 * orchestration; a `department {name}` span per department run; an `invoke_agent {agentName}` span per
 * agent run (under its parent agent, else its department, else the root) with the GenAI agent and usage
 * attributes; an `execute_tool {toolName}` span per tool call (under its agent), paired with its result
 * by `toolCallId`, else by order per agent and tool; quality checks, agent quality scores and reviews as
 * `gen_ai.evaluation.result` span events; thinking as span events. Times are the events' timestamps;
 * ids derive from the execution id and event ids, so building it again gives the same trace. A span
 * whose end was never reported ends with the trace and says so (`agent_events.incomplete`).
 *
 * @example
 * const trace = buildExecutionTrace(await store.getExecutionEvents('exec-123'))
 */
export function buildExecutionTrace(events: readonly StampedAgentEvent[]): ExecutionTrace {
  const first = events[0]
  if (!first) throw new Error('an execution trace needs at least one event')
  const builder = new TraceBuilder(first)
  for (const event of events) builder.add(event)
  return builder.finish()
}

class TraceBuilder {
  private readonly executionId: string
  private readonly root: SpanDraft
  private readonly spans: SpanDraft[] = []
  private readonly departments = new Map<string, SpanDraft>()
  private readonly agents = new Map<string, SpanDraft>()
  private readonly tools = new Map<string, SpanDraft>()
  private readonly pairing = new ToolCallPairing()
  private lastTimeMs: number

  constructor(first: StampedAgentEvent) {
    this.executionId = first.executionId
    this.lastTimeMs = Date.parse(first.timestamp)
    this.root = this.open(
      'workflow',
      undefined,
      GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
      this.lastTimeMs,
      {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
        [AGENT_EVENTS_ATTRIBUTES.executionId]: first.executionId,
        ...definedText(ATTR_GEN_AI_CONVERSATION_ID, first.conversationId),
        ...definedText(AGENT_EVENTS_ATTRIBUTES.projectId, first.projectId),
      },
    )
  }

  add(event: StampedAgentEvent): void {
    const time = Date.parse(event.timestamp)
    this.lastTimeMs = Math.max(this.lastTimeMs, time)
    switch (event.type) {
      case 'orchestration-start':
        return
      case 'orchestration-complete':
        if (orchestrationFailed(event))
          this.root.fail(
            event.status ?? 'failed',
            textOf(event.result) ?? `The orchestration ${event.status}`,
          )
        return this.root.end(time)
      case 'department-start': {
        const span = this.open(event.id, this.root, `department ${event.department}`, time, {
          [AGENT_EVENTS_ATTRIBUTES.department]: event.department,
        })
        return void this.departments.set(event.department, span)
      }
      case 'department-complete': {
        const open = this.departments.get(event.department)
        if (open?.isOpen) return open.end(time)
        const span = this.open(event.id, this.root, `department ${event.department}`, time, {
          [AGENT_EVENTS_ATTRIBUTES.department]: event.department,
        })
        return span.end(time)
      }
      case 'agent-start': {
        const parentAgentId = parentAgentIdOf(event)
        const parent =
          (parentAgentId === undefined ? undefined : this.agents.get(parentAgentId)) ??
          (event.department === undefined ? undefined : this.departments.get(event.department)) ??
          this.root
        const span = this.open(event.id, parent, `invoke_agent ${event.agentName}`, time, {
          ...this.agentAttributes(event.agentId, event.agentName, event.conversationId, event.department),
          ...definedText(ATTR_GEN_AI_AGENT_DESCRIPTION, event.task === '' ? undefined : event.task),
          ...(event.isDepartmentHead === undefined
            ? {}
            : { [AGENT_EVENTS_ATTRIBUTES.departmentHead]: event.isDepartmentHead }),
        })
        return void this.agents.set(event.agentId, span)
      }
      case 'agent-thinking':
        return this.spanOfAgent(event.agentId).addEvent({
          name: THINKING_EVENT,
          timeMs: time,
          attributes: {
            [AGENT_EVENTS_ATTRIBUTES.currentStep]: event.currentStep,
            ...(event.progress === undefined
              ? {}
              : { [AGENT_EVENTS_ATTRIBUTES.progress]: double(event.progress) }),
          },
        })
      case 'agent-complete':
        return this.completeAgent(event, time)
      case 'tool-call': {
        const toolCallId = toolCallIdOf(event) ?? `call-${event.id}`
        this.pairing.called(event.agentId, event.toolName, toolCallId)
        return void this.tools.set(toolCallId, this.openTool(event, time))
      }
      case 'tool-result': {
        const toolCallId = this.pairing.answered(event.agentId, event.toolName, toolCallIdOf(event))
        let span = toolCallId === undefined ? undefined : this.tools.get(toolCallId)
        if (toolCallId !== undefined) this.tools.delete(toolCallId)
        if (!span?.isOpen) {
          const start = event.duration === undefined ? time : time - event.duration
          span = this.openTool(event, start)
        }
        if (event.success === false) span.fail('tool_error', textOf(event.error) ?? 'The tool failed')
        return span.end(time)
      }
      case 'quality-check': {
        const target =
          (event.agentId === undefined ? undefined : this.agents.get(event.agentId)) ??
          (event.department === undefined ? undefined : this.departments.get(event.department)) ??
          this.root
        return target.addEvent(
          evaluation(
            time,
            'quality-check',
            event.score,
            event.passed === undefined ? undefined : passLabel(event.passed),
          ),
        )
      }
      case 'review-status':
        return (this.departments.get(event.department) ?? this.root).addEvent(
          evaluation(time, 'review', undefined, event.status, textOf(event.feedback)),
        )
    }
  }

  finish(): ExecutionTrace {
    const traceId = traceIdOf(this.executionId)
    const spans = this.spans.map((span) =>
      span.toSpan(traceId, this.lastTimeMs, AGENT_EVENTS_ATTRIBUTES.incomplete),
    )
    return { executionId: this.executionId, traceId, spans }
  }

  private completeAgent(event: Extract<StampedAgentEvent, { type: 'agent-complete' }>, time: number): void {
    let span = this.agents.get(event.agentId)
    if (!span?.isOpen) {
      const start = event.executionTime === undefined ? time : time - event.executionTime
      const parent =
        (event.department === undefined ? undefined : this.departments.get(event.department)) ?? this.root
      span = this.open(event.id, parent, `invoke_agent ${event.agentName}`, start, {
        ...this.agentAttributes(event.agentId, event.agentName, event.conversationId, event.department),
      })
      this.agents.set(event.agentId, span)
    }
    if (event.tokenUsage) {
      span.setAttributes({
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: int(event.tokenUsage.input),
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: int(event.tokenUsage.output),
      })
    }
    if (event.qualityScore !== undefined)
      span.addEvent(evaluation(time, 'agent-quality-score', event.qualityScore))
    const outcome = agentOutcomeOf(event)
    if (outcome.status === 'failed') span.fail('agent_failed', outcome.error ?? 'The agent failed')
    span.end(time)
  }

  private agentAttributes(
    agentId: string,
    agentName: string,
    conversationId: string | undefined,
    department: string | undefined,
  ): Attributes {
    return {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
      [ATTR_GEN_AI_AGENT_NAME]: agentName,
      [ATTR_GEN_AI_AGENT_ID]: agentId,
      ...definedText(ATTR_GEN_AI_CONVERSATION_ID, conversationId),
      ...definedText(AGENT_EVENTS_ATTRIBUTES.department, department),
    }
  }

  /** The agent's latest span (open or not), else the root: where its tools and thinking belong. */
  private spanOfAgent(agentId: string): SpanDraft {
    return this.agents.get(agentId) ?? this.root
  }

  /** An `execute_tool` span under the agent's, opened by its call (or by a result whose call is unknown). */
  private openTool(event: ToolEvent, startMs: number): SpanDraft {
    return this.open(event.id, this.spanOfAgent(event.agentId), `execute_tool ${event.toolName}`, startMs, {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
      [ATTR_GEN_AI_TOOL_NAME]: event.toolName,
      ...definedText(ATTR_GEN_AI_TOOL_CALL_ID, toolCallIdOf(event)),
    })
  }

  private open(
    key: string,
    parent: SpanDraft | undefined,
    name: string,
    startMs: number,
    attributes: Attributes,
  ): SpanDraft {
    const span = new SpanDraft(spanIdOf(this.executionId, key), parent?.spanId, name, startMs, attributes)
    this.spans.push(span)
    return span
  }
}

function evaluation(timeMs: number, name: string, score?: number, label?: string, explanation?: string) {
  return {
    name: EVENT_GEN_AI_EVALUATION_RESULT,
    timeMs,
    attributes: {
      [ATTR_GEN_AI_EVALUATION_NAME]: name,
      ...(score === undefined ? {} : { [ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: double(score) }),
      ...definedText(ATTR_GEN_AI_EVALUATION_SCORE_LABEL, label),
      ...definedText(ATTR_GEN_AI_EVALUATION_EXPLANATION, explanation),
    },
  }
}

type ToolEvent = Extract<StampedAgentEvent, { type: 'tool-call' | 'tool-result' }>

const passLabel = (passed: boolean): string => (passed ? 'pass' : 'fail')

function definedText(key: string, value: string | undefined): Attributes {
  return value === undefined ? {} : { [key]: value }
}
