import type { ClientProtocol } from '../metrics/web-metrics.js'
import type { StampedAgentEvent } from '../events/schemas.js'
import type { PreEncodedPacket } from './socket-io-packets.js'

/** One event on its way to the subscribers of a node; each protocol's encoding is made once for all. */
export class OutgoingEvent {
  #rawFrame: string | undefined
  #socketIoPacket: PreEncodedPacket | undefined

  constructor(readonly event: StampedAgentEvent) {}

  /** `{"type":"event","event":{...}}`, the raw WebSocket frame of the event. */
  get rawFrame(): string {
    this.#rawFrame ??= JSON.stringify({ type: 'event', event: this.event })
    return this.#rawFrame
  }

  /** The Socket.IO `event` packet of the event, encoded by `encode` the first time it is asked for. */
  socketIoPacket(encode: (event: StampedAgentEvent) => PreEncodedPacket): PreEncodedPacket {
    this.#socketIoPacket ??= encode(this.event)
    return this.#socketIoPacket
  }
}

/** How a subscriber's protocol reaches its client. */
export interface EventSink {
  readonly protocol: ClientProtocol
  send(outgoing: OutgoingEvent): void
  /** Bytes queued on our side that the client has not taken yet. */
  bufferedBytes(): number
  /** Disconnects the client, telling it that it was too slow (it resumes with `since`). */
  dropAsSlowConsumer(): void
}
