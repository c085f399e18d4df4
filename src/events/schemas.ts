import { z } from 'zod'

/**
 * The single source of truth of the event model: one zod schema per event type, joined in a
 * discriminated union on `type`. TypeScript types are inferred from these schemas. Every member is
 * a loose object: fields the schema does not name are kept as they are.
 */

export const EVENT_TYPES = [
  'orchestration-start',
  'orchestration-complete',
  'department-start',
  'department-complete',
  'agent-start',
  'agent-thinking',
  'agent-complete',
  'tool-call',
  'tool-result',
  'quality-check',
  'review-status',
] as const

export type AgentEventType = (typeof EVENT_TYPES)[number]

const MAX_ID_LENGTH = 200

/** An identifier chosen by the application: execution, conversation, project, agent. */
const applicationId = z.string().min(1).max(MAX_ID_LENGTH)
/** The event id stamped by the emitter (a ULID), or supplied by the caller to make a retried emit idempotent. */
export const eventIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _ and -')

/**
 * What a producer may give as a timestamp. JSON has no Date: the JSON Schema generated from these
 * schemas describes the ISO string only (`src/events/json-schema.ts`).
 */
export const timestampInputSchema = z.union([z.date(), z.iso.datetime({ offset: true })])

const timestamp = timestampInputSchema
  .transform((value) => (value instanceof Date ? value : new Date(value)).toISOString())
  .default(() => new Date().toISOString())

const common = {
  executionId: applicationId,
  conversationId: applicationId.optional(),
  projectId: applicationId.optional(),
  timestamp,
  id: eventIdSchema.optional(),
  seq: z.number().int().positive().optional(),
}

const score = z.number().finite()
const nonNegative = z.number().finite().nonnegative()
const tokenUsage = z.looseObject({ input: nonNegative, output: nonNegative, total: nonNegative })
const completionStatus = z
  .enum(['completed', 'failed'])
  .describe('How it ended; `failed` comes with `error`.')
const errorMessage = z.string().describe('Why it failed: the error message, never a stack trace.')
const cost = z
  .looseObject({ amount: nonNegative, unit: z.string().min(1).max(32) })
  .describe(
    "What it cost where the runner reports no token counts, in the runner's unit (codebuff: credits).",
  )
const toolCallId = applicationId.describe('Pairs a tool-call with its tool-result.')

const member = <T extends AgentEventType, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ type: z.literal(type), ...common, ...shape })

export const orchestrationStartSchema = member('orchestration-start', { context: z.unknown().optional() })
export const orchestrationCompleteSchema = member('orchestration-complete', {
  result: z.unknown().optional(),
  status: z.string().max(MAX_ID_LENGTH).optional(),
  error: errorMessage.optional(),
})
export const departmentStartSchema = member('department-start', { department: applicationId })
export const departmentCompleteSchema = member('department-complete', {
  department: applicationId,
  status: completionStatus.optional(),
  error: errorMessage.optional(),
})
export const agentStartSchema = member('agent-start', {
  agentId: applicationId,
  agentName: z.string(),
  task: z.string(),
  department: applicationId.optional(),
  isDepartmentHead: z.boolean().optional(),
  parentAgentId: applicationId.describe("The agent that started this one (a sub-agent's parent).").optional(),
})
export const agentThinkingSchema = member('agent-thinking', {
  agentId: applicationId,
  currentStep: z.string(),
  agentName: z.string().optional(),
  progress: z.number().min(0).max(100).optional(),
})
export const agentCompleteSchema = member('agent-complete', {
  agentId: applicationId,
  agentName: z.string(),
  department: applicationId.optional(),
  output: z.unknown().optional(),
  qualityScore: score.optional(),
  executionTime: nonNegative.optional(),
  tokenUsage: tokenUsage.optional(),
  status: completionStatus.optional(),
  error: errorMessage.optional(),
  cost: cost.optional(),
})
export const toolCallSchema = member('tool-call', {
  agentId: applicationId,
  toolName: z.string().min(1),
  input: z.unknown().optional(),
  toolCallId: toolCallId.optional(),
})
export const toolResultSchema = member('tool-result', {
  agentId: applicationId,
  toolName: z.string().min(1),
  toolCallId: toolCallId.optional(),
  result: z.unknown().optional(),
  success: z.boolean().optional(),
  error: z.unknown().optional(),
  duration: nonNegative.optional(),
})
export const qualityCheckSchema = member('quality-check', {
  score,
  passed: z.boolean().optional(),
  agentId: applicationId.optional(),
  department: applicationId.optional(),
})
export const reviewStatusSchema = member('review-status', {
  department: applicationId,
  status: z.string().min(1),
  feedback: z.unknown().optional(),
})

export const agentEventSchema = z.discriminatedUnion('type', [
  orchestrationStartSchema,
  orchestrationCompleteSchema,
  departmentStartSchema,
  departmentCompleteSchema,
  agentStartSchema,
  agentThinkingSchema,
  agentCompleteSchema,
  toolCallSchema,
  toolResultSchema,
  qualityCheckSchema,
  reviewStatusSchema,
])

/** What a producer passes to `emitAgentEvent`: `timestamp` may be a Date, an ISO string or absent. */
export type AgentEventInput = z.input<typeof agentEventSchema>
/** A validated event: `timestamp` is an ISO string; `id` and `seq` are present once stamped. */
export type AgentEvent = z.output<typeof agentEventSchema>
/** An event as clients and storage see it: stamped with its id and its sequence number. */
export type StampedAgentEvent = AgentEvent & { readonly id: string; readonly seq: number }
/** The event of one type, e.g. `AgentEventOf<'agent-start'>`. */
export type AgentEventOf<T extends AgentEventType> = Extract<AgentEvent, { type: T }>
/** The input of one type, without its `type` discriminator. */
export type AgentEventInputOf<T extends AgentEventType> = Omit<Extract<AgentEventInput, { type: T }>, 'type'>

export function isAgentEventType(value: unknown): value is AgentEventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value)
}
