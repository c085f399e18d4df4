import { describe, expect, it, onTestFinished } from 'vitest'
import { PROTOCOLS } from '../support/web-node-clients.js'
import { ADVERSARIAL_SUBSCRIBES } from './support/adversarial-requests.js'
import { expectUndisturbed, startHostileStack } from './support/hostile-stack.js'
import { openRequestWire } from './support/request-wires.js'

describe.each(PROTOCOLS)('adversarial subscribe payloads over %s', (protocol) => {
  it('refuses each with its precise code, subscribes nothing, and keeps the connection usable', async () => {
    const stack = await startHostileStack()
    const client = await openRequestWire(protocol, stack.node.url)
    onTestFinished(() => client.wire.close())

    for (const { name, payloadJson, code } of ADVERSARIAL_SUBSCRIBES) {
      const reply = await client.request('subscribe', payloadJson)
      const probe = await client.request('unsubscribe', '{"executionId":"probe"}')

      expect(reply, name).toEqual({ kind: 'reply', ok: false, code })
      expect(probe, `the connection after ${name}`).toEqual({ kind: 'reply', ok: true, code: undefined })
    }

    await expectUndisturbed(stack)
  })
})
