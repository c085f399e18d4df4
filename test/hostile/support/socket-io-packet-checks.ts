import fc from 'fast-check'
import { expect } from 'vitest'
import { isCatalogueCode } from './emit-probe.js'
import type { FrameWire } from './frame-wire.js'
import { hostileKey, jsonTree, operatorObject, pollutingObject } from './hostile-values.js'
import { ackOf, firstArgument, isErrorEvent } from './socket-io-packets.js'
import { parserVerdict } from './socket-io-parser-verdict.js'

const REQUEST_NAMES: readonly unknown[] = ['subscribe', 'unsubscribe']
/** Ack ids the probes use, far from the ones the packets below carry. */
const PROBE_ACK_BASE = 10_000_000
let probes = 0

const ackId = fc.option(fc.nat({ max: 999_999 }), { nil: undefined }).map((id) => id?.toString() ?? '')
const eventName = fc.oneof(
  fc.constantFrom(
    'subscribe',
    'unsubscribe',
    'error',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'connect',
    'disconnect',
    'disconnecting',
    'newListener',
    'removeListener',
    'connect_error',
    'event',
  ),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  jsonTree(),
)
const argument = fc.oneof(
  jsonTree(),
  pollutingObject(),
  operatorObject(),
  fc.anything({ key: hostileKey(), maxDepth: 2 }),
)
const placeholder = fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constantFrom('splice', '__proto__', '0'))

/**
 * Socket.IO packets (without the Engine.IO `4`), text or binary, from plausible to garbage: events with
 * hostile names and arguments, with and without ack ids, for the default and another namespace, binary
 * event announcements with odd attachment counts and placeholders, random text, random bytes.
 */
export const arbitraryPacket = (): fc.Arbitrary<string | Buffer> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(ackId, eventName, fc.array(argument, { maxLength: 3 }))
        .map(([id, name, args]) => `2${id}${JSON.stringify([name, ...args])}`),
    },
    fc
      .tuple(fc.constantFrom('2', '5'), fc.string({ unit: 'binary', maxLength: 60 }))
      .map(([type, rest]) => type + rest),
    fc
      .tuple(fc.constantFrom('2', '2/admin,', '5'), ackId, fc.json({ maxDepth: 3 }))
      .map((parts) => parts.join('')),
    fc
      .tuple(fc.integer({ min: -1, max: 12 }), ackId, eventName, placeholder)
      .map(
        ([count, id, name, num]) => `5${count}-${id}${JSON.stringify([name, { _placeholder: true, num }])}`,
      ),
    fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
  )

/** Whether a packet is a well-formed subscribe / unsubscribe naming a target: not the matter of these checks. */
function mayBeValidRequest(data: readonly unknown[]): boolean {
  const [name, payload] = data
  return (
    REQUEST_NAMES.includes(name) &&
    typeof payload === 'object' &&
    payload !== null &&
    ('executionId' in payload || 'conversationId' in payload)
  )
}

/** Whether {@link expectAnsweredPacket} has an expectation for `packet` (CONNECT, ACK... have none). */
export function isCheckablePacket(packet: string | Buffer): boolean {
  const verdict = parserVerdict(packet)
  return verdict.kind !== 'other' && !(verdict.kind === 'event' && mayBeValidRequest(verdict.data))
}

/**
 * Sends `packet` on a joined connection and asserts the node's answer, as the Socket.IO parser the node
 * runs judges the packet: refused (or for another namespace) → the node closes the connection; an event
 * → an ack or `error` event refusing it with invalid_request; then the connection still answers a probe,
 * except after a binary event announcement, where the probe's text packet is itself a violation.
 */
export async function expectAnsweredPacket(wire: FrameWire, packet: string | Buffer): Promise<void> {
  const verdict = parserVerdict(packet)
  wire.send(typeof packet === 'string' ? `4${packet}` : packet)
  if (verdict.kind === 'refused' || (verdict.kind === 'event' && verdict.namespace !== '/')) {
    expect(await wire.next(() => false)).toMatchObject({ kind: 'closed' })
    return
  }
  if (verdict.kind === 'event') {
    const { ackId: id } = verdict
    const answer = await wire.next(id === undefined ? isErrorEvent : ackOf(id))
    expect(answer.kind).toBe('frame')
    const body = answer.kind === 'frame' ? firstArgument(answer.frame) : undefined
    const error = id === undefined ? body : (body as { ok?: boolean; error?: unknown }).error
    expect(id === undefined || (body as { ok?: boolean }).ok === false).toBe(true)
    expect(error).toMatchObject({ code: 'invalid_request' })
    expect(isCatalogueCode((error as { code?: unknown }).code)).toBe(true)
  }
  const probeId = PROBE_ACK_BASE + probes++
  wire.send(`42${probeId}["unsubscribe",{"executionId":"probe"}]`)
  const probe = await wire.next(ackOf(probeId))
  if (verdict.kind === 'awaiting-attachments') expect(probe).toMatchObject({ kind: 'closed' })
  else expect(probe.kind === 'frame' && firstArgument(probe.frame)).toMatchObject({ ok: true })
}
