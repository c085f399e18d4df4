import { z } from 'zod'
import { agentEventSchema, EVENT_TYPES, timestampInputSchema } from './schemas.js'

/** A JSON Schema document (draft 2020-12) as plain JSON. */
export type JsonSchema = { readonly [keyword: string]: unknown }

/** What zod generates for one member of the union: an object whose `type` is a constant. */
type MemberSchema = JsonSchema & { readonly properties: { readonly type: { readonly const: string } } }

const TIMESTAMP_DESCRIPTION =
  'ISO 8601 date-time with a time zone (Z or ±hh:mm). Optional: the broker stamps the time it ' +
  'validates the event. Normalised to UTC with milliseconds once validated.'

/**
 * The JSON Schema (draft 2020-12) of an agent event as a producer sends it, generated from the zod
 * schemas: `$defs` holds one schema per event type, named by its `type`, and the document itself
 * accepts exactly one of them. It describes the JSON form: `timestamp` is an ISO string (zod also
 * takes a Date, which JSON cannot carry); `id` and `seq` are optional (the broker stamps them).
 * Lengths count code points in both. `npm run build` writes it to
 * `dist/schema/agent-event.schema.json` (package export `agent-events/schema.json`).
 * @example
 * import Ajv2020 from 'ajv/dist/2020.js'
 * const validate = new Ajv2020().compile(agentEventJsonSchema())
 * validate({ type: 'department-start', executionId: 'exec-1', department: 'story' }) // true
 */
export function agentEventJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(agentEventSchema, {
    target: 'draft-2020-12',
    io: 'input',
    // The Date branch of the timestamp, which the override below removes; nothing else may be unrepresentable.
    unrepresentable: ({ zodSchema }) => (zodSchema === timestampInputSchema.options[0] ? 'any' : 'throw'),
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema !== timestampInputSchema) return
      const text = (jsonSchema.anyOf ?? []).find((branch) => branch.type === 'string')
      delete jsonSchema.anyOf
      Object.assign(jsonSchema, text, { description: TIMESTAMP_DESCRIPTION })
    },
  }) as unknown as { oneOf: MemberSchema[] }
  const defs = Object.fromEntries(
    generated.oneOf.map((member) => [
      member.properties.type.const,
      { title: member.properties.type.const, ...member },
    ]),
  )
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'AgentEvent',
    description:
      'A lifecycle event of a multi-agent run, as a producer sends it to agent-events. ' +
      'Members are told apart by `type`; fields not named here are kept as they are.',
    oneOf: EVENT_TYPES.map((type) => ({ $ref: `#/$defs/${type}` })),
    $defs: defs,
  }
}
