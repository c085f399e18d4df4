import type { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { AgentEventInput } from '../../src/events/schemas.js'

/** One department of a scripted orchestration: its head, its steps (each a thought and a tool call), its verdict. */
export interface ScriptedDepartment {
  readonly department: string
  readonly agentId: string
  readonly agentName: string
  readonly tools: readonly string[]
  readonly steps: number
  readonly score: number
  readonly passed: boolean
  readonly review: string
  readonly tokens: { readonly input: number; readonly output: number; readonly total: number }
}

export interface ScriptedOrchestration {
  readonly executionId: string
  readonly conversationId: string
  readonly projectId?: string
  /** The status of `orchestration-complete`. @default 'completed' */
  readonly status?: 'completed' | 'failed'
  readonly departments: readonly ScriptedDepartment[]
}

/**
 * A deterministic orchestration, like the demo's: three departments, each head thinking with progress,
 * calling a tool per step, completing with a score and tokens, checked and reviewed.
 * @example const plan = scriptedOrchestration('exec-1', 'conv-1')
 */
export function scriptedOrchestration(
  executionId: string,
  conversationId: string,
  projectId?: string,
): ScriptedOrchestration {
  return {
    executionId,
    conversationId,
    ...(projectId === undefined ? {} : { projectId }),
    departments: [
      {
        department: 'story',
        agentId: 'story-head',
        agentName: 'Story Head',
        tools: ['outline-builder', 'trope-search'],
        steps: 3,
        score: 92,
        passed: true,
        review: 'approved',
        tokens: { input: 1200, output: 400, total: 1600 },
      },
      {
        department: 'character',
        agentId: 'character-head',
        agentName: 'Character Head',
        tools: ['persona-db'],
        steps: 2,
        score: 78,
        passed: false,
        review: 'changes-requested',
        tokens: { input: 800, output: 300, total: 1100 },
      },
      {
        department: 'dialogue',
        agentId: 'dialogue-head',
        agentName: 'Dialogue Head',
        tools: ['line-polisher', 'tone-analyzer'],
        steps: 3,
        score: 85,
        passed: true,
        review: 'approved',
        tokens: { input: 1000, output: 500, total: 1500 },
      },
    ],
  }
}

/** Every event of the orchestration, in the order a runner emits them. */
export function orchestrationEvents(plan: ScriptedOrchestration): AgentEventInput[] {
  const { executionId, conversationId, projectId } = plan
  const common = { executionId, conversationId, ...(projectId === undefined ? {} : { projectId }) }
  const events: AgentEventInput[] = [
    { ...common, type: 'orchestration-start', context: { prompt: 'Write a pilot' } },
  ]
  for (const d of plan.departments) {
    const agent = { ...common, agentId: d.agentId }
    events.push({ ...common, type: 'department-start', department: d.department })
    events.push({
      ...agent,
      type: 'agent-start',
      agentName: d.agentName,
      department: d.department,
      task: `Own the ${d.department}`,
      isDepartmentHead: true,
    })
    for (let step = 1; step <= d.steps; step++) {
      const toolName = d.tools[(step - 1) % d.tools.length] ?? 'search'
      events.push({
        ...agent,
        type: 'agent-thinking',
        currentStep: `${d.department} step ${step} of ${d.steps}`,
        progress: Math.round((step * 100) / (d.steps + 1)),
      })
      events.push({ ...agent, type: 'tool-call', toolName, input: { step } })
      events.push({
        ...agent,
        type: 'tool-result',
        toolName,
        result: { ok: true },
        success: true,
        duration: 10 * step,
      })
    }
    events.push({
      ...agent,
      type: 'agent-complete',
      agentName: d.agentName,
      department: d.department,
      output: `${d.department} done`,
      qualityScore: d.score,
      executionTime: 1000,
      tokenUsage: d.tokens,
    })
    events.push({
      ...agent,
      type: 'quality-check',
      score: d.score,
      passed: d.passed,
      department: d.department,
    })
    events.push({
      ...common,
      type: 'review-status',
      department: d.department,
      status: d.review,
      feedback: 'ok',
    })
    events.push({ ...common, type: 'department-complete', department: d.department })
  }
  const status = plan.status ?? 'completed'
  events.push({ ...common, type: 'orchestration-complete', status, result: { summary: 'done' } })
  return events
}

/** What the whole orchestration adds up to, computed from the plan (not from any code under test). */
export function orchestrationTotals(plan: ScriptedOrchestration): {
  events: number
  toolCalls: number
  tokens: { input: number; output: number; total: number }
  qualityAverage: number
  passed: number
  failed: number
} {
  const departments = plan.departments
  const sum = (pick: (d: ScriptedDepartment) => number): number =>
    departments.reduce((total, d) => total + pick(d), 0)
  return {
    events: 2 + sum((d) => 6 + 3 * d.steps),
    toolCalls: sum((d) => d.steps),
    tokens: {
      input: sum((d) => d.tokens.input),
      output: sum((d) => d.tokens.output),
      total: sum((d) => d.tokens.total),
    },
    // Each department scores twice with the same score (agent-complete and quality-check).
    qualityAverage: sum((d) => d.score) / departments.length,
    passed: departments.filter((d) => d.passed).length,
    failed: departments.filter((d) => !d.passed).length,
  }
}

/**
 * Emits events one after the other, each taken by Redis before the next (seq order = this order).
 * @example await emitInOrder(emitter, events.slice(0, 10))
 */
export async function emitInOrder(
  emitter: AgentEventEmitter,
  events: readonly AgentEventInput[],
): Promise<void> {
  for (const event of events) {
    const result = await emitter.emitAgentEvent(event)
    if (result.status === 'rejected' || result.status === 'dropped') {
      throw new Error(`the emitter refused ${event.type}: ${JSON.stringify(result)}`)
    }
  }
  if (!(await emitter.flush(15_000))) throw new Error('the emitter did not drain its outbox')
}
