import type { AgentEventType } from '../../../src/events/schemas.js'

/** A fixed timestamp, so that a published event can be compared with its input field by field. */
export const FIXED_TIMESTAMP = '2026-01-02T03:04:05.000Z'

/** Fields every event type declares with a type (strings, numbers, a timestamp). */
const COMMON_TYPED_FIELDS = ['executionId', 'conversationId', 'projectId', 'timestamp', 'id', 'seq'] as const

/** Per type: the fields its schema gives a type, and the free-form ones (`unknown`: any JSON). */
export const EVENT_FIELDS: Record<AgentEventType, { typed: readonly string[]; freeForm: readonly string[] }> =
  {
    'orchestration-start': { typed: [], freeForm: ['context'] },
    'orchestration-complete': { typed: ['status', 'error'], freeForm: ['result'] },
    'department-start': { typed: ['department'], freeForm: [] },
    'department-complete': { typed: ['department', 'status', 'error'], freeForm: [] },
    'agent-start': {
      typed: ['agentId', 'agentName', 'task', 'department', 'isDepartmentHead', 'parentAgentId'],
      freeForm: [],
    },
    'agent-thinking': { typed: ['agentId', 'currentStep', 'agentName', 'progress'], freeForm: [] },
    'agent-complete': {
      typed: [
        'agentId',
        'agentName',
        'department',
        'qualityScore',
        'executionTime',
        'tokenUsage',
        'status',
        'error',
        'cost',
      ],
      freeForm: ['output'],
    },
    'tool-call': { typed: ['agentId', 'toolName', 'toolCallId'], freeForm: ['input'] },
    'tool-result': {
      typed: ['agentId', 'toolName', 'success', 'duration', 'toolCallId'],
      freeForm: ['result', 'error'],
    },
    'quality-check': { typed: ['score', 'passed', 'agentId', 'department'], freeForm: [] },
    'review-status': { typed: ['department', 'status'], freeForm: ['feedback'] },
  }

/** Every field a type's schema names: `type`, the common fields, its typed and free-form fields. */
export function namedFields(type: AgentEventType): ReadonlySet<string> {
  const { typed, freeForm } = EVENT_FIELDS[type]
  return new Set(['type', ...COMMON_TYPED_FIELDS, ...typed, ...freeForm])
}

/** Every typed field of a type, common ones included. */
export function typedFields(type: AgentEventType): readonly string[] {
  return [...COMMON_TYPED_FIELDS, ...EVENT_FIELDS[type].typed]
}

/** A valid event of `type` with every typed field set, at {@link FIXED_TIMESTAMP}. */
export function fullEvent(type: AgentEventType, executionId: string): Record<string, unknown> {
  const common = {
    type,
    executionId,
    conversationId: 'conv-1',
    projectId: 'proj-1',
    timestamp: FIXED_TIMESTAMP,
  }
  const agent = { agentId: 'agent-1', agentName: 'Agent One', department: 'story' }
  switch (type) {
    case 'orchestration-start':
      return common
    case 'orchestration-complete':
      return { ...common, status: 'failed', error: 'network' }
    case 'department-start':
      return { ...common, department: 'story' }
    case 'department-complete':
      return { ...common, department: 'story', status: 'failed', error: 'review refused' }
    case 'agent-start':
      return { ...common, ...agent, task: 'outline', isDepartmentHead: true, parentAgentId: 'lead-1' }
    case 'agent-thinking':
      return { ...common, agentId: 'agent-1', agentName: 'Agent One', currentStep: 'step 1', progress: 40 }
    case 'agent-complete':
      return {
        ...common,
        ...agent,
        qualityScore: 87,
        executionTime: 1200,
        tokenUsage: { input: 1, output: 2, total: 3 },
        status: 'failed',
        error: 'quota',
        cost: { amount: 3, unit: 'credits' },
      }
    case 'tool-call':
      return { ...common, agentId: 'agent-1', toolName: 'search', toolCallId: 'call-1' }
    case 'tool-result':
      return {
        ...common,
        agentId: 'agent-1',
        toolName: 'search',
        success: true,
        duration: 12,
        toolCallId: 'call-1',
      }
    case 'quality-check':
      return { ...common, score: 87, passed: true, agentId: 'agent-1', department: 'story' }
    case 'review-status':
      return { ...common, department: 'story', status: 'approved' }
  }
}

/**
 * JSON with object keys sorted at every level, so that two values compare equal whatever their key
 * order. Keys are read as own properties: an own `__proto__` key counts, an inherited one does not.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>
    const entries = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}
