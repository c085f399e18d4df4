import fc from 'fast-check'
import { expect } from 'vitest'
import type { FrameWire } from './frame-wire.js'
import { hostileKey, jsonTree } from './hostile-values.js'

const REQUEST_TYPES: readonly unknown[] = ['subscribe', 'unsubscribe', 'ping']

/** Text frames from arbitrary Unicode to arbitrary JSON, most of them no request at all. */
export const arbitraryTextFrame = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.json({ maxDepth: 4 }),
    jsonTree().map((value) => JSON.stringify(value)),
    fc.anything({ key: hostileKey(), maxDepth: 3 }).map((value) => JSON.stringify(value) ?? ''),
  )

/** Whether a frame is a JSON object whose `type` names a request: those are the request properties' matter. */
export function namesARequest(frame: string): boolean {
  try {
    const message: unknown = JSON.parse(frame)
    return (
      typeof message === 'object' &&
      message !== null &&
      REQUEST_TYPES.includes((message as { type?: unknown }).type)
    )
  } catch {
    return false
  }
}

/** Sends `frame` and resolves with the node's reply to it, parsed; fails if the node closed instead. */
export async function replyTo(
  wire: FrameWire,
  frame: string | Buffer,
): Promise<{ type?: string; error?: { code?: string } }> {
  wire.send(frame)
  const outcome = await wire.next((reply) => !reply.startsWith('{"type":"event"'))
  if (outcome.kind === 'closed') throw new Error(`the node closed the connection (${outcome.code})`)
  return JSON.parse(outcome.frame) as { type?: string; error?: { code?: string } }
}

/** Asserts that the node refuses `frame` with `code` and then still answers a ping on the connection. */
export async function expectRefusedAndUsable(
  wire: FrameWire,
  frame: string | Buffer,
  code: 'invalid_request' | 'message_too_large' = 'invalid_request',
): Promise<void> {
  expect(await replyTo(wire, frame)).toMatchObject({ type: 'error', error: { code } })
  expect(await replyTo(wire, '{"type":"ping"}')).toEqual({ type: 'pong' })
}
