import { describe, expect, it } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { assembleExecution } from '../../src/store/run-assembly.js'
import { runRollupsOf } from '../../src/store/run-rollups.js'

const T0 = Date.UTC(2026, 0, 1)

/** Events of one execution, stamped in the order given, one second apart. */
function stamped(...events: Record<string, unknown>[]): StampedAgentEvent[] {
  return events.map(
    (fields, index) =>
      ({
        executionId: 'exec-1',
        id: `e${index + 1}`,
        seq: index + 1,
        timestamp: new Date(T0 + (index + 1) * 1000).toISOString(),
        ...fields,
      }) as StampedAgentEvent,
  )
}

const start = (agentId: string, department?: string) => ({
  type: 'agent-start',
  agentId,
  agentName: agentId,
  task: 't',
  ...(department === undefined ? {} : { department }),
})
const complete = (agentId: string, fields: Record<string, unknown> = {}) => ({
  type: 'agent-complete',
  agentId,
  agentName: agentId,
  ...fields,
})

/** The pieces of the events written one batch per event: nothing pairs before query time. */
const onePerBatch = (events: StampedAgentEvent[]) => events.flatMap((event) => runRollupsOf([event]))

describe('assembling the runs of an execution', () => {
  it('closes each run with the end right after its start, whether the pieces came in one batch or apart', () => {
    const events = stamped(start('a'), complete('a'), start('a'), start('a'), complete('a'), complete('a'))
    for (const documents of [runRollupsOf(events), onePerBatch(events), onePerBatch([...events].reverse())]) {
      const { agentRuns } = assembleExecution(documents)
      // Runs: seqs 1-2 (1 s), 4-5 (the later start, 1 s), and 6 with no start of its own.
      expect(agentRuns.map((run) => [run.endSeq, run.durationMs])).toEqual([
        [2, 1000],
        [5, 1000],
        [6, undefined],
      ])
    }
  })

  it('takes the duration from executionTime, else from the start, and says when a start is missing', () => {
    const timed = assembleExecution(
      onePerBatch(stamped(complete('a', { executionTime: 250, department: 'd' }))),
    )
    expect([timed.agentRuns[0]?.durationMs, timed.incomplete]).toEqual([250, false])
    const untimed = assembleExecution(onePerBatch(stamped(complete('a', { department: 'd' }))))
    expect([untimed.agentRuns[0]?.durationMs, untimed.incomplete]).toEqual([undefined, true])
  })

  it('gives the department of its agent to a quality check that names only the agent', () => {
    const events = stamped(
      start('a', 'research'),
      complete('a'),
      { type: 'quality-check', score: 0.9, agentId: 'a' },
      start('a', 'writing'),
      complete('a'),
      { type: 'quality-check', score: 0.4, agentId: 'a' },
    )
    const { qualityChecks, agentRuns, incomplete } = assembleExecution(onePerBatch(events))
    expect(qualityChecks.map((check) => [check.score, check.department])).toEqual([
      [0.9, 'research'],
      [0.4, 'writing'],
    ])
    expect(agentRuns.map((run) => run.department)).toEqual(['research', 'writing'])
    expect(incomplete).toBe(false)
  })

  it('fails a department run when an agent run of the department failed inside it, not in an earlier run', () => {
    const events = stamped(
      { type: 'department-start', department: 'd' },
      complete('a', { department: 'd', status: 'failed' }),
      { type: 'department-complete', department: 'd' },
      { type: 'department-start', department: 'd' },
      complete('a', { department: 'd', status: 'completed' }),
      { type: 'tool-result', agentId: 'a', toolName: 'x', success: false },
      { type: 'department-complete', department: 'd' },
    )
    const { departmentRuns } = assembleExecution(onePerBatch(events))
    expect(departmentRuns.map((run) => [run.failed, run.durationMs])).toEqual([
      [true, 2000],
      [false, 3000],
    ])
  })
})
