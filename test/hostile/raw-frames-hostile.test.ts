import fc from 'fast-check'
import { describe, it, onTestFinished } from 'vitest'
import { FrameWire } from './support/frame-wire.js'
import { arbitraryTextFrame, expectRefusedAndUsable, namesARequest } from './support/raw-frame-checks.js'
import { hostileKey, jsonTree, operatorObject, ownObject, pollutingObject } from './support/hostile-values.js'
import { expectUndisturbed, HOSTILE_NODE_OPTIONS, startHostileStack } from './support/hostile-stack.js'

/** Opens a raw connection to the node, closed when the test ends. */
async function openRaw(url: string): Promise<FrameWire> {
  const wire = await FrameWire.open(`${url.replace(/^http/, 'ws')}/hostile`)
  onTestFinished(() => wire.close())
  return wire
}

describe('hostile frames on the raw WebSocket protocol', () => {
  it('answers every text frame that is not a request with invalid_request, and the connection stays usable', async () => {
    const stack = await startHostileStack()
    const wire = await openRaw(stack.node.url)
    await fc.assert(
      fc.asyncProperty(arbitraryTextFrame(), async (frame) => {
        fc.pre(!namesARequest(frame))

        await expectRefusedAndUsable(wire, frame)
      }),
      { numRuns: 300 },
    )

    await expectUndisturbed(stack)
  })

  it('refuses every request carrying prototype keys, operators or unknown fields with invalid_request, subscribing nothing', async () => {
    const stack = await startHostileStack()
    const wire = await openRaw(stack.node.url)
    const hostileValue = fc.oneof(jsonTree(), pollutingObject(), operatorObject())
    const request = fc.record({
      type: fc.constantFrom('subscribe', 'unsubscribe', 'ping'),
      // Never a field of a request (executionId, conversationId, since, types): each makes it invalid.
      unknown: fc.array(fc.tuple(hostileKey(), hostileValue), { minLength: 1, maxLength: 3 }),
      executionId: fc.option(fc.oneof(fc.string({ maxLength: 20 }), hostileValue), { nil: undefined }),
    })

    await fc.assert(
      fc.asyncProperty(request, async ({ type, unknown, executionId }) => {
        const fields =
          executionId === undefined ? unknown : [['executionId', executionId] as const, ...unknown]
        const frame = JSON.stringify(ownObject([['type', type], ...fields]))

        await expectRefusedAndUsable(wire, frame)
      }),
      { numRuns: 200 },
    )

    await expectUndisturbed(stack)
  })

  it('answers every binary frame with invalid_request, or message_too_large past maxMessageBytes, and stays usable', async () => {
    const stack = await startHostileStack()
    const wire = await openRaw(stack.node.url)
    const limit = HOSTILE_NODE_OPTIONS.maxMessageBytes
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      fc.constantFrom(
        Buffer.from('{"type":"ping"}'),
        Buffer.from('{"type":"subscribe","executionId":"exec-1"}'),
      ),
      fc.integer({ min: limit - 16, max: limit + 16 }).map((size) => Buffer.alloc(size, 0x7b)),
    )

    await fc.assert(
      fc.asyncProperty(bytes, async (data) => {
        await expectRefusedAndUsable(
          wire,
          Buffer.from(data),
          data.length > limit ? 'message_too_large' : 'invalid_request',
        )
      }),
      { numRuns: 150 },
    )

    await expectUndisturbed(stack)
  })
})
