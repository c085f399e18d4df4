import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runWithAgentEvents } from '../../src/codebuff/index.js'
import { orchestrate, withAgent, withDepartment } from '../../src/instrumentation/index.js'
import { RecordingSink } from '../support/recording-sink.js'
import { at, ids, mapped, prompt, replaying, useRunClock } from './fixtures/mapping-harness.js'
import { runWithSubAgents } from './fixtures/run-with-sub-agents.js'
import { runWithUnknownShapes } from './fixtures/failing-runs.js'

beforeEach(useRunClock)
afterEach(() => {
  vi.useRealTimers()
})

describe('a codebuff run mapped to agent events', () => {
  it('pairs and times the main agent, sub-agents and tool calls of a run with sub-agents', async () => {
    const sink = await mapped(runWithSubAgents)
    const agent = (agentId: string, agentName: string) => ({ ...ids, agentId, agentName })
    const coder = agent('coder', 'Codebuff Base')
    const fletcher = agent('fp-1', 'Fletcher the File Fetcher')
    const theo = agent('th-1', 'Theo the Thinker')
    const tool = (agentId: string, toolName: string, toolCallId: string) => ({
      ...ids,
      agentId,
      toolName,
      toolCallId,
    })
    expect(sink.recorded).toEqual([
      { type: 'orchestration-start', ...ids, context: { agent: 'base', prompt }, timestamp: at(0) },
      { type: 'agent-start', ...coder, task: prompt, timestamp: at(0) },
      {
        type: 'agent-thinking',
        ...coder,
        currentStep: 'The user wants a health check. First find the server entry.',
        timestamp: at(10),
      },
      {
        type: 'tool-call',
        ...tool('coder', 'read_files', 'toolu_01'),
        input: { paths: ['src/server.ts'] },
        timestamp: at(20),
      },
      {
        type: 'tool-result',
        ...tool('coder', 'read_files', 'toolu_01'),
        success: true,
        result: [{ path: 'src/server.ts', content: 'export const app = express()' }],
        duration: 30,
        timestamp: at(50),
      },
      {
        type: 'tool-call',
        ...tool('coder', 'spawn_agents', 'toolu_02'),
        input: {
          agents: [
            { agent_type: 'file-picker', prompt: 'Find route files' },
            { agent_type: 'thinker', prompt: 'Plan the change' },
          ],
        },
        timestamp: at(55),
      },
      {
        type: 'agent-start',
        ...fletcher,
        task: 'Find route files',
        parentAgentId: 'coder',
        timestamp: at(57),
      },
      { type: 'agent-start', ...theo, task: 'Plan the change', parentAgentId: 'coder', timestamp: at(58) },
      {
        type: 'tool-call',
        ...tool('fp-1', 'code_search', 'toolu_03'),
        input: { pattern: 'router.get' },
        timestamp: at(65),
      },
      {
        type: 'tool-result',
        ...tool('fp-1', 'code_search', 'toolu_03'),
        success: true,
        result: { stdout: "src/routes/index.ts:3: router.get('/', home)" },
        duration: 20,
        timestamp: at(85),
      },
      {
        type: 'agent-complete',
        ...fletcher,
        status: 'completed',
        output: 'src/routes/index.ts',
        executionTime: 33,
        timestamp: at(90),
      },
      // Fletcher's reasoning came while Theo ran too: it cannot be told apart, so it is not sent.
      { type: 'agent-thinking', ...theo, currentStep: 'Add GET /healthz returning 200.', timestamp: at(92) },
      { type: 'agent-complete', ...theo, status: 'completed', executionTime: 38, timestamp: at(96) },
      {
        type: 'tool-result',
        ...tool('coder', 'spawn_agents', 'toolu_02'),
        success: true,
        result: [{ agentType: 'file-picker', value: 'src/routes/index.ts' }],
        duration: 44,
        timestamp: at(99),
      },
      {
        type: 'tool-call',
        ...tool('coder', 'str_replace', 'toolu_04'),
        input: { path: 'src/routes/index.ts', replacements: [{ old: 'router.get(', new: 'router.get(' }] },
        timestamp: at(104),
      },
      {
        type: 'tool-result',
        ...tool('coder', 'str_replace', 'toolu_04'),
        success: false,
        error: 'No match found for old string',
        result: { file: 'src/routes/index.ts', errorMessage: 'No match found for old string' },
        duration: 15,
        timestamp: at(119),
      },
      {
        type: 'tool-call',
        ...tool('coder', 'write_file', 'toolu_05'),
        input: { path: 'src/routes/health.ts', content: "router.get('/healthz', ok)" },
        timestamp: at(124),
      },
      {
        type: 'tool-result',
        ...tool('coder', 'write_file', 'toolu_05'),
        success: true,
        result: { file: 'src/routes/health.ts', message: 'Created new file', unifiedDiff: '+ok' },
        duration: 10,
        timestamp: at(134),
      },
      {
        type: 'agent-complete',
        ...coder,
        status: 'completed',
        output: 'I added a /healthz route.',
        cost: { amount: 37, unit: 'credits' },
        executionTime: 140,
        timestamp: at(140),
      },
      { type: 'orchestration-complete', ...ids, status: 'completed', timestamp: at(140) },
    ])
  })

  it('ignores callbacks of unknown shapes and still hands every callback to the caller', async () => {
    const sink = new RecordingSink()
    const seen: unknown[] = []
    const state = await runWithAgentEvents(
      replaying(runWithUnknownShapes),
      {
        agent: { id: 'lister', displayName: 'File Lister' },
        prompt,
        // Slow async handlers are not awaited by the SDK: order must not depend on them.
        handleEvent: async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 50))
          seen.push(event)
        },
        handleStreamChunk: (chunk) => void seen.push(chunk),
      },
      { ...ids, emitter: sink, agentId: 'lister-1' },
    )
    await vi.runAllTimersAsync()
    expect(state).toBe((runWithUnknownShapes.outcome as { resolves: unknown }).resolves)
    expect(seen).toHaveLength(runWithUnknownShapes.steps.length)
    expect(sink.recorded.map((event) => event.type)).toEqual([
      'orchestration-start',
      'agent-start',
      'tool-result',
      'agent-complete',
      'orchestration-complete',
    ])
    expect(sink.recorded[1]).toMatchObject({ agentName: 'File Lister' })
    expect(sink.recorded[2]).toEqual({
      type: 'tool-result',
      ...ids,
      agentId: 'lister-1',
      toolName: 'glob',
      toolCallId: 'toolu_orphan',
      success: true,
      result: [{ type: 'media', mediaType: 'image/png' }],
      timestamp: at(7),
    })
    expect(sink.recorded[3]).toMatchObject({ status: 'completed', output: { files: 3 }, executionTime: 9 })
  })

  it('joins an orchestration under way as one more agent of its department, under its agent', async () => {
    const sink = new RecordingSink()
    await orchestrate(
      'exec-joined',
      () =>
        withDepartment('engineering', () =>
          withAgent({ agentId: 'eng-head', agentName: 'Engineering Head' }, () =>
            runWithAgentEvents(replaying(runWithSubAgents), { agent: 'base', prompt }, { agentId: 'coder' }),
          ),
        ),
      { emitter: sink, conversationId: 'conv-j' },
    )
    const types = sink.recorded.map((event) => event.type)
    expect(
      types.filter((type) => type === 'orchestration-start' || type === 'orchestration-complete'),
    ).toEqual(['orchestration-start', 'orchestration-complete'])
    const coderStart = sink.events.find((event) => event.type === 'agent-start' && event.agentId === 'coder')
    expect(coderStart).toMatchObject({
      executionId: 'exec-joined',
      conversationId: 'conv-j',
      department: 'engineering',
      parentAgentId: 'eng-head',
    })
    const subAgents = sink.events.filter(
      (event) => event.type === 'agent-start' && event.parentAgentId === 'coder',
    )
    expect(subAgents.map((event) => event.type === 'agent-start' && event.department)).toEqual([
      'engineering',
      'engineering',
    ])
    expect(types.at(-4)).toBe('agent-complete') // the codebuff agent, then eng-head, the department, the orchestration
  })
})
