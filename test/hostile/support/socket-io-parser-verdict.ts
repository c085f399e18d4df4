import { Decoder, PacketType, type Packet } from 'socket.io-parser'

/**
 * What the Socket.IO parser the node runs (socket.io-parser) makes of one packet, and so what the node
 * must answer: a packet the parser refuses ends the connection (the protocol's own error); an event
 * for a namespace the client has not joined too; an event of the default namespace gets its
 * acknowledgement (when it carries an ack id) or an `error` event; a binary event announcement leaves
 * the parser waiting for attachments, so that the next text packet is a protocol violation.
 */
export type ParserVerdict =
  | { readonly kind: 'refused' }
  | {
      readonly kind: 'event'
      readonly namespace: string
      readonly ackId: number | undefined
      readonly data: unknown[]
    }
  | { readonly kind: 'awaiting-attachments' }
  | { readonly kind: 'other'; readonly type: PacketType }

/** Decodes `packet` (a Socket.IO packet, without the Engine.IO `4`) as the node would. */
export function parserVerdict(packet: string | Buffer): ParserVerdict {
  const decoder = new Decoder()
  let decoded: Packet | undefined
  decoder.on('decoded', (result: Packet) => {
    decoded = result
  })
  try {
    decoder.add(packet)
  } catch {
    return { kind: 'refused' }
  } finally {
    decoder.destroy()
  }
  if (decoded === undefined) return { kind: 'awaiting-attachments' }
  if (decoded.type !== PacketType.EVENT) return { kind: 'other', type: decoded.type }
  const data = Array.isArray(decoded.data) ? (decoded.data as unknown[]) : []
  return { kind: 'event', namespace: decoded.nsp, ackId: decoded.id, data }
}
