import { describe, expect, it } from 'vitest'
import { EVENT_TYPES, type AgentEventInput } from '../../src/events/schemas.js'
import { validateAgentEvent } from '../../src/events/validate.js'

const executionId = 'exec-1'
const minimal: Record<(typeof EVENT_TYPES)[number], AgentEventInput> = {
  'orchestration-start': { type: 'orchestration-start', executionId },
  'orchestration-complete': { type: 'orchestration-complete', executionId, status: 'completed' },
  'department-start': { type: 'department-start', executionId, department: 'story' },
  'department-complete': { type: 'department-complete', executionId, department: 'story' },
  'agent-start': { type: 'agent-start', executionId, agentId: 'a', agentName: 'A', task: 't' },
  'agent-thinking': {
    type: 'agent-thinking',
    executionId,
    agentId: 'a',
    currentStep: 'outline',
    progress: 40,
  },
  'agent-complete': {
    type: 'agent-complete',
    executionId,
    agentId: 'a',
    agentName: 'A',
    tokenUsage: { input: 1, output: 2, total: 3 },
  },
  'tool-call': { type: 'tool-call', executionId, agentId: 'a', toolName: 'search', input: { q: 'x' } },
  'tool-result': { type: 'tool-result', executionId, agentId: 'a', toolName: 'search', success: true },
  'quality-check': { type: 'quality-check', executionId, score: 87, passed: true },
  'review-status': { type: 'review-status', executionId, department: 'story', status: 'approved' },
}

describe('the event model', () => {
  it.each(EVENT_TYPES)('accepts a minimal %s event', (type) => {
    const result = validateAgentEvent(minimal[type])
    expect(result.ok).toBe(true)
  })

  it.each([
    ['department-start', 'department'],
    ['agent-start', 'agentName'],
    ['agent-thinking', 'currentStep'],
    ['tool-call', 'toolName'],
    ['quality-check', 'score'],
    ['review-status', 'status'],
  ] as const)('refuses a %s event without its required %s', (type, field) => {
    const { [field]: _dropped, ...rest } = minimal[type] as Record<string, unknown>
    const result = validateAgentEvent(rest)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.details.map((detail) => detail.path)).toEqual([field])
  })

  it('keeps unknown extra fields', () => {
    const result = validateAgentEvent({ ...minimal['tool-call'], traceId: 't-9', nested: { deep: [1] } })
    expect(result.ok && result.event).toMatchObject({ traceId: 't-9', nested: { deep: [1] } })
  })

  it('normalizes a Date or an ISO string with offset to an ISO UTC string, and defaults to now', () => {
    const fromDate = validateAgentEvent({
      ...minimal['department-start'],
      timestamp: new Date(Date.UTC(2026, 0, 2)),
    })
    expect(fromDate.ok && fromDate.event.timestamp).toBe('2026-01-02T00:00:00.000Z')
    const fromString = validateAgentEvent({
      ...minimal['department-start'],
      timestamp: '2026-01-02T01:00:00+01:00',
    })
    expect(fromString.ok && fromString.event.timestamp).toBe('2026-01-02T00:00:00.000Z')
    const before = Date.now()
    const defaulted = validateAgentEvent(minimal['department-start'])
    expect(defaulted.ok && Date.parse(defaulted.event.timestamp)).toBeGreaterThanOrEqual(before)
  })

  it('refuses ids that are not strings, such as query operators', () => {
    const result = validateAgentEvent({ ...minimal['department-start'], executionId: { $gt: '' } })
    expect(!result.ok && result.error.code).toBe('invalid_event')
  })

  it('refuses token usage with negative counts and ids longer than 200 characters', () => {
    const usage = validateAgentEvent({
      ...minimal['agent-complete'],
      tokenUsage: { input: -1, output: 0, total: 0 },
    })
    expect(!usage.ok && usage.error.details[0]?.path).toBe('tokenUsage.input')
    const longId = validateAgentEvent({ ...minimal['department-start'], executionId: 'x'.repeat(201) })
    expect(!longId.ok && longId.error.details[0]?.path).toBe('executionId')
  })
})

describe('the fields added for runner integrations', () => {
  it('accepts toolCallId, parentAgentId, completion status, error and cost where they belong', () => {
    const accepted = [
      { ...minimal['tool-call'], toolCallId: 'call-1' },
      { ...minimal['tool-result'], toolCallId: 'call-1', success: false, error: 'timeout' },
      { ...minimal['agent-start'], parentAgentId: 'lead' },
      {
        ...minimal['agent-complete'],
        status: 'failed',
        error: 'quota',
        cost: { amount: 3.5, unit: 'credits' },
      },
      { ...minimal['department-complete'], status: 'completed' },
      { ...minimal['orchestration-complete'], status: 'failed', error: 'network' },
    ]
    for (const event of accepted) expect(validateAgentEvent(event)).toMatchObject({ ok: true, event })
  })

  it.each([
    ['agent-complete', { status: 'done' }, 'status'],
    ['department-complete', { status: 'FAILED' }, 'status'],
    ['agent-complete', { error: { message: 'x' } }, 'error'],
    ['agent-complete', { cost: { amount: -1, unit: 'credits' } }, 'cost.amount'],
    ['agent-complete', { cost: { amount: 1, unit: '' } }, 'cost.unit'],
    ['tool-call', { toolCallId: '' }, 'toolCallId'],
    ['agent-start', { parentAgentId: 'p'.repeat(201) }, 'parentAgentId'],
  ] as const)('refuses a %s event with %j', (type, fields, path) => {
    const result = validateAgentEvent({ ...minimal[type], ...fields })
    expect(!result.ok && result.error.details.map((detail) => detail.path)).toEqual([path])
  })
})
