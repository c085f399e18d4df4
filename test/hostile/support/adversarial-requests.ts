import { nestedArraysJson } from './hostile-values.js'

/** One adversarial `subscribe` payload, as JSON text, and the code the node must refuse it with. */
export interface AdversarialRequest {
  readonly name: string
  readonly payloadJson: string
  readonly code: 'invalid_request' | 'message_too_large'
}

/** A node for these requests: `maxMessageBytes` large enough for the 100,000-item array below. */
export const ADVERSARIAL_MAX_MESSAGE_BYTES = 262_144

const deep = nestedArraysJson(10_000)
const manyFields = Array.from({ length: 10_000 }, (_, i) => `"k${i}":0`).join(',')

/**
 * Subscribe payloads that attack the parser, the object model or a store behind the node, each with the
 * refusal it must get: prototype keys that are own properties (as `JSON.parse` makes them), MongoDB
 * operators where ids go, oversized and deeply nested values, huge arrays, unknown fields, wrong types.
 * Every one is well-formed JSON within the size limit, except the last.
 */
export const ADVERSARIAL_SUBSCRIBES: readonly AdversarialRequest[] = [
  ...(
    [
      ['an own __proto__ carrying the id', '{"__proto__":{"executionId":"exec-1"}}'],
      ['an own __proto__ next to a valid id', '{"executionId":"exec-1","__proto__":{"since":0}}'],
      [
        'constructor.prototype next to a valid id',
        '{"executionId":"exec-1","constructor":{"prototype":{"polluted":true}}}',
      ],
      ['a prototype field', '{"executionId":"exec-1","prototype":{"polluted":true}}'],
      ['a $gt operator as the id', '{"executionId":{"$gt":""}}'],
      ['a $where operator as the id', '{"executionId":{"$where":"sleep(5000) || true"}}'],
      ['a $ne operator as the conversation', '{"conversationId":{"$ne":null}}'],
      ['a $in operator as the types', '{"executionId":"exec-1","types":{"$in":["tool-call"]}}'],
      ['a $gt operator as since', '{"executionId":"exec-1","since":{"$gt":0}}'],
      ['a 10 KB id', `{"executionId":"${'x'.repeat(10_240)}"}`],
      ['10,000 levels of nesting in an unknown field', `{"executionId":"exec-1","nested":${deep}}`],
      ['10,000 levels of nesting as the id', `{"executionId":${deep}}`],
      ['10,000 levels of nesting as the types', `{"executionId":"exec-1","types":${deep}}`],
      [
        '100,000 numbers as the types',
        `{"executionId":"exec-1","types":[${new Array(100_000).fill(0).join(',')}]}`,
      ],
      ['10,000 unknown fields', `{"executionId":"exec-1",${manyFields}}`],
      ['an unknown field naming another room', '{"executionId":"exec-1","room":"execution:other"}'],
      ['an array as the id', '{"executionId":["exec-1"]}'],
      ['a boolean as the id', '{"executionId":true}'],
      ['a string as since', '{"executionId":"exec-1","since":"0"}'],
      ['since past the largest safe integer', '{"executionId":"exec-1","since":9007199254740993}'],
      ['an overflowing number as since', '{"executionId":"exec-1","since":1e309}'],
      ['both ids, one an operator', '{"executionId":"exec-1","conversationId":{"$exists":true}}'],
      ['an empty object', '{}'],
    ] as const
  ).map(([name, payloadJson]): AdversarialRequest => ({ name, payloadJson, code: 'invalid_request' })),
  {
    name: 'a message over maxMessageBytes',
    payloadJson: `{"executionId":"exec-1","padding":"${'x'.repeat(ADVERSARIAL_MAX_MESSAGE_BYTES)}"}`,
    code: 'message_too_large',
  },
]
