import fc from 'fast-check'
import { describe, it, onTestFinished } from 'vitest'
import type { FrameWire } from './support/frame-wire.js'
import { expectUndisturbed, startHostileStack } from './support/hostile-stack.js'
import {
  arbitraryPacket,
  expectAnsweredPacket,
  isCheckablePacket,
} from './support/socket-io-packet-checks.js'
import { openSocketIo } from './support/socket-io-packets.js'

describe('hostile packets on the Socket.IO protocol', () => {
  it('closes the connection on every packet its parser refuses, and answers every other one with invalid_request', async () => {
    const stack = await startHostileStack()
    let wire: FrameWire | undefined
    onTestFinished(() => wire?.close())

    await fc.assert(
      fc.asyncProperty(arbitraryPacket(), async (packet) => {
        fc.pre(isCheckablePacket(packet))
        if (!wire?.isOpen) wire = await openSocketIo(stack.node.url)

        await expectAnsweredPacket(wire, packet)
      }),
      { numRuns: 250 },
    )

    await expectUndisturbed(stack)
  })

  it('acknowledges an event without a name (`420`, `421[]`) with invalid_request instead of ignoring the ack', async () => {
    const stack = await startHostileStack()
    const wire = await openSocketIo(stack.node.url)
    onTestFinished(() => wire.close())

    for (const packet of ['20', '21[]']) await expectAnsweredPacket(wire, packet)

    await expectUndisturbed(stack)
  })
})
