import { decode } from 'notepack.io'
import { Redis } from 'ioredis'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { adapterChannelPrefix } from '../../src/redis/keys.js'

/**
 * Listens on the Socket.IO Redis adapter's channels, as a web node does, and records every agent
 * event published there, in arrival order: what any web node would receive.
 */
export interface AdapterTap {
  readonly events: StampedAgentEvent[]
  readonly rooms: string[][]
  close(): Promise<void>
}

export async function tapAdapterChannel(redisUrl: string, keyPrefix: string): Promise<AdapterTap> {
  const subscriber = new Redis(redisUrl)
  const events: StampedAgentEvent[] = []
  const rooms: string[][] = []
  subscriber.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => {
    const [, packet, options] = decode(message) as [
      string,
      { data: [string, StampedAgentEvent] },
      { rooms: string[] },
    ]
    events.push(packet.data[1])
    rooms.push(options.rooms)
  })
  await subscriber.psubscribe(`${adapterChannelPrefix(keyPrefix)}*`)
  return {
    events,
    rooms,
    close: async () => {
      await subscriber.quit()
    },
  }
}
