import type { AgentEventInput, StampedAgentEvent } from '../../src/events/schemas.js'

type WithoutStamp<T> = T extends unknown ? Omit<T, 'executionId' | 'timestamp' | 'id' | 'seq'> : never

/**
 * Stamps events of one execution as the emitter would: seq 1, 2, ... and timestamps one second apart
 * from `start`, so that reducer tests read as the orchestration they describe.
 */
export function stampRun(
  executionId: string,
  events: readonly (WithoutStamp<AgentEventInput> & Record<string, unknown>)[],
  start = Date.parse('2026-11-01T10:00:00.000Z'),
): StampedAgentEvent[] {
  return events.map(
    (event, index) =>
      ({
        ...event,
        executionId,
        id: `${executionId}-${index + 1}`,
        seq: index + 1,
        timestamp: new Date(start + index * 1000).toISOString(),
      }) as StampedAgentEvent,
  )
}

/** A small orchestration: one department, its head thinking and calling a tool, scored and reviewed. */
export function storyRun(executionId = 'exec-1'): StampedAgentEvent[] {
  return stampRun(executionId, [
    {
      type: 'orchestration-start',
      conversationId: 'conv-1',
      projectId: 'proj-1',
      context: { prompt: 'pilot' },
    },
    { type: 'department-start', department: 'story' },
    {
      type: 'agent-start',
      agentId: 'story-head',
      agentName: 'Story Head',
      department: 'story',
      task: 'Own the story',
      isDepartmentHead: true,
    },
    { type: 'agent-thinking', agentId: 'story-head', currentStep: 'Reading the brief', progress: 25 },
    { type: 'tool-call', agentId: 'story-head', toolName: 'outline-builder', input: { step: 1 } },
    {
      type: 'tool-result',
      agentId: 'story-head',
      toolName: 'outline-builder',
      result: { ok: true },
      success: true,
      duration: 40,
    },
    { type: 'agent-thinking', agentId: 'story-head', currentStep: 'Polishing', progress: 75 },
    {
      type: 'agent-complete',
      agentId: 'story-head',
      agentName: 'Story Head',
      department: 'story',
      output: 'story done',
      qualityScore: 90,
      executionTime: 1800,
      tokenUsage: { input: 100, output: 50, total: 150 },
    },
    { type: 'quality-check', score: 80, passed: true, agentId: 'story-head', department: 'story' },
    { type: 'review-status', department: 'story', status: 'approved', feedback: 'good' },
    { type: 'department-complete', department: 'story' },
    { type: 'orchestration-complete', status: 'completed', result: { summary: 'done' } },
  ])
}

/** The item at `index`, or a failed test when there is none. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index]
  if (item === undefined) throw new Error(`no item at ${index} of ${items.length}`)
  return item
}
