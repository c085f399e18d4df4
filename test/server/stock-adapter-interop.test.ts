import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { Server } from 'socket.io'
import { io as connectSocketIo } from 'socket.io-client'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { adapterKey, executionRoom } from '../../src/redis/keys.js'
import { stackNames, startTestEmitter, until } from '../support/web-node-stack.js'

/** A Socket.IO server of an application: the stock Redis adapter, no code of agent-events. */
async function plainSocketIoServer(redisUrl: string, keyPrefix: string, room: string): Promise<string> {
  const pub = new Redis(redisUrl)
  const sub = new Redis(redisUrl)
  // The adapter loses its subscription if created while the subscriber is still connecting.
  await Promise.all([pub, sub].map((client) => new Promise((resolve) => client.once('ready', resolve))))
  const httpServer = createServer()
  const io = new Server(httpServer, { adapter: createAdapter(pub, sub, { key: adapterKey(keyPrefix) }) })
  io.on('connection', (socket) => void socket.join(room))
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  onTestFinished(async () => {
    await io.close()
    pub.disconnect()
    sub.disconnect()
  })
  return `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
}

describe('a plain Socket.IO server joined to the adapter channels', () => {
  it('delivers the emitted events to sockets in the execution room, exactly as emitted', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const url = await plainSocketIoServer(stack.redisUrl, stack.keyPrefix, executionRoom('exec-stock'))
    const socket = connectSocketIo(url, { transports: ['websocket'], forceNew: true })
    onTestFinished(() => void socket.disconnect())
    const received: StampedAgentEvent[] = []
    socket.on('event', (event: StampedAgentEvent) => received.push(event))
    await until(() => socket.connected, 'the socket to connect')
    const emitter = await startTestEmitter(stack)

    await emitter.emitAgentEvent({
      type: 'tool-result',
      executionId: 'exec-stock',
      agentId: 'writer',
      toolName: 'calculator',
      result: { large: 1e20, tiny: 5e-324, text: 'ünïcødé' },
    })
    await until(() => received.length === 1, 'the event at the plain server')

    expect(received[0]).toMatchObject({
      seq: 1,
      type: 'tool-result',
      result: { large: 1e20, tiny: 5e-324, text: 'ünïcødé' },
    })
  })
})
