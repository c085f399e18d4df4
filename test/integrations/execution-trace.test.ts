import { describe, expect, it } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { AGENT_EVENTS_ATTRIBUTES, buildExecutionTrace } from '../../src/integrations/otel/execution-trace.js'
import { MAX_EVENTS_PER_SPAN } from '../../src/integrations/otel/span-draft.js'
import { spanIdOf, traceIdOf } from '../../src/integrations/otel/trace-ids.js'
import type { TraceSpan } from '../../src/integrations/otel/trace-model.js'
import { SCRIPT_START, stampedScript } from '../support/orchestration-script.js'

const at = (second: number): number => SCRIPT_START + second * 1000

function spanNamed(spans: readonly TraceSpan[], name: string): TraceSpan {
  const span = spans.find((candidate) => candidate.name === name)
  if (!span) throw new Error(`no span ${name}`)
  return span
}

describe('the trace of a recorded orchestration', () => {
  const events = stampedScript({ executionId: 'exec-film', conversationId: 'conv-film' })
  const trace = buildExecutionTrace(events)
  const span = (name: string) => spanNamed(trace.spans, name)

  it('has one span per orchestration, department run, agent run and tool call, in one trace', () => {
    expect(trace.traceId).toBe(traceIdOf('exec-film'))
    expect(trace.spans.map((s) => s.name)).toEqual([
      'invoke_workflow',
      'department story',
      'invoke_agent Story Head',
      'invoke_agent Plot Analyst',
      'execute_tool search',
      'execute_tool outline',
      'invoke_agent Critic',
      'department visuals',
      'invoke_agent Visuals Head',
      'execute_tool render',
    ])
    expect(new Set(trace.spans.map((s) => s.traceId))).toEqual(new Set([trace.traceId]))
    expect(new Set(trace.spans.map((s) => s.spanId)).size).toBe(trace.spans.length)
  })

  it('nests tools under agents, sub-agents under their parent, agents under their department', () => {
    const parentOf = (name: string) => trace.spans.find((s) => s.spanId === span(name).parentSpanId)?.name
    expect(span('invoke_workflow').parentSpanId).toBeUndefined()
    expect(parentOf('department story')).toBe('invoke_workflow')
    expect(parentOf('invoke_agent Story Head')).toBe('department story')
    expect(parentOf('invoke_agent Plot Analyst')).toBe('invoke_agent Story Head')
    expect(parentOf('invoke_agent Critic')).toBe('invoke_agent Story Head')
    expect(parentOf('execute_tool search')).toBe('invoke_agent Plot Analyst')
    expect(parentOf('execute_tool outline')).toBe('invoke_agent Plot Analyst')
    expect(parentOf('invoke_agent Visuals Head')).toBe('department visuals')
    expect(parentOf('execute_tool render')).toBe('invoke_agent Visuals Head')
  })

  it('takes span times from the events, and derives span ids from the events that open them', () => {
    expect([span('invoke_workflow').startTimeMs, span('invoke_workflow').endTimeMs]).toEqual([at(0), at(24)])
    expect([
      span('invoke_agent Plot Analyst').startTimeMs,
      span('invoke_agent Plot Analyst').endTimeMs,
    ]).toEqual([at(4), at(10)])
    expect([span('execute_tool search').startTimeMs, span('execute_tool search').endTimeMs]).toEqual([
      at(5),
      at(7),
    ])
    expect([span('execute_tool outline').startTimeMs, span('execute_tool outline').endTimeMs]).toEqual([
      at(8),
      at(9),
    ])
    expect(span('invoke_agent Plot Analyst').spanId).toBe(spanIdOf('exec-film', 'exec-film-5'))
    expect(buildExecutionTrace(events)).toEqual(trace)
  })

  it('names agents, tools and usage with the GenAI semantic conventions', () => {
    expect(span('invoke_workflow').attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.conversation.id': 'conv-film',
      [AGENT_EVENTS_ATTRIBUTES.executionId]: 'exec-film',
    })
    expect(span('invoke_agent Plot Analyst').attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'Plot Analyst',
      'gen_ai.agent.id': 'plot',
      'gen_ai.agent.description': 'Outline the plot',
      'gen_ai.conversation.id': 'conv-film',
      'gen_ai.usage.input_tokens': { int: 1200 },
      'gen_ai.usage.output_tokens': { int: 800 },
      [AGENT_EVENTS_ATTRIBUTES.department]: 'story',
    })
    expect(span('execute_tool search').attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
      'gen_ai.tool.call.id': 'call-search-1',
    })
  })

  it('marks failed tools and agents as errors with error.type', () => {
    expect(span('execute_tool outline').status).toEqual({ code: 'error', message: 'timeout' })
    expect(span('execute_tool outline').attributes['error.type']).toBe('tool_error')
    expect(span('invoke_agent Critic').status).toEqual({ code: 'error', message: 'model refused' })
    expect(span('invoke_agent Critic').attributes['error.type']).toBe('agent_failed')
    expect(span('invoke_workflow').status).toEqual({ code: 'unset' })
  })

  it('records quality checks, agent scores and reviews as gen_ai.evaluation.result span events', () => {
    const evaluations = (name: string) =>
      span(name).events.filter((e) => e.name === 'gen_ai.evaluation.result')
    expect(evaluations('invoke_agent Plot Analyst')).toEqual([
      {
        name: 'gen_ai.evaluation.result',
        timeMs: at(10),
        attributes: {
          'gen_ai.evaluation.name': 'agent-quality-score',
          'gen_ai.evaluation.score.value': { double: 0.82 },
        },
      },
      {
        name: 'gen_ai.evaluation.result',
        timeMs: at(11),
        attributes: {
          'gen_ai.evaluation.name': 'quality-check',
          'gen_ai.evaluation.score.value': { double: 0.82 },
          'gen_ai.evaluation.score.label': 'pass',
        },
      },
    ])
    expect(evaluations('department story').map((e) => e.attributes)).toEqual([
      {
        'gen_ai.evaluation.name': 'review',
        'gen_ai.evaluation.score.label': 'approved',
        'gen_ai.evaluation.explanation': 'Tight structure',
      },
    ])
    expect(evaluations('department visuals')[0]?.attributes['gen_ai.evaluation.score.label']).toBe('fail')
    expect(span('invoke_agent Story Head').events.map((e) => [e.name, e.timeMs])).toEqual([
      ['agent_events.thinking', at(3)],
    ])
  })
})

