/**
 * The baseline web node: a bare Socket.IO server with the stock `@socket.io/redis-adapter`, serving
 * only what the bench's clients ask of agent-events (`subscribe` / `unsubscribe` with an ack, by
 * joining and leaving the execution's room). No validation, no replay, no per-subscriber delivery:
 * the floor our web node is compared with. REDIS_URL names the Redis; the node listens on a free
 * 127.0.0.1 port and sends `{ type: 'ready', port }` over IPC.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { Server, type Socket } from 'socket.io'
import { executionRoom } from '../../src/redis/keys.js'
import { SOCKET_IO_EVENTS } from '../../src/server/protocol.js'
import { BARE_ADAPTER_KEY, bareAdapterChannel } from './bare-broadcast.js'
import type { ReadyMessage } from './child-protocol.js'

const START_TIMEOUT_MS = 10_000
const PROBE_RETRY_MS = 100
const CLOSE_TIMEOUT_MS = 5_000

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const publisher = new Redis(redisUrl, { lazyConnect: true })
const subscriber = new Redis(redisUrl, { lazyConnect: true })
for (const client of [publisher, subscriber])
  client.on('error', (error) => console.error('redis:', error.message))

// Both clients must be ready before createAdapter: a psubscribe sent while the subscriber is still
// connecting is silently lost (PLATFORM.md), and the node would receive no broadcast at all.
await Promise.all([publisher.connect(), subscriber.connect()])
const httpServer = createServer((_request, response) => response.writeHead(404).end())
const io = new Server(httpServer, {
  adapter: createAdapter(publisher, subscriber, { key: BARE_ADAPTER_KEY }),
})
io.on('connection', serveAgentEventsRequests)
await confirmReceiving()
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
process.send?.({ type: 'ready', port: (httpServer.address() as AddressInfo).port } satisfies ReadyMessage)

let closing = false
const close = (): void => {
  if (closing) return
  closing = true
  setTimeout(() => process.exit(1), CLOSE_TIMEOUT_MS).unref()
  void io.close(() => {
    Promise.all([publisher.quit(), subscriber.quit()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
process.on('SIGTERM', close)
process.on('SIGINT', close)
// The bench went away without stopping the node (it was killed): the node must not outlive it.
process.on('disconnect', close)

function serveAgentEventsRequests(socket: Socket): void {
  const serve =
    (join: boolean) =>
    (payload: unknown, ack: unknown): void => {
      const executionId = executionIdOf(payload)
      if (typeof ack !== 'function') return
      if (executionId === undefined) {
        ack({ ok: false, error: { code: 'invalid_request', message: 'executionId is required' } })
        return
      }
      if (join) void socket.join(executionRoom(executionId))
      else void socket.leave(executionRoom(executionId))
      ack({ ok: true, executionId })
    }
  socket.on(SOCKET_IO_EVENTS.subscribe, serve(true))
  socket.on(SOCKET_IO_EVENTS.unsubscribe, serve(false))
}

function executionIdOf(payload: unknown): string | undefined {
  const executionId =
    typeof payload === 'object' && payload !== null && 'executionId' in payload
      ? payload.executionId
      : undefined
  return typeof executionId === 'string' && executionId !== '' ? executionId : undefined
}

/** Resolves once a message published on the adapter's channels comes back through its pattern subscription. */
async function confirmReceiving(): Promise<void> {
  const probeChannel = bareAdapterChannel([`bench-probe-${randomUUID()}`])
  let received = false
  const onMessage = (_pattern: Buffer, channel: Buffer): void => {
    if (channel.toString() === probeChannel) received = true
  }
  subscriber.on('pmessageBuffer', onMessage)
  try {
    const deadline = Date.now() + START_TIMEOUT_MS
    while (!received) {
      if (Date.now() >= deadline) throw new Error(`no broadcast came back within ${START_TIMEOUT_MS} ms`)
      await publisher.publish(probeChannel, 'probe')
      await new Promise((resolve) => setTimeout(resolve, PROBE_RETRY_MS))
    }
  } finally {
    // Left attached, it would cost the baseline a string conversion per message.
    subscriber.off('pmessageBuffer', onMessage)
  }
}
