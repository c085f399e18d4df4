import type { Protocol } from '../../support/web-node-clients.js'
import { FrameWire } from './frame-wire.js'
import { ackOf, firstArgument, openSocketIo } from './socket-io-packets.js'

/** The node's answer to one request: a reply (with its error code when refused), or a closed connection. */
export type WireReply =
  | { readonly kind: 'reply'; readonly ok: boolean; readonly code: string | undefined }
  | { readonly kind: 'closed'; readonly code: number }

/**
 * A connection of either protocol that sends requests whose payload is given as JSON text, byte for
 * byte, so that payloads no client library would serialize (10,000 levels of nesting, own `__proto__`
 * keys) reach the node as written: raw `{"type":"subscribe",...payload}` frames, or Socket.IO
 * `42<id>["subscribe",payload]` packets answered by the ack `43<id>[...]`.
 */
export interface RequestWire {
  readonly protocol: Protocol
  readonly wire: FrameWire
  /** Sends the request; `payloadJson` must be the JSON text of an object. */
  request(name: 'subscribe' | 'unsubscribe', payloadJson: string): Promise<WireReply>
}

/** Opens a {@link RequestWire} of `protocol` to the node at `url` (raw clients on `/hostile`). */
export async function openRequestWire(protocol: Protocol, url: string): Promise<RequestWire> {
  if (protocol === 'raw') {
    const wire = await FrameWire.open(`${url.replace(/^http/, 'ws')}/hostile`)
    return {
      protocol,
      wire,
      async request(name, payloadJson) {
        const fields = payloadJson.trim() === '{}' ? '' : `,${payloadJson.trim().slice(1, -1)}`
        wire.send(`{"type":"${name}"${fields}}`)
        const outcome = await wire.next((frame) => !frame.startsWith('{"type":"event"'))
        if (outcome.kind === 'closed') return outcome
        const reply = JSON.parse(outcome.frame) as { type?: string; error?: { code?: string } }
        return { kind: 'reply', ok: reply.type !== 'error', code: reply.error?.code }
      },
    }
  }
  const wire = await openSocketIo(url)
  let nextId = 0
  return {
    protocol,
    wire,
    async request(name, payloadJson) {
      const id = nextId++
      wire.send(`42${id}["${name}",${payloadJson}]`)
      const outcome = await wire.next(ackOf(id))
      if (outcome.kind === 'closed') return outcome
      const ack = firstArgument(outcome.frame) as { ok?: boolean; error?: { code?: string } }
      return { kind: 'reply', ok: ack.ok === true, code: ack.error?.code }
    },
  }
}
