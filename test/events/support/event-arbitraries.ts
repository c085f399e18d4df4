import fc from 'fast-check'
import type { AgentEventType } from '../../../src/events/schemas.js'

/**
 * Arbitrary JSON values shaped like agent events: every field of every type, each either valid or
 * invalid in one of the ways a producer gets it wrong (wrong type, out of range, too long, missing,
 * malformed timestamp), plus unknown types, unknown fields and non-objects. About half of the
 * generated values are valid events, so that a comparison of two validators sees both verdicts.
 */

const MAX_SAFE = Number.MAX_SAFE_INTEGER

/**
 * Characters counted alike by zod and JSON Schema (one code point each): letters, emoji (two UTF-16
 * units), lone surrogates and any other code point, so that length limits are tried at their edges.
 */
const character = fc.oneof(
  fc.constantFrom('a', 'Z', '-', '9', '😀', '\uD800', '\uDC00'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
)
/** Short mixed text, or one character repeated to a length anywhere in the range (its edges often). */
const textOfLength = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: character, minLength, maxLength: Math.min(maxLength, minLength + 8) }),
    fc
      .tuple(character, fc.integer({ min: minLength, max: maxLength }))
      .map(([unit, length]) => unit.repeat(length)),
  )

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
)
const notANumber = fc.oneof(fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), fc.constant({}))

/** Mostly valid, sometimes invalid. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: invalid, weight: 1 })

const applicationId = mostly(
  textOfLength(1, 200),
  fc.oneof(fc.constant(''), textOfLength(201, 230), notAString),
)
const eventId = mostly(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  fc.oneof(
    fc.constant(''),
    fc.stringMatching(/^[A-Za-z0-9_-]{65,70}$/),
    fc.constantFrom('a b', 'é', 'x.y'),
    notAString,
  ),
)
const seq = mostly(
  fc.integer({ min: 1, max: MAX_SAFE }),
  fc.oneof(fc.integer({ min: -5, max: 0 }), fc.constantFrom(1.5, 2 ** 53, 2 ** 60), notANumber),
)
const text = mostly(fc.string({ unit: 'binary', maxLength: 20 }), notAString)
const nonEmptyText = mostly(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.oneof(fc.constant(''), notAString),
)
const finiteNumber = mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), notANumber)
const nonNegative = mostly(
  fc.oneof(fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }), fc.nat()),
  fc.oneof(fc.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }), notANumber),
)
const progress = mostly(fc.double({ min: -5, max: 105, noNaN: true }), notANumber)
const boolean = mostly(fc.boolean(), fc.oneof(fc.constantFrom('true', 0, 1), fc.constant(null)))
const completionStatus = mostly(
  fc.constantFrom('completed', 'failed'),
  fc.constantFrom('done', '', 'FAILED', 3),
)
const tokenUsage = mostly(
  fc.record({ input: nonNegative, output: nonNegative, total: nonNegative }, { requiredKeys: [] }),
  fc.oneof(fc.constant([]), notAString),
)
const cost = mostly(
  fc.record(
    {
      amount: nonNegative,
      unit: mostly(textOfLength(1, 32), fc.oneof(fc.constant(''), textOfLength(33, 40))),
    },
    {
      requiredKeys: [],
    },
  ),
  notAString,
)

const pad = (value: number, width: number): string => String(value).padStart(width, '0')
/**
 * ISO-like timestamps built from parts that are each sometimes out of range or malformed: month 13,
 * day 30 of February, hour 24, second 60, lowercase separators, offsets without a colon or beyond 23.
 */
/** A part of a timestamp: in range, or now and then one of the values just outside it. */
const part = (min: number, max: number, ...outside: number[]): fc.Arbitrary<number> =>
  fc.oneof(
    { arbitrary: fc.integer({ min, max }), weight: 10 },
    { arbitrary: fc.constantFrom(...outside), weight: 1 },
  )
