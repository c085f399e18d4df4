import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runWithAgentEvents } from '../../src/codebuff/index.js'
import { RecordingSink } from '../support/recording-sink.js'
import { errorOutputRun, rejectedRun } from './fixtures/failing-runs.js'
import { at, ids, mapped, prompt, replaying, useRunClock } from './fixtures/mapping-harness.js'

beforeEach(useRunClock)
afterEach(() => {
  vi.useRealTimers()
})

describe('a failed codebuff run mapped to agent events', () => {
  it('closes everything left open as failed with the error of a rejected run, and rethrows it', async () => {
    const sink = new RecordingSink()
    const run = runWithAgentEvents(
      replaying(rejectedRun),
      { agent: 'base', prompt },
      {
        ...ids,
        emitter: sink,
        agentId: 'coder',
      },
    )
    await expect(run).rejects.toBe((rejectedRun.outcome as { rejects: Error }).rejects)
    const error = 'fetch failed: ECONNRESET'
    expect(sink.recorded).toEqual([
      { type: 'orchestration-start', ...ids, context: { agent: 'base', prompt }, timestamp: at(0) },
      { type: 'agent-start', ...ids, agentId: 'coder', agentName: 'base', task: prompt, timestamp: at(0) },
      {
        type: 'tool-call',
        ...ids,
        agentId: 'coder',
        toolName: 'run_terminal_command',
        toolCallId: 'toolu_11',
        input: { command: 'npm test' },
        timestamp: at(5),
      },
      {
        type: 'agent-start',
        ...ids,
        agentId: 'rv-1',
        agentName: 'Nit Pick Nick',
        task: 'Review the diff',
        parentAgentId: 'coder',
        timestamp: at(8),
      },
      // The only sub-agent running: its reasoning is attributed, and sent when the run ends.
      {
        type: 'agent-thinking',
        ...ids,
        agentId: 'rv-1',
        agentName: 'Nit Pick Nick',
        currentStep: 'Checking the diff.',
        timestamp: at(10),
      },
      {
        type: 'tool-result',
        ...ids,
        agentId: 'coder',
        toolName: 'run_terminal_command',
        toolCallId: 'toolu_11',
        success: false,
        error,
        duration: 20,
        timestamp: at(25),
      },
      {
        type: 'agent-complete',
        ...ids,
        agentId: 'rv-1',
        agentName: 'Nit Pick Nick',
        status: 'failed',
        error,
        executionTime: 17,
        timestamp: at(25),
      },
      {
        type: 'agent-complete',
        ...ids,
        agentId: 'coder',
        agentName: 'base',
        status: 'failed',
        error,
        executionTime: 25,
        timestamp: at(25),
      },
      { type: 'orchestration-complete', ...ids, status: 'failed', error, timestamp: at(25) },
    ])
  })

  it('reports a run that resolves with an error output as failed', async () => {
    const sink = await mapped(errorOutputRun)
    expect(sink.recorded.slice(2)).toEqual([
      {
        type: 'agent-thinking',
        ...ids,
        agentId: 'coder',
        agentName: 'Codebuff Base',
        currentStep: 'Error: Insufficient credits',
        timestamp: at(4),
      },
      {
        type: 'agent-complete',
        ...ids,
        agentId: 'coder',
        agentName: 'Codebuff Base',
        status: 'failed',
        error: 'Insufficient credits (status 402)',
        executionTime: 5,
        timestamp: at(5),
      },
      {
        type: 'orchestration-complete',
        ...ids,
        status: 'failed',
        error: 'Insufficient credits (status 402)',
        timestamp: at(5),
      },
    ])
  })
})
