import { EventType } from '@ag-ui/core'
import { describe, expect, it } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import {
  AG_UI_METADATA_KEY,
  AgUiRunMapper,
  MAX_AG_UI_EVENTS_PER_EVENT,
  type AgUiEvent,
} from '../../src/server/ag-ui/ag-ui-mapper.js'
import { PARTS_PER_EVENT, streamIdOf } from '../../src/server/ag-ui/ag-ui-stream-ids.js'
import { assertSchemaValid, expectedStream, verifyStream } from '../support/ag-ui-checks.js'
import { SCRIPT_START, stampedScript } from '../support/orchestration-script.js'

const mapAll = (events: readonly StampedAgentEvent[]): AgUiEvent[] => {
  const mapper = new AgUiRunMapper()
  return events.flatMap((event) => mapper.map(event))
}
const ofType = <T extends AgUiEvent['type']>(events: readonly AgUiEvent[], type: T) =>
  events.filter((event): event is Extract<AgUiEvent, { type: T }> => event.type === type)

/** Stamps hand-written events of one execution with ids `e-<seq>` and seqs from 1. */
function stamp(events: readonly Record<string, unknown>[]): StampedAgentEvent[] {
  return events.map(
    (event, i) =>
      ({
        executionId: 'exec-x',
        timestamp: new Date(SCRIPT_START + i).toISOString(),
        ...event,
        id: `e-${i + 1}`,
        seq: i + 1,
      }) as StampedAgentEvent,
  )
}

describe('AG-UI mapping of a recorded orchestration', () => {
  const events = stampedScript({ executionId: 'exec-film', conversationId: 'conv-film' })
  const agUi = mapAll(events)

  it('produces schema-valid AG-UI events that verifyEvents accepts as one run', async () => {
    assertSchemaValid(agUi)
    expect(await verifyStream(agUi)).toHaveLength(agUi.length)
  })

  it('maps every event type to the AG-UI events of its kind, in order', () => {
    expect(agUi.map((event) => event.type)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'SUBAGENT_STARTED',
      'ACTIVITY_SNAPSHOT',
      'SUBAGENT_STARTED',
      ...['TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END'],
      'ACTIVITY_SNAPSHOT',
      'TOOL_CALL_RESULT',
      ...['TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END'],
      'TOOL_CALL_RESULT',
      ...['TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'SUBAGENT_FINISHED'],
      'CUSTOM',
      'SUBAGENT_STARTED',
      'SUBAGENT_ERROR',
      ...['TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'SUBAGENT_FINISHED'],
      'CUSTOM',
      'STEP_FINISHED',
      'STEP_STARTED',
      'SUBAGENT_STARTED',
      ...['TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END'],
      'TOOL_CALL_RESULT',
      ...['TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'SUBAGENT_FINISHED'],
      'CUSTOM',
      'STEP_FINISHED',
      'RUN_FINISHED',
    ])
  })

  it('names the run after the execution and the thread after the conversation', () => {
    expect(agUi[0]).toMatchObject({ type: 'RUN_STARTED', runId: 'exec-film', threadId: 'conv-film' })
    expect(agUi.at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      runId: 'exec-film',
      threadId: 'conv-film',
      result: { film: 'heist.mp4' },
      usage: [{ inputTokens: 2000, outputTokens: 1050, totalTokens: 3050 }],
    })
  })

  it("nests sub-agents under their parent's run and attributes their work to them", () => {
    const [head, plot, critic] = ofType(agUi, EventType.SUBAGENT_STARTED)
    expect(head).toMatchObject({
      subagentRunId: 'exec-film-3',
      name: 'Story Head',
      description: 'Shape the story',
    })
    expect(plot).toMatchObject({ subagentRunId: 'exec-film-5', parentSubagentRunId: 'exec-film-3' })
    expect(critic).toMatchObject({ subagentRunId: 'exec-film-13', parentSubagentRunId: 'exec-film-3' })
    for (const call of ofType(agUi, EventType.TOOL_CALL_START).slice(0, 2))
      expect(call.subagentRunId).toBe('exec-film-5')
    expect(ofType(agUi, EventType.SUBAGENT_ERROR)).toEqual([
      expect.objectContaining({ subagentRunId: 'exec-film-13', message: 'model refused' }),
    ])
  })

  it('pairs tool results with their calls by toolCallId, else by order per agent and tool', () => {
    const [search, outline] = ofType(agUi, EventType.TOOL_CALL_START)
    const results = ofType(agUi, EventType.TOOL_CALL_RESULT)
    expect(search?.toolCallId).toBe('call-search-1')
    expect(outline?.toolCallId).toBe('call-exec-film-9')
    expect(results.map((result) => result.toolCallId)).toEqual([
      'call-search-1',
      'call-exec-film-9',
      'call-render-1',
    ])
    expect(results.map((result) => result.content)).toEqual(['{"hits":3}', 'timeout', 'storyboard.png'])
    expect(ofType(agUi, EventType.TOOL_CALL_ARGS)[0]?.delta).toBe('{"q":"three-act structure"}')
  })

  it('carries outputs as text messages and thinking as one activity per agent run', () => {
    const contents = ofType(agUi, EventType.TEXT_MESSAGE_CONTENT)
    expect(contents.map((content) => content.delta)).toEqual([
      'Three acts: setup, confrontation, resolution.',
      '{"summary":"A heist in three acts"}',
      'Storyboard ready',
    ])
    expect(ofType(agUi, EventType.ACTIVITY_SNAPSHOT)).toEqual([
      expect.objectContaining({
        messageId: 'thinking-exec-film-3',
        activityType: 'agent-thinking',
        content: {
          agentId: 'story-head',
          agentName: 'Story Head',
          currentStep: 'Planning acts',
          progress: 10,
        },
      }),
      expect.objectContaining({ messageId: 'thinking-exec-film-5', subagentRunId: 'exec-film-5' }),
    ])
  })

  it('gives every AG-UI event its timestamp and the id and seq of the event it came from', () => {
    const mapper = new AgUiRunMapper()
    for (const event of events) {
      for (const part of mapper.map(event)) {
        expect(part.timestamp).toBe(Date.parse(event.timestamp))
        expect(part.metadata?.[AG_UI_METADATA_KEY]).toMatchObject({
          id: event.id,
          seq: event.seq,
          type: event.type,
        })
      }
    }
    expect(ofType(agUi, EventType.SUBAGENT_FINISHED)[0]?.metadata?.[AG_UI_METADATA_KEY].details).toEqual({
      department: 'story',
      qualityScore: 0.82,
      executionTime: 6000,
      tokenUsage: { input: 1200, output: 800, total: 2000 },
    })
  })

  it('is deterministic, so that a stream resumed anywhere is the rest of the full one', () => {
    expect(expectedStream(events)).toEqual(expectedStream(events))
    const ids = expectedStream(events).map((event) => event.id)
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0))).toBe(true)
    expect(ids[0]).toBe(streamIdOf(1, 0))
    expect(MAX_AG_UI_EVENTS_PER_EVENT).toBeLessThanOrEqual(PARTS_PER_EVENT)
  })
})

