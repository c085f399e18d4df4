import fc from 'fast-check'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { PROTOCOLS } from '../support/web-node-clients.js'
import { startWebProcess } from '../support/stack-processes.js'
import { range, stackNames, startTestEmitter } from '../support/web-node-stack.js'
import { startBystanders } from './support/bystanders.js'
import { FrameWire } from './support/frame-wire.js'
import { freshClientSeqs, healthStatus, residentMemoryBytes } from './support/node-vitals.js'
import { arbitraryTextFrame, expectRefusedAndUsable, namesARequest } from './support/raw-frame-checks.js'
import {
  arbitraryPacket,
  expectAnsweredPacket,
  isCheckablePacket,
} from './support/socket-io-packet-checks.js'
import { openSocketIo } from './support/socket-io-packets.js'

const MAX_MESSAGE_BYTES = 262_144
/** A rate no run reaches (rate limiting has its own tests), and requests of up to 256 KiB. */
const PROCESS_ENV = {
  MESSAGES_PER_SECOND: '100000',
  MESSAGE_BURST: '100000',
  MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
}
/**
 * The frames below carry some 30 MB in all, each answered and dropped at once: a node that kept them, or
 * per-request state, would grow past this; one that drops them grows by its transient buffers only.
 */
const RSS_GROWTH_BOUND_BYTES = 64 * 1024 * 1024

type HostileFrame =
  | { readonly protocol: 'raw'; readonly text: string }
  | { readonly protocol: 'socket.io'; readonly packet: string | Buffer }

/** Raw text frames of every kind, some of them past maxMessageBytes; Socket.IO packets of every kind. */
const hostileFrame: fc.Arbitrary<HostileFrame> = fc.oneof(
  arbitraryTextFrame()
    .filter((text) => !namesARequest(text))
    .map((text) => ({ protocol: 'raw' as const, text })),
  fc
    .integer({ min: 100_000, max: 2 * MAX_MESSAGE_BYTES })
    .map((size) => ({ protocol: 'raw' as const, text: JSON.stringify({ padding: 'x'.repeat(size) }) })),
  arbitraryPacket()
    .filter(isCheckablePacket)
    .map((packet) => ({ protocol: 'socket.io' as const, packet })),
)

describe('a web node process under arbitrary frames of both protocols', () => {
  it('answers each, stays up with bounded memory, and its bystanders miss no event', async () => {
    const names = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const web = await startWebProcess(names, PROCESS_ENV)
    let exited = false
    void web.process.exited.then(() => (exited = true))
    const emitter = await startTestEmitter(names)
    const bystanders = await startBystanders(web.url, emitter, `exec-bystanders-${names.keyPrefix}`)
    const rssBefore = await residentMemoryBytes(web.url)
    const wires: { raw?: FrameWire; socketIo?: FrameWire } = {}
    onTestFinished(async () => void (await Promise.all([wires.raw?.close(), wires.socketIo?.close()])))

    await fc.assert(
      fc.asyncProperty(hostileFrame, async (frame) => {
        if (frame.protocol === 'raw') {
          if (!wires.raw?.isOpen)
            wires.raw = await FrameWire.open(`${web.url.replace(/^http/, 'ws')}/hostile`)
          const tooLarge = Buffer.byteLength(frame.text) > MAX_MESSAGE_BYTES
          await expectRefusedAndUsable(
            wires.raw,
            frame.text,
            tooLarge ? 'message_too_large' : 'invalid_request',
          )
        } else {
          if (!wires.socketIo?.isOpen) wires.socketIo = await openSocketIo(web.url)
          await expectAnsweredPacket(wires.socketIo, frame.packet)
        }
      }),
      { numRuns: 300 },
    )

    expect(exited).toBe(false)
    expect(await healthStatus(web.url)).toBe(200)
    expect((await residentMemoryBytes(web.url)) - rssBefore).toBeLessThan(RSS_GROWTH_BOUND_BYTES)
    const { emitted, seqsPerClient } = await bystanders.finish()
    for (const seqs of seqsPerClient) expect(seqs).toEqual(range(1, emitted))
    for (const protocol of PROTOCOLS) {
      expect(
        await freshClientSeqs(web.url, protocol, emitter, `exec-fresh-${protocol}-${names.keyPrefix}`),
      ).toEqual([1, 2, 3])
    }
  })
})
