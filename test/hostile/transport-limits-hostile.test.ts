import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PROTOCOLS, type Protocol } from '../support/web-node-clients.js'
import { FrameWire } from './support/frame-wire.js'
import { expectUndisturbed, HOSTILE_NODE_OPTIONS, startHostileStack } from './support/hostile-stack.js'
import { HARD_FRAME_LIMIT_FACTOR } from '../../src/server/request-intake.js'
import { openSocketIo } from './support/socket-io-packets.js'

/** WebSocket close codes of RFC 6455 that the ws library answers transport violations with. */
const INVALID_FRAME_PAYLOAD_DATA = 1007
const MESSAGE_TOO_BIG = 1009

/** Byte sequences no UTF-8 decoder may accept: stray or missing continuation bytes, overlongs, surrogates. */
const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe, 0xfe],
  [0x80],
  [0xc0, 0x80],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xc3, 0x28],
]

function openWire(protocol: Protocol, url: string): Promise<FrameWire> {
  return protocol === 'raw' ? FrameWire.open(`${url.replace(/^http/, 'ws')}/hostile`) : openSocketIo(url)
}

describe.each(PROTOCOLS)('transport-level violations over %s', (protocol) => {
  it('closes a connection that sends invalid UTF-8 in a text frame with 1007', async () => {
    const stack = await startHostileStack()
    const text = fc
      .tuple(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(...INVALID_UTF8),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
      )
      .map(([before, invalid, after]) =>
        Buffer.concat([
          Buffer.from(protocol === 'raw' ? before : `42${before}`),
          Buffer.from(invalid),
          Buffer.from(after),
        ]),
      )

    await fc.assert(
      fc.asyncProperty(text, async (bytes) => {
        const wire = await openWire(protocol, stack.node.url)

        wire.sendAsText(bytes)

        expect((await wire.closed).code).toBe(INVALID_FRAME_PAYLOAD_DATA)
      }),
      { numRuns: 25 },
    )

    await expectUndisturbed(stack)
  })

  it('cuts off a connection whose frame exceeds 16 times maxMessageBytes with 1009', async () => {
    const stack = await startHostileStack()
    const hardLimit = HOSTILE_NODE_OPTIONS.maxMessageBytes * HARD_FRAME_LIMIT_FACTOR
    const wire = await openWire(protocol, stack.node.url)

    wire.send('4'.repeat(hardLimit + 1))

    expect((await wire.closed).code).toBe(MESSAGE_TOO_BIG)
    await expectUndisturbed(stack)
  })
})
