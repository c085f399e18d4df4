import fc from 'fast-check'
import { POLLUTION_SENTINELS } from './prototype-guard.js'

/** Keys that mean something to JavaScript objects, to MongoDB or to path-based tooling. */
export const DANGEROUS_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'toJSON',
  '$where',
  '$gt',
  '$ne',
  '$regex',
  '$expr',
  'a.b',
  '$',
  '',
] as const

/** JSON texts whose parse gives own `__proto__` / `constructor` / `prototype` keys, as a wire does. */
export const POLLUTING_JSON = [
  `{"__proto__":{"${POLLUTION_SENTINELS[0]}":"yes"}}`,
  `{"constructor":{"prototype":{"${POLLUTION_SENTINELS[1]}":true}}}`,
  `{"prototype":{"${POLLUTION_SENTINELS[0]}":"yes"}}`,
  `{"a":{"__proto__":{"${POLLUTION_SENTINELS[2]}":"x"}},"b":[{"__proto__":{"${POLLUTION_SENTINELS[3]}":"y"}}]}`,
  `{"__proto__":{"__proto__":{"${POLLUTION_SENTINELS[4]}":["tool-call"]}}}`,
  `{"constructor":{"prototype":{"toString":"not a function"}}}`,
] as const

/** MongoDB query operators, as an id that a store might pass on to a query. */
export const OPERATOR_OBJECTS_JSON = [
  '{"$gt":""}',
  '{"$ne":null}',
  '{"$where":"sleep(5000) || true"}',
  '{"$regex":".*"}',
  '{"$in":["exec-1","exec-2"]}',
  '{"$expr":{"$eq":[1,1]}}',
] as const

/** Strings that look like operators, paths or room names: valid application ids all the same. */
export const OPERATOR_LIKE_IDS = [
  '$where',
  '$gt',
  '{"$gt":""}',
  'a.b.c',
  '__proto__',
  'constructor',
  'execution:other',
  '../../etc/passwd',
  '*',
  '{exec:x}',
] as const

/** An object with own `__proto__` / `constructor` keys, exactly as `JSON.parse` builds it from a wire. */
export const pollutingObject = (): fc.Arbitrary<unknown> =>
  fc.constantFrom(...POLLUTING_JSON).map((json) => JSON.parse(json) as unknown)

/** A MongoDB operator object such as `{"$gt": ""}`. */
export const operatorObject = (): fc.Arbitrary<unknown> =>
  fc.constantFrom(...OPERATOR_OBJECTS_JSON).map((json) => JSON.parse(json) as unknown)

/** An object key: dangerous ones often, arbitrary Unicode otherwise. */
export const hostileKey = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), fc.string({ unit: 'binary', maxLength: 12 }))

/** `depth` nested arrays, as JSON text: `[[[...]]]`. */
export const nestedArraysJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

/** Any finite JSON number (`-0` is JSON `0`). */
export const anyJsonNumber = (): fc.Arbitrary<number> =>
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n))

/**
 * JSON values (as parsed from a wire) whose object keys are drawn from `key`: keys are own properties,
 * `__proto__` included, as `JSON.parse` makes them.
 */
export function jsonTree(
  key: fc.Arbitrary<string> = hostileKey(),
  number: fc.Arbitrary<number> = anyJsonNumber(),
): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    number,
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(...OPERATOR_LIKE_IDS),
  )
  const { tree } = fc.letrec<{ tree: unknown; list: unknown[]; map: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
    list: fc.array(tie('tree'), { maxLength: 4 }),
    map: fc.array(fc.tuple(key, tie('tree')), { maxLength: 4 }).map(ownObject),
  }))
  return tree
}

/** An object with these entries as own enumerable properties (`__proto__` included). */
export function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return object
}

/**
 * Values no JSON wire can carry, each built fresh: BigInt, functions, symbols, cycles, getters and
 * proxies that throw, `toJSON` that throws or lies, sparse and typed arrays, Maps, boxed values.
 */
export const nonJsonValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.bigInt(),
    {
      weight: 3,
      arbitrary: fc
        .constantFrom<() => unknown>(
          () => () => 'a function',
          () => Symbol('hostile'),
          () => {
            const cycle: Record<string, unknown> = { type: 'tool-call' }
            cycle.self = cycle
            return cycle
          },
          () =>
            Object.defineProperty({ type: 'department-start' }, 'executionId', {
              enumerable: true,
              get() {
                throw new Error('a getter that throws')
              },
            }),
          () =>
            new Proxy(
              {},
              {
                get: () => {
                  throw new Error('a proxy that throws')
                },
                ownKeys: () => {
                  throw new Error('a proxy that throws')
                },
              },
            ),
          () => ({
            toJSON() {
              throw new Error('a toJSON that throws')
            },
          }),
          () => ({ toJSON: () => ({ type: 'agent-dance', executionId: 'victim' }) }),
          () => Object.assign([], { length: 1000 }),
          () => new Uint8Array([1, 2, 3]),
          () => new Map([['type', 'tool-call']]),
          () => Object.create(null) as unknown,
          () => new String('department-start'),
          () => new Date(Number.NaN),
        )
        .map((build) => build()),
    },
    fc.anything({
      key: hostileKey(),
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    }),
  )