describe('AG-UI mapping of unusual runs', () => {
  it('ends a failed orchestration with RUN_ERROR', async () => {
    const agUi = mapAll(stampedScript({ executionId: 'exec-bad', failed: true }))
    expect(agUi.at(-1)).toMatchObject({
      type: 'RUN_ERROR',
      code: 'failed',
      message: 'The visuals did not pass review',
    })
    assertSchemaValid(agUi)
    await verifyStream(agUi)
  })

  it('closes the agents and departments still open when the orchestration completes', async () => {
    const agUi = mapAll(
      stamp([
        { type: 'orchestration-start' },
        { type: 'department-start', department: 'd' },
        { type: 'agent-start', agentId: 'a', agentName: 'A', task: 't' },
        { type: 'agent-start', agentId: 'b', agentName: 'B', task: 't', parentAgentId: 'a' },
        { type: 'orchestration-complete' },
      ]),
    )
    expect(
      agUi.slice(-4).map((event) => [event.type, 'subagentRunId' in event ? event.subagentRunId : '']),
    ).toEqual([
      ['SUBAGENT_FINISHED', 'e-4'],
      ['SUBAGENT_FINISHED', 'e-3'],
      ['STEP_FINISHED', ''],
      ['RUN_FINISHED', ''],
    ])
    await verifyStream(agUi)
  })

  it('starts the run at the first event when there is no orchestration-start, and stops after the end', async () => {
    const mapper = new AgUiRunMapper()
    const events = stamp([
      { type: 'tool-result', agentId: 'a', toolName: 'lookup', result: 42 },
      { type: 'orchestration-complete' },
      { type: 'agent-thinking', agentId: 'a', currentStep: 'late' },
    ])
    const agUi = events.map((event) => mapper.map(event))
    expect(agUi.map((parts) => parts.map((event) => event.type))).toEqual([
      ['RUN_STARTED', 'TOOL_CALL_START', 'TOOL_CALL_END', 'TOOL_CALL_RESULT'],
      ['RUN_FINISHED'],
      [],
    ])
    expect(mapper.finished).toBe(true)
    await verifyStream(agUi.flat())
  })

  it('turns events that have no AG-UI form into CUSTOM events carrying them', async () => {
    const events = stamp([
      { type: 'orchestration-start' },
      { type: 'department-complete', department: 'never-started' },
      { type: 'agent-start', agentId: 'a', agentName: 'A', task: 't' },
      { type: 'agent-start', agentId: 'a', agentName: 'A', task: 'again' },
      { type: 'agent-complete', agentId: 'stranger', agentName: 'S' },
      { type: 'orchestration-start' },
      { type: 'orchestration-complete' },
    ])
    const agUi = mapAll(events)
    const customs = ofType(agUi, EventType.CUSTOM)
    expect(customs.map((event) => [event.name, (event.value as StampedAgentEvent).seq])).toEqual([
      ['agent-events.department-complete', 2],
      ['agent-events.agent-start', 4],
      ['agent-events.agent-complete', 5],
      ['agent-events.orchestration-start', 6],
    ])
    assertSchemaValid(agUi)
    await verifyStream(agUi)
  })
})
