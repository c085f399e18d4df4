import type { AgentEventInput, StampedAgentEvent } from '../../src/events/schemas.js'

/** One execution of a realistic orchestration, with fixed timestamps one second apart. */
export interface OrchestrationScriptOptions {
  readonly executionId: string
  readonly conversationId?: string
  readonly projectId?: string
  /** Time of the first event, in ms since the epoch. @default 2026-01-01T00:00:00Z */
  readonly startedAt?: number
  /** End with `orchestration-complete` `status: 'failed'`. @default false */
  readonly failed?: boolean
}

export const SCRIPT_START = Date.UTC(2026, 0, 1)

/**
 * Two departments, a head agent with two sub-agents (one fails), thinking, tool calls paired by
 * `toolCallId` and by order (one tool fails), outputs, token usage, quality checks and a review: every
 * event type, and every pairing rule the integrations follow.
 */
export function orchestrationScript(options: OrchestrationScriptOptions): AgentEventInput[] {
  const { executionId, conversationId, projectId } = options
  const start = options.startedAt ?? SCRIPT_START
  const common = {
    executionId,
    ...(conversationId ? { conversationId } : {}),
    ...(projectId ? { projectId } : {}),
  }
  const story = { department: 'story' }
  const steps: Omit<AgentEventInput, 'executionId' | 'timestamp'>[] = [
    { type: 'orchestration-start', context: { goal: 'Write a short film' } },
    { type: 'department-start', ...story },
    {
      type: 'agent-start',
      agentId: 'story-head',
      agentName: 'Story Head',
      task: 'Shape the story',
      isDepartmentHead: true,
      ...story,
    },
    {
      type: 'agent-thinking',
      agentId: 'story-head',
      agentName: 'Story Head',
      currentStep: 'Planning acts',
      progress: 10,
    },
    {
      type: 'agent-start',
      agentId: 'plot',
      agentName: 'Plot Analyst',
      task: 'Outline the plot',
      parentAgentId: 'story-head',
      ...story,
    },
    {
      type: 'tool-call',
      agentId: 'plot',
      toolName: 'search',
      toolCallId: 'call-search-1',
      input: { q: 'three-act structure' },
    },
    { type: 'agent-thinking', agentId: 'plot', currentStep: 'Reading results', progress: 40 },
    {
      type: 'tool-result',
      agentId: 'plot',
      toolName: 'search',
      toolCallId: 'call-search-1',
      result: { hits: 3 },
      success: true,
      duration: 1200,
    },
    { type: 'tool-call', agentId: 'plot', toolName: 'outline', input: { acts: 3 } },
    {
      type: 'tool-result',
      agentId: 'plot',
      toolName: 'outline',
      success: false,
      error: 'timeout',
      duration: 500,
    },
    {
      type: 'agent-complete',
      agentId: 'plot',
      agentName: 'Plot Analyst',
      output: 'Three acts: setup, confrontation, resolution.',
      qualityScore: 0.82,
      executionTime: 6000,
      tokenUsage: { input: 1200, output: 800, total: 2000 },
      ...story,
    },
    { type: 'quality-check', score: 0.82, passed: true, agentId: 'plot', ...story },
    {
      type: 'agent-start',
      agentId: 'critic',
      agentName: 'Critic',
      task: 'Critique the outline',
      parentAgentId: 'story-head',
      ...story,
    },
    {
      type: 'agent-complete',
      agentId: 'critic',
      agentName: 'Critic',
      status: 'failed',
      error: 'model refused',
      tokenUsage: { input: 300, output: 0, total: 300 },
    },
    {
      type: 'agent-complete',
      agentId: 'story-head',
      agentName: 'Story Head',
      output: { summary: 'A heist in three acts' },
      tokenUsage: { input: 500, output: 250, total: 750 },
      ...story,
    },
    { type: 'review-status', department: 'story', status: 'approved', feedback: 'Tight structure' },
    { type: 'department-complete', ...story },
    { type: 'department-start', department: 'visuals' },
    {
      type: 'agent-start',
      agentId: 'visuals-head',
      agentName: 'Visuals Head',
      task: 'Storyboard',
      isDepartmentHead: true,
      department: 'visuals',
    },
    {
      type: 'tool-call',
      agentId: 'visuals-head',
      toolName: 'render',
      toolCallId: 'call-render-1',
      input: { frames: 12 },
    },
    {
      type: 'tool-result',
      agentId: 'visuals-head',
      toolName: 'render',
      toolCallId: 'call-render-1',
      result: 'storyboard.png',
      success: true,
      duration: 2500,
    },
    {
      type: 'agent-complete',
      agentId: 'visuals-head',
      agentName: 'Visuals Head',
      output: 'Storyboard ready',
      department: 'visuals',
    },
    { type: 'quality-check', score: 0.4, passed: false, department: 'visuals' },
    { type: 'department-complete', department: 'visuals' },
    options.failed
      ? { type: 'orchestration-complete', status: 'failed', result: 'The visuals did not pass review' }
      : { type: 'orchestration-complete', status: 'completed', result: { film: 'heist.mp4' } },
  ]
  return steps.map(
    (step, i) =>
      ({ ...step, ...common, timestamp: new Date(start + i * 1000).toISOString() }) as AgentEventInput,
  )
}

/** The script stamped as the emitter would stamp it (ids `<executionId>-<seq>`), for tests without Redis. */
export function stampedScript(options: OrchestrationScriptOptions): StampedAgentEvent[] {
  return orchestrationScript(options).map(
    (event, i) => ({ ...event, id: `${options.executionId}-${i + 1}`, seq: i + 1 }) as StampedAgentEvent,
  )
}
