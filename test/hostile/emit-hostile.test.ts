import fc from 'fast-check'
import { Redis } from 'ioredis'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import type { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { AgentEventsError } from '../../src/errors.js'
import { EVENT_TYPES, type StampedAgentEvent } from '../../src/events/schemas.js'
import { RecentBuffer } from '../../src/redis/recent-buffer.js'
import { connectRawClient } from '../support/web-node-clients.js'
import { stackNames, startTestEmitter, startTestNode, type StackNames } from '../support/web-node-stack.js'
import { emitWithin, isCatalogueCode } from './support/emit-probe.js'
import { canonicalJson, EVENT_FIELDS, fullEvent, namedFields, typedFields } from './support/event-fields.js'
import {
  hostileKey,
  jsonTree,
  nestedArraysJson,
  nonJsonValue,
  operatorObject,
  OPERATOR_LIKE_IDS,
  ownObject,
  pollutingObject,
  POLLUTING_JSON,
} from './support/hostile-values.js'
import { HOSTILE_NODE_OPTIONS } from './support/hostile-stack.js'
import { PrototypeGuard } from './support/prototype-guard.js'

const names = (): StackNames => stackNames(inject('redisUrl'), inject('mongoUrl'))

/** Validating and serializing an input of a few KB takes well under 10 ms: 1 s leaves room for a busy machine. */
const EMIT_BOUND_MS = 1000
/** Small, so that every oversized input below is over it many times. */
const MAX_EVENT_BYTES = 65_536
/**
 * Refusing an oversized event needs at most MAX_EVENT_BYTES of serialized output to be looked at
 * (well under 5 ms); 250 ms is a bound that only work proportional to the input's full size exceeds.
 */
const OVERSIZED_BOUND_MS = 250

/** An emitter that waits for Redis (a valid event resolves `sent`), and the errors it reports. */
async function startEmitter(
  stack: StackNames,
): Promise<{ emitter: AgentEventEmitter; reported: AgentEventsError[] }> {
  const emitter = await startTestEmitter(stack, { ackTimeoutMs: 5000, maxEventBytes: MAX_EVENT_BYTES })
  const reported: AgentEventsError[] = []
  emitter.on('error', (error) => reported.push(error))
  return { emitter, reported }
}

/** The event without the fields the emitter stamps (`id`, `seq`), own `__proto__` keys kept. */
function unstamped(event: StampedAgentEvent): Record<string, unknown> {
  const record = event as unknown as Record<string, unknown>
  return ownObject(
    Object.keys(record).flatMap((key) => (key === 'id' || key === 'seq' ? [] : [[key, record[key]]])),
  )
}

function sparseArray(length: number): unknown[] {
  const array: unknown[] = []
  array.length = length
  return array
}

describe('emitAgentEvent under hostile input', () => {
  it('refuses every value that is not an event with unknown_event_type or invalid_event, promptly, and reports it', async () => {
    const guard = PrototypeGuard.snapshot()
    const { emitter, reported } = await startEmitter(names())
    const notAnEvent = fc.oneof(nonJsonValue(), jsonTree(), pollutingObject(), operatorObject())

    await fc.assert(
      fc.asyncProperty(notAnEvent, async (value) => {
        const before = reported.length
        const { result } = await emitWithin(emitter, value, EMIT_BOUND_MS)

        expect(result.status).toBe('rejected')
        if (result.status !== 'rejected') return
        expect(['unknown_event_type', 'invalid_event']).toContain(result.error.code)
        expect(reported.slice(before).map((error) => error.code)).toEqual([result.error.code])
      }),
      { numRuns: 300 },
    )

    expect(emitter.stats.accepted).toBe(0)
    expect(guard.changes()).toEqual([])
  })

  it('refuses an operator object, a prototype-polluting object or an array in any typed field, naming that field', async () => {
    const guard = PrototypeGuard.snapshot()
    const { emitter } = await startEmitter(names())
    const notScalar = fc.oneof(
      operatorObject(),
      pollutingObject(),
      fc.array(jsonTree(), { maxLength: 3 }),
      fc.constant(nestedArraysJson(1000)).map((json) => JSON.parse(json) as unknown),
    )
    const poisoned = fc
      .constantFrom(...EVENT_TYPES)
      .chain((type) => fc.tuple(fc.constant(type), fc.constantFrom(...typedFields(type)), notScalar))

    await fc.assert(
      fc.asyncProperty(poisoned, async ([type, field, value]) => {
        const event = { ...fullEvent(type, 'exec-poisoned'), [field]: value }

        const { result } = await emitWithin(emitter, event, EMIT_BOUND_MS)

        expect(result.status).toBe('rejected')
        if (result.status !== 'rejected') return
        expect(result.error.code).toBe('invalid_event')
        const paths = result.error.details.map((detail) => detail.path)
        expect(paths.length).toBeGreaterThan(0)
        for (const path of paths) expect(path.split('.')[0]).toBe(field)
      }),
      { numRuns: 200 },
    )

    expect(emitter.stats.accepted).toBe(0)
    expect(guard.changes()).toEqual([])
  })

  it('publishes valid events carrying $-operators, dotted and prototype-named keys and operator-like ids unchanged, stored and live', async () => {
    const guard = PrototypeGuard.snapshot()
    const stack = names()
    const node = await startTestNode(stack, HOSTILE_NODE_OPTIONS)
    const subscriber = await connectRawClient(node.url)
    onTestFinished(() => subscriber.close())
    const redis = new Redis(stack.redisUrl)
    onTestFinished(() => void redis.disconnect())
    const buffer = new RecentBuffer(redis, { keyPrefix: stack.keyPrefix, shardCount: 1 })
    const { emitter, reported } = await startEmitter(stack)
    // Keys named __proto__ and numbers of 2^64 and beyond have tests of their own, below.
    const keysButProto = hostileKey().filter((key) => key !== '__proto__')
    const numbersBelow2To64 = fc.oneof(fc.integer(), fc.double({ min: -1e15, max: 1e15, noNaN: true }))
    const weirdEvent = fc.record({
      type: fc.constantFrom(...EVENT_TYPES),
      id: fc.constantFrom(...OPERATOR_LIKE_IDS),
      payloads: fc.array(jsonTree(keysButProto, numbersBelow2To64), { minLength: 2, maxLength: 2 }),
      extras: fc.array(fc.tuple(keysButProto, jsonTree(keysButProto, numbersBelow2To64)), { maxLength: 4 }),
    })
    let run = 0

    await fc.assert(
      fc.asyncProperty(weirdEvent, async ({ type, id, payloads, extras }) => {
        run += 1
        const executionId = `${id}#${run}#${stack.keyPrefix}`
        const freeForm = EVENT_FIELDS[type].freeForm.map((field, i) => [field, payloads[i]] as const)
        const unnamed = extras.filter(([key]) => !namedFields(type).has(key))
        const event = ownObject([...Object.entries(fullEvent(type, executionId)), ...freeForm, ...unnamed])
        const expected = canonicalJson(JSON.parse(JSON.stringify(event)))
        expect(await subscriber.subscribe({ executionId })).toMatchObject({ ok: true })

        const { result } = await emitWithin(emitter, event, EMIT_BOUND_MS)

        expect(result.status).toBe('sent')
        const stored = await buffer.readAfter(executionId)
        const live = (await subscriber.waitForEvents(run)).at(-1)
        expect(stored).toHaveLength(1)
        expect(canonicalJson(unstamped(stored[0] as StampedAgentEvent))).toBe(expected)
        expect(live?.executionId).toBe(executionId)
        expect(canonicalJson(unstamped(live as StampedAgentEvent))).toBe(expected)
        expect(await subscriber.unsubscribe({ executionId })).toMatchObject({ ok: true })
      }),
      { numRuns: 40 },
    )

    expect(reported).toEqual([])
    expect(guard.changes()).toEqual([])
  })

  const deceptive: [string, () => unknown, string][] = [
    [
      'a getter that throws',
      () =>
        Object.defineProperty(fullEvent('department-start', 'exec-own'), 'department', {
          enumerable: true,
          get: () => {
            throw new Error('a getter that throws')
          },
        }),
      'invalid_event',
    ],
    [
      'a proxy whose traps throw',
      () =>
        new Proxy(fullEvent('department-start', 'exec-own'), {
          get: () => {
            throw new Error('a proxy that throws')
          },
        }),
      'invalid_event',
    ],
    [
      'a toJSON that swaps in another execution and type',
      () => ({
        ...fullEvent('department-start', 'exec-own'),
        toJSON: () => ({ type: 'agent-dance', executionId: 'exec-victim' }),
      }),
      'unknown_event_type',
    ],
    [
      'a toJSON in tokenUsage that swaps the validated numbers for strings',
      () => ({
        ...fullEvent('agent-complete', 'exec-own'),
        tokenUsage: { input: 1, output: 2, total: 3, toJSON: () => ({ total: 'lots' }) },
      }),
      'invalid_event',
    ],
  ]

  it.each(deceptive)(
    'refuses an event with %s, instead of throwing or publishing what it did not validate',
    async (_, build, code) => {
      const { emitter } = await startEmitter(names())

      const { result } = await emitWithin(emitter, build(), EMIT_BOUND_MS)

      expect(result).toMatchObject({ status: 'rejected', error: { code } })
      expect(emitter.stats.accepted).toBe(0)
    },
  )

  const payloadsLiveAsStored = [
    ...POLLUTING_JSON,
    '{"tokens":1e20,"bytes":18446744073709552000}',
    '[1.7976931348623157e308,-1e300,-18446744073709552000]',
  ]

  it.each(payloadsLiveAsStored)('delivers the payload %s live exactly as it stores it', async (json) => {
    const guard = PrototypeGuard.snapshot()
    const stack = names()
    const node = await startTestNode(stack)
    const subscriber = await connectRawClient(node.url)
    onTestFinished(() => subscriber.close())
    const redis = new Redis(stack.redisUrl)
    onTestFinished(() => void redis.disconnect())
    const { emitter } = await startEmitter(stack)
    const executionId = `exec-live-${stack.keyPrefix}`
    await subscriber.subscribe({ executionId })
    const event = { ...fullEvent('tool-call', executionId), input: JSON.parse(json) as unknown }

    const { result } = await emitWithin(emitter, event, EMIT_BOUND_MS)
    const [stored] = await new RecentBuffer(redis, { keyPrefix: stack.keyPrefix, shardCount: 1 }).readAfter(
      executionId,
    )
    const [live] = await subscriber.waitForEvents(1)

    expect(result.status).toBe('sent')
    expect(canonicalJson(stored?.input)).toBe(canonicalJson(JSON.parse(json)))
    expect(canonicalJson(live?.input)).toBe(canonicalJson(JSON.parse(json)))
    expect(guard.changes()).toEqual([])
  })

  const oversized: [string, unknown, readonly string[]][] = [
    ['a 5 MB string', 'x'.repeat(5 * 1024 * 1024), ['event_too_large']],
    ['an array of a million numbers', new Array<number>(1_000_000).fill(0), ['event_too_large']],
    ['a sparse array of ten million holes', sparseArray(10_000_000), ['event_too_large']],
    [
      '100,000 levels of nesting',
      JSON.parse(nestedArraysJson(100_000)),
      ['event_too_large', 'invalid_event'],
    ],
  ]

  it.each(oversized)(
    'refuses a payload of %s without serializing it whole, and keeps emitting',
    async (_, input, codes) => {
      const { emitter } = await startEmitter(names())
      const event = { ...fullEvent('tool-call', 'exec-oversized'), input }

      const { result } = await emitWithin(emitter, event, OVERSIZED_BOUND_MS)
      const next = await emitWithin(emitter, fullEvent('tool-call', 'exec-oversized'), EMIT_BOUND_MS)

      expect(result.status).toBe('rejected')
      if (result.status === 'rejected') {
        expect(codes).toContain(result.error.code)
        expect(isCatalogueCode(result.error.code)).toBe(true)
      }
      expect(next.result).toMatchObject({ status: 'sent', event: { seq: 1 } })
    },
  )
})
