import { z } from 'zod'

/**
 * Our typed copy of what `@codebuff/sdk` 0.10.7 hands to `client.run()`'s callbacks and returns
 * from it. The SDK's own declarations do not type-check (they use the `z` namespace without
 * importing it), so its event type degrades to `any`; these schemas are checked at the boundary
 * instead, leniently: fields we do not read may be missing or added, and an event of an unknown
 * shape is ignored rather than trusted.
 */

const subagentFields = {
  agentId: z.string().min(1),
  agentType: z.string(),
  displayName: z.string(),
  onlyChild: z.boolean().optional(),
  parentAgentId: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  prompt: z.string().optional(),
}

const jsonPart = z.looseObject({ type: z.literal('json'), value: z.unknown() })
const mediaPart = z.looseObject({ type: z.literal('media'), data: z.string(), mediaType: z.string() })
/** One part of a tool's output; parts of other kinds are kept as they come. */
export const toolOutputPartSchema = z.union([jsonPart, mediaPart, z.looseObject({ type: z.string() })])

export const printModeEventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('start'),
    agentId: z.string().optional(),
    messageHistoryLength: z.number().optional(),
  }),
  z.looseObject({
    type: z.literal('finish'),
    agentId: z.string().optional(),
    totalCost: z.number().nonnegative().optional(),
  }),
  z.looseObject({ type: z.literal('error'), message: z.string() }),
  z.looseObject({
    type: z.literal('download'),
    version: z.string().optional(),
    status: z.string().optional(),
  }),
  z.looseObject({ type: z.literal('subagent_start'), ...subagentFields }),
  z.looseObject({ type: z.literal('subagent_finish'), ...subagentFields }),
  z.looseObject({
    type: z.literal('tool_call'),
    toolCallId: z.string().min(1),
    toolName: z.string().min(1),
    input: z.unknown(),
    agentId: z.string().optional(),
    parentAgentId: z.string().optional(),
    includeToolCall: z.boolean().optional(),
  }),
  z.looseObject({
    type: z.literal('tool_result'),
    toolCallId: z.string().min(1),
    toolName: z.string().min(1),
    output: z.array(toolOutputPartSchema),
    parentAgentId: z.string().optional(),
  }),
  z.looseObject({ type: z.literal('text'), text: z.string(), agentId: z.string().optional() }),
  z.looseObject({
    type: z.literal('reasoning_delta'),
    text: z.string(),
    ancestorRunIds: z.array(z.string()),
    runId: z.string(),
  }),
])

/** What `handleStreamChunk` receives: the main agent's text, a sub-agent's text, or reasoning. */
export const streamChunkSchema = z.union([
  z.string(),
  z.discriminatedUnion('type', [
    z.looseObject({
      type: z.literal('subagent_chunk'),
      agentId: z.string(),
      agentType: z.string(),
      chunk: z.string(),
    }),
    z.looseObject({
      type: z.literal('reasoning_chunk'),
      /** The run id of the reasoning agent, not its agent id. */
      agentId: z.string(),
      ancestorRunIds: z.array(z.string()),
      chunk: z.string(),
    }),
  ]),
])

export const runOutputSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('structuredOutput'), value: z.unknown() }),
  z.looseObject({ type: z.literal('lastMessage'), value: z.array(z.unknown()) }),
  z.looseObject({ type: z.literal('allMessages'), value: z.array(z.unknown()) }),
  z.looseObject({ type: z.literal('error'), message: z.string(), statusCode: z.number().optional() }),
])

/** What `client.run()` resolves with. */
export const runStateSchema = z.looseObject({ output: runOutputSchema, sessionState: z.unknown().optional() })

export type CodebuffPrintModeEvent = z.infer<typeof printModeEventSchema>
export type CodebuffStreamChunk = z.infer<typeof streamChunkSchema>
export type CodebuffRunOutput = z.infer<typeof runOutputSchema>
export type CodebuffRunState = z.infer<typeof runStateSchema>
export type CodebuffToolOutputPart = z.infer<typeof toolOutputPartSchema>