const timestampText = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: part(1, 12, 0, 13),
    day: part(1, 31, 0, 32),
    hour: part(0, 23, 24, 25),
    minute: part(0, 59, 60),
    second: part(0, 59, 60, 61),
    fraction: fc.option(
      fc.oneof(
        { arbitrary: fc.stringMatching(/^\d{1,12}$/), weight: 8 },
        { arbitrary: fc.constant(''), weight: 1 },
      ),
      { nil: undefined },
    ),
    separator: fc.oneof(
      { arbitrary: fc.constant('T'), weight: 10 },
      { arbitrary: fc.constantFrom('t', ' '), weight: 1 },
    ),
    zone: fc.oneof(
      { arbitrary: fc.constantFrom('Z', '+01:00', '-23:59', '+05:30'), weight: 8 },
      { arbitrary: fc.constantFrom('z', '', '+24:00', '+0100', '+01:60'), weight: 1 },
    ),
    yearWidth: fc.constantFrom(4, 4, 4, 4, 4, 2),
  })
  .map(
    (t) =>
      `${pad(t.year, t.yearWidth)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}` +
      `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
      `${t.fraction === undefined ? '' : `.${t.fraction}`}${t.zone}`,
  )
const timestamp = fc.oneof(
  { arbitrary: timestampText, weight: 4 },
  {
    arbitrary: fc
      .date({ noInvalidDate: true, min: new Date(0), max: new Date(Date.UTC(9999, 0)) })
      .map((date) => date.toISOString()),
    weight: 4,
  },
  { arbitrary: notAString, weight: 1 },
)

type Fields = Record<string, fc.Arbitrary<unknown>>

const common: Fields = {
  executionId: applicationId,
  conversationId: applicationId,
  projectId: applicationId,
  timestamp,
  id: eventId,
  seq,
}
const required: Record<AgentEventType, Fields> = {
  'orchestration-start': {},
  'orchestration-complete': {},
  'department-start': { department: applicationId },
  'department-complete': { department: applicationId },
  'agent-start': { agentId: applicationId, agentName: text, task: text },
  'agent-thinking': { agentId: applicationId, currentStep: text },
  'agent-complete': { agentId: applicationId, agentName: text },
  'tool-call': { agentId: applicationId, toolName: nonEmptyText },
  'tool-result': { agentId: applicationId, toolName: nonEmptyText },
  'quality-check': { score: finiteNumber },
  'review-status': { department: applicationId, status: nonEmptyText },
}
const optional: Record<AgentEventType, Fields> = {
  'orchestration-start': { context: fc.jsonValue({ maxDepth: 2 }) },
  'orchestration-complete': {
    result: fc.jsonValue({ maxDepth: 2 }),
    status: mostly(textOfLength(0, 200), fc.oneof(textOfLength(201, 210), notAString)),
    error: text,
  },
  'department-start': {},
  'department-complete': { status: completionStatus, error: text },
  'agent-start': { department: applicationId, isDepartmentHead: boolean, parentAgentId: applicationId },
  'agent-thinking': { agentName: text, progress },
  'agent-complete': {
    department: applicationId,
    output: fc.jsonValue({ maxDepth: 2 }),
    qualityScore: finiteNumber,
    executionTime: nonNegative,
    tokenUsage,
    status: completionStatus,
    error: text,
    cost,
  },
  'tool-call': { input: fc.jsonValue({ maxDepth: 2 }), toolCallId: applicationId },
  'tool-result': {
    toolCallId: applicationId,
    result: fc.jsonValue({ maxDepth: 2 }),
    success: boolean,
    error: fc.jsonValue({ maxDepth: 2 }),
    duration: nonNegative,
  },
  'quality-check': { passed: boolean, agentId: applicationId, department: applicationId },
  'review-status': { feedback: fc.jsonValue({ maxDepth: 2 }) },
}

/** Required fields are present but for a rare omission; optional ones come and go. */
function eventOf(type: AgentEventType): fc.Arbitrary<Record<string, unknown>> {
  const mandatory = ['executionId', ...Object.keys(required[type])]
  return fc
    .record({
      fields: fc.record({ ...common, ...required[type], ...optional[type] }, { requiredKeys: mandatory }),
      dropped: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 12 },
        { arbitrary: fc.constantFrom(...mandatory), weight: 1 },
      ),
      unknownFields: fc.dictionary(fc.stringMatching(/^x-[a-z]{1,6}$/), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 2,
      }),
    })
    .map(({ fields, dropped, unknownFields }) => {
      const event: Record<string, unknown> = { ...unknownFields, type, ...fields }
      return Object.fromEntries(Object.entries(event).filter(([key]) => key !== dropped))
    })
}

const EVENT_TYPE_LIST = Object.keys(required) as AgentEventType[]

/** A JSON value (as it arrives on the wire) that is an agent event or almost one. */
export const eventLikeJson: fc.Arbitrary<unknown> = fc
  .oneof(
    { arbitrary: fc.oneof(...EVENT_TYPE_LIST.map(eventOf)), weight: 20 },
    {
      arbitrary: fc.record({
        type: fc.constantFrom('agent-started', '', 'AGENT-START'),
        executionId: applicationId,
      }),
      weight: 1,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 },
  )
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
