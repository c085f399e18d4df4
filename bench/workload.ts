import { monotonicFactory } from 'ulidx'
import { agentEventSchema, type AgentEventInput, type StampedAgentEvent } from '../src/events/schemas.js'

/** The mix the bench emits, per ten events. */
export const EVENT_MIX = '6 agent-thinking : 3 tool-call (small input object) : 1 agent-complete (tokenUsage)'

const AGENTS = [
  { agentId: 'story-head-001', agentName: 'Story Department Head', department: 'story' },
  { agentId: 'character-writer-004', agentName: 'Character Writer', department: 'character' },
  { agentId: 'dialogue-editor-002', agentName: 'Dialogue Editor', department: 'dialogue' },
] as const

const nextEventId = monotonicFactory()

/**
 * `count` realistic events of one execution, a few hundred bytes each serialized.
 * @example await Promise.all(agentEvents('exec-1', 'conv-1', 100).map((e) => emitter.emitAgentEvent(e)))
 */
export function agentEvents(executionId: string, conversationId: string, count: number): AgentEventInput[] {
  return Array.from({ length: count }, (_, index) => agentEvent(executionId, conversationId, index))
}

/** The executions a case spreads its events over, as many runs of one deployment do. */
export const EXECUTIONS_PER_CASE = 8

/** The ids of a case's executions. */
export const executionIdsOf = (baseId: string): string[] =>
  Array.from({ length: EXECUTIONS_PER_CASE }, (_, index) => `${baseId}-${index + 1}`)

/**
 * `count` events spread round robin over `executionIds`, each execution's events in its own order.
 * @example const events = spreadEvents(executionIdsOf('exec'), 'conv-1', 10_000)
 */
export function spreadEvents(
  executionIds: readonly string[],
  conversationId: string,
  count: number,
): AgentEventInput[] {
  return Array.from({ length: count }, (_, index) =>
    agentEvent(executionIds[index % executionIds.length] ?? 'exec', conversationId, index),
  )
}

/** The events as a worker receives them: validated, with an id and a seq. */
export function stampEvents(events: readonly AgentEventInput[]): StampedAgentEvent[] {
  const lastSeqs = new Map<string, number>()
  return events.map((event) => {
    const seq = (lastSeqs.get(event.executionId) ?? 0) + 1
    lastSeqs.set(event.executionId, seq)
    return { ...agentEventSchema.parse(event), id: nextEventId(), seq }
  })
}

function agentEvent(executionId: string, conversationId: string, index: number): AgentEventInput {
  const agent = AGENTS[index % AGENTS.length] ?? AGENTS[0]
  const common = { executionId, conversationId, agentId: agent.agentId }
  const kind = index % 10
  if (kind < 6) {
    return {
      type: 'agent-thinking',
      ...common,
      agentName: agent.agentName,
      currentStep: `Weighing the midpoint reversal of act two against the protagonist's stated goal (pass ${index})`,
      progress: index % 101,
    }
  }
  if (kind < 9) {
    return {
      type: 'tool-call',
      ...common,
      toolName: 'web-search',
      input: {
        query: 'three-act structure midpoint reversal examples',
        maxResults: 5,
        filters: { language: 'en', publishedAfter: '2023-01-01' },
        requestId: `req-${index}`,
      },
    }
  }
  const input = 1200 + (index % 400)
  const output = 600 + (index % 300)
  return {
    type: 'agent-complete',
    ...common,
    agentName: agent.agentName,
    department: agent.department,
    output: {
      summary: 'Act two now turns on the reversal at the midpoint; the subplot pays off in act three.',
      sections: ['setup', 'confrontation', 'resolution'],
      wordCount: 1850 + (index % 200),
    },
    qualityScore: 80 + (index % 20),
    executionTime: 4000 + (index % 3000),
    tokenUsage: { input, output, total: input + output },
  }
}
