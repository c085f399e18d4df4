import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { WebSocket } from 'ws'
import { connectRawClient } from '../support/web-node-clients.js'
import { stackNames, startTestEmitter, startTestNode, emitSamples } from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const HEARTBEAT_INTERVAL = 200
const CLIENT_TIMEOUT = 600

/** A raw client that never answers pings (and sends nothing). */
async function silentClient(url: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/silent`, { autoPong: false })
  const closed = new Promise<number>((resolve) => ws.once('close', () => resolve(Date.now())))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  onTestFinished(() => ws.terminate())
  return { ws, closed }
}

describe('heartbeats', () => {
  it('drops a raw client that stops answering pings within clientTimeout + one heartbeatInterval', async () => {
    const stack = names()
    const node = await startTestNode(stack, {
      heartbeatInterval: HEARTBEAT_INTERVAL,
      clientTimeout: CLIENT_TIMEOUT,
    })
    const responsive = await connectRawClient(node.url)
    onTestFinished(() => responsive.close())
    let pings = 0
    responsive.ws.on('ping', () => (pings += 1))
    const subscribed = await responsive.subscribe({ executionId: 'exec-alive' })
    const connectedAt = Date.now()
    const silent = await silentClient(node.url)
    silent.ws.send(JSON.stringify({ type: 'subscribe', executionId: 'exec-alive' }))

    const droppedAt = await silent.closed

    // Lower bound with a little slack for the tick granularity; upper bound with slack for a busy CI machine.
    expect(droppedAt - connectedAt).toBeGreaterThanOrEqual(CLIENT_TIMEOUT - 50)
    expect(droppedAt - connectedAt).toBeLessThanOrEqual(CLIENT_TIMEOUT + HEARTBEAT_INTERVAL + 250)
    expect(subscribed).toMatchObject({ ok: true })
    expect(pings).toBeGreaterThanOrEqual(2)
    expect(responsive.ws.readyState).toBe(WebSocket.OPEN)
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-alive', 3)
    await responsive.waitForEvents(3)
  })

  it('derives the Socket.IO ping settings from heartbeatInterval and clientTimeout', async () => {
    const stack = names()
    const short = await startTestNode(stack, {
      heartbeatInterval: HEARTBEAT_INTERVAL,
      clientTimeout: CLIENT_TIMEOUT,
    })
    const long = await startTestNode(stack, { heartbeatInterval: 25_000, clientTimeout: 60_000 })

    expect([short.io.engine.opts.pingInterval, short.io.engine.opts.pingTimeout]).toEqual([200, 1000])
    expect([long.io.engine.opts.pingInterval, long.io.engine.opts.pingTimeout]).toEqual([25_000, 35_000])
  })
})
