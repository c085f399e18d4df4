import { io as connectSocketIo, type Socket } from 'socket.io-client'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { RAW_CLOSE_CODES } from '../../src/server/protocol.js'
import type { WebNode } from '../../src/server/web-node.js'
import {
  connectClient,
  connectRawClient,
  PROTOCOLS,
  refusalOf,
  type Protocol,
  type TestClient,
} from '../support/web-node-clients.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestClient,
  startTestEmitter,
  startTestNode,
  until,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

/** Sends `perSecond` requests a second, in bursts every 10 ms, until the node disconnects it or 10 s pass. */
function flood(protocol: Protocol, url: string, perSecond: number): Promise<FloodReport> {
  const perTick = perSecond / 100
  const report = { sent: 0, rateLimited: 0, disconnectedAfterMs: undefined as number | undefined }
  const started = Date.now()
  return new Promise<FloodReport>((resolve, reject) => {
    const finish = (): void => {
      clearInterval(ticker)
      clearTimeout(giveUp)
      report.disconnectedAfterMs = Date.now() - started
      resolve(report)
    }
    const giveUp = setTimeout(() => {
      clearInterval(ticker)
      reject(new Error(`the flooder was not disconnected: ${JSON.stringify(report)}`))
    }, 10_000)
    let send: () => void
    if (protocol === 'raw') {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/flood`)
      onTestFinished(() => ws.terminate())
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { error?: { code?: string } }
        if (message.error?.code === 'rate_limited') report.rateLimited += 1
      })
      ws.once('close', (code) => {
        if (code === RAW_CLOSE_CODES.rateLimited) finish()
      })
      send = () => ws.readyState === ws.OPEN && ws.send('{"type":"ping"}')
    } else {
      const socket: Socket = connectSocketIo(url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      })
      onTestFinished(() => void socket.disconnect())
      socket.on('disconnect', (reason) => reason === 'io server disconnect' && finish())
      send = () =>
        socket.connected &&
        socket.emit('unsubscribe', { executionId: 'exec-flood' }, (ack: { error?: { code?: string } }) => {
          if (ack.error?.code === 'rate_limited') report.rateLimited += 1
        })
    }
    const ticker = setInterval(() => {
      for (let i = 0; i < perTick; i += 1) {
        send()
        report.sent += 1
      }
    }, 10)
  })
}

interface FloodReport {
  sent: number
  rateLimited: number
  disconnectedAfterMs: number | undefined
}

describe.each(PROTOCOLS)('request limits over %s', (protocol) => {
  it('refuses a message over maxMessageBytes with message_too_large and keeps the connection', async () => {
    const node = await startTestNode(names(), { maxMessageBytes: 2048 })
    const client = await startTestClient(protocol, node)

    const tooLarge = await client.subscribe({ executionId: 'exec-1', padding: 'x'.repeat(3000) })
    const fine = await client.subscribe({ executionId: 'exec-1' })

    expect(tooLarge).toMatchObject({ ok: false, error: { code: 'message_too_large' } })
    expect(fine).toMatchObject({ ok: true, executionId: 'exec-1' })
  })

  it('throttles a client sending 1,000 messages a second, then disconnects it, while 50 others receive every event', async () => {
    const stack = names()
    const node = await startTestNode(stack, {
      messagesPerSecond: 50,
      messageBurst: 100,
      rateLimitDisconnectSeconds: 2,
    })
    const others = await Promise.all(
      range(1, 50).map((i) => startTestClient(i % 2 === 0 ? 'raw' : 'socket.io', node)),
    )
    for (const other of others) await other.subscribe({ executionId: 'exec-steady' })
    const emitter = await startTestEmitter(stack)

    const flooding = flood(protocol, node.url, 1000)
    let emitted = 0
    const producing = (async () => {
      for (; emitted < 300; emitted += 10) {
        await emitSamples(emitter, 'exec-steady', 10)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    const report = await flooding
    await producing

    expect(report.rateLimited).toBeGreaterThan(0)
    // The burst lasts 0.1 s; then 2 s of refusals end in the disconnection.
    expect(report.disconnectedAfterMs).toBeGreaterThanOrEqual(2000)
    expect(report.disconnectedAfterMs).toBeLessThan(5000)
    for (const other of others) {
      await other.waitForEvents(emitted)
      expect(seqsOf(other.events)).toEqual(range(1, emitted))
    }
    await until(() => node.stats().subscribers === 50, 'the flooder to be forgotten')
  })
})

describe('connections per address', () => {
  it('refuses connections past maxConnectionsPerIp with too_many_connections, and admits again after one closes', async () => {
    const node = await startTestNode(names(), { maxConnectionsPerIp: 3 })
    const open: TestClient[] = []
    for (const protocol of ['raw', 'socket.io', 'raw'] as const)
      open.push(await startTestClient(protocol, node))

    const rawRefusal = await refusalOf('raw', node.url)
    const handshake = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`)
    await open[0]?.close()

    expect(rawRefusal).toEqual({ code: 'too_many_connections', status: 429 })
    expect(handshake.status).toBe(403)
    expect(((await handshake.json()) as { message: string }).message).toMatch(/^too_many_connections: /)
    const admitted = await until(
      () => connectClient('socket.io', node.url).catch(() => undefined),
      'a connection admitted again',
    )
    await admitted?.close()
  })
})

describe('allowed origins', () => {
  const allowed = 'https://app.example.com'
  const startNode = (): Promise<WebNode> => startTestNode(names(), { allowedOrigins: [allowed] })

  it('refuses a raw WebSocket upgrade from a page of another origin with origin_not_allowed', async () => {
    const node = await startNode()

    expect(await refusalOf('raw', node.url, { origin: 'https://evil.example' })).toEqual({
      code: 'origin_not_allowed',
      status: 403,
    })
    const fromApp = await connectRawClient(node.url, '/events', { origin: allowed })
    const withoutOrigin = await connectRawClient(node.url)
    onTestFinished(async () => {
      await fromApp.close()
      await withoutOrigin.close()
    })
    expect(await fromApp.subscribe({ executionId: 'exec-1' })).toMatchObject({ ok: true })
  })

  it('refuses a Socket.IO handshake from a page of another origin', async () => {
    const node = await startNode()

    const handshake = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { Origin: 'https://evil.example' },
    })
    await expect(refusalOf('socket.io', node.url, { origin: 'https://evil.example' })).resolves.toBeDefined()
    const fromApp = await connectClient('socket.io', node.url, { origin: allowed })
    onTestFinished(() => fromApp.close())

    expect(handshake.status).toBe(403)
    expect(((await handshake.json()) as { message: string }).message).toMatch(/^origin_not_allowed: /)
    expect(await fromApp.subscribe({ executionId: 'exec-1' })).toMatchObject({ ok: true })
  })

  it('lets only allowed origins read the HTTP API (CORS)', async () => {
    const node = await startNode()

    const fromApp = await fetch(`${node.url}/api/executions/exec-1`, { headers: { Origin: allowed } })
    const fromElsewhere = await fetch(`${node.url}/api/executions/exec-1`, {
      headers: { Origin: 'https://evil.example' },
    })
    const preflight = await fetch(`${node.url}/api/executions/exec-1`, {
      method: 'OPTIONS',
      headers: { Origin: allowed, 'Access-Control-Request-Headers': 'authorization' },
    })

    expect(fromApp.headers.get('access-control-allow-origin')).toBe(allowed)
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull()
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/)
  })
})