describe('the trace of unusual executions', () => {
  const stamp = (list: readonly Record<string, unknown>[]): StampedAgentEvent[] =>
    list.map(
      (event, i) =>
        ({
          executionId: 'exec-x',
          timestamp: new Date(at(i)).toISOString(),
          ...event,
          id: `e-${i + 1}`,
          seq: i + 1,
        }) as StampedAgentEvent,
    )

  it('marks a failed orchestration on the root span', () => {
    const root = buildExecutionTrace(stampedScript({ executionId: 'exec-bad', failed: true })).spans[0]
    expect(root?.status).toEqual({ code: 'error', message: 'The visuals did not pass review' })
    expect(root?.attributes['error.type']).toBe('failed')
  })

  it('ends what never ended with the trace, and builds spans from a complete whose start it never saw', () => {
    const trace = buildExecutionTrace(
      stamp([
        { type: 'agent-start', agentId: 'a', agentName: 'A', task: 't' },
        { type: 'agent-complete', agentId: 'b', agentName: 'B', executionTime: 500 },
        { type: 'tool-result', agentId: 'b', toolName: 'fetch', duration: 250, success: true },
        { type: 'agent-thinking', agentId: 'a', currentStep: 'still going' },
      ]),
    )
    const a = spanNamed(trace.spans, 'invoke_agent A')
    expect([a.startTimeMs, a.endTimeMs, a.attributes[AGENT_EVENTS_ATTRIBUTES.incomplete]]).toEqual([
      at(0),
      at(3),
      true,
    ])
    const b = spanNamed(trace.spans, 'invoke_agent B')
    expect([b.startTimeMs, b.endTimeMs]).toEqual([at(1) - 500, at(1)])
    const fetch = spanNamed(trace.spans, 'execute_tool fetch')
    expect([fetch.startTimeMs, fetch.endTimeMs, fetch.parentSpanId]).toEqual([at(2) - 250, at(2), b.spanId])
    expect(spanNamed(trace.spans, 'invoke_workflow').attributes[AGENT_EVENTS_ATTRIBUTES.incomplete]).toBe(
      true,
    )
  })

  it(`keeps at most ${MAX_EVENTS_PER_SPAN} events per span and counts the others`, () => {
    const thinking = Array.from({ length: MAX_EVENTS_PER_SPAN + 5 }, (_, i) => ({
      type: 'agent-thinking',
      agentId: 'a',
      currentStep: `step ${i}`,
    }))
    const trace = buildExecutionTrace(
      stamp([{ type: 'agent-start', agentId: 'a', agentName: 'A', task: 't' }, ...thinking]),
    )
    const a = spanNamed(trace.spans, 'invoke_agent A')
    expect([a.events.length, a.droppedEventsCount]).toEqual([MAX_EVENTS_PER_SPAN, 5])
  })
})
