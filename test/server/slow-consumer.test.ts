import { describe, expect, inject, it } from 'vitest'
import type { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { PROTOCOLS, type TestClient } from '../support/web-node-clients.js'
import {
  range,
  seqsOf,
  stackNames,
  startTestClient,
  startTestEmitter,
  startTestNode,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const EVENTS = 1200
const BATCH = 20
/** Large enough that the stream (about 19 MB) overflows the loopback socket buffers of a stalled client. */
const PAYLOAD = 'x'.repeat(16 * 1024)

/** Emits large events in batches, each once the reading client has the previous one: a reader keeping up. */
async function emitPacedBy(
  reader: TestClient,
  emitter: AgentEventEmitter,
  executionId: string,
): Promise<void> {
  for (let sent = 0; sent < EVENTS; sent += BATCH) {
    await Promise.all(
      range(sent, sent + BATCH - 1).map((i) =>
        emitter.emitAgentEvent({
          type: 'tool-call',
          executionId,
          agentId: 'a',
          toolName: 'dump',
          input: { i, PAYLOAD },
        }),
      ),
    )
    await reader.waitForEvents(sent + BATCH)
  }
}

describe.each(PROTOCOLS)('slow consumers over %s', (protocol) => {
  it('drops a client that stops reading, without slowing the others, and lets it resume with since', async () => {
    const stack = names()
    const node = await startTestNode(stack, { clientBufferLimit: 256 * 1024 })
    const emitter = await startTestEmitter(stack, { recentBufferSize: EVENTS })
    const stalled = await startTestClient(protocol, node)
    const reader = await startTestClient(protocol, node)
    await stalled.subscribe({ executionId: 'exec-big' })
    await reader.subscribe({ executionId: 'exec-big' })
    stalled.pauseReading()

    await emitPacedBy(reader, emitter, 'exec-big')
    stalled.resumeReading()
    const disconnection = await stalled.disconnected

    if (protocol === 'raw') expect(disconnection).toEqual({ code: 4008, reason: 'slow_consumer' })
    else expect(stalled.errors).toContainEqual(expect.objectContaining({ code: 'slow_consumer' }))
    const seen = stalled.events.at(-1)?.seq ?? 0
    expect(seen).toBeLessThan(EVENTS)
    expect(seqsOf(stalled.events)).toEqual(range(1, seen))

    const resumed = await startTestClient(protocol, node)
    expect(await resumed.subscribe({ executionId: 'exec-big', since: seen })).toMatchObject({
      ok: true,
      replayed: EVENTS - seen,
    })
    await resumed.waitForEvents(EVENTS - seen)
    expect(seqsOf(resumed.events)).toEqual(range(seen + 1, EVENTS))
  })
})
