import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io as connectSocketIo } from 'socket.io-client'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { RAW_CLOSE_CODES } from '../../src/server/protocol.js'
import { startWebSocketServer } from '../../src/server/web-node.js'
import { connectClient, connectRawClient } from '../support/web-node-clients.js'
import {
  emitSamples,
  stackNames,
  startTestClient,
  startTestEmitter,
  startTestNode,
  until,
} from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

function tcpConnectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(undefined)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code))
  })
}

describe('web node', () => {
  it('still carries ordinary Socket.IO broadcasts between nodes', async () => {
    const stack = names()
    const [nodeA, nodeB] = await Promise.all([startTestNode(stack), startTestNode(stack)])
    const socket = connectSocketIo(nodeB.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
    onTestFinished(() => void socket.disconnect())
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const notice = new Promise((resolve) => socket.once('notice', resolve))

    nodeA.io.emit('notice', { text: 'maintenance at noon' })

    expect(await notice).toEqual({ text: 'maintenance at noon' })
  })

  it('forgets the subscriptions of clients that disconnect', async () => {
    const node = await startTestNode(names())
    const socketIoClient = await startTestClient('socket.io', node)
    const rawClient = await startTestClient('raw', node)
    await socketIoClient.subscribe({ executionId: 'exec-1' })
    await socketIoClient.subscribe({ conversationId: 'conv-1' })
    await rawClient.subscribe({ executionId: 'exec-2' })
    expect(node.stats()).toEqual({
      socketIoClients: 1,
      rawClients: 1,
      subscribers: 2,
      rooms: 3,
      subscriptions: { execution: 2, conversation: 1 },
      replays: 0,
    })

    await socketIoClient.close()
    await rawClient.close()

    await until(() => node.stats().subscribers === 0, 'the subscribers to be forgotten')
    expect(node.stats()).toEqual({
      socketIoClients: 0,
      rawClients: 0,
      subscribers: 0,
      rooms: 0,
      subscriptions: { execution: 0, conversation: 0 },
      replays: 0,
    })
  })

  it('answers plain HTTP with its request listener, 404 by default', async () => {
    const stack = names()
    const plain = await startTestNode(stack)
    const api = await startTestNode(stack, {
      requestListener: (_request, response) => response.end('history'),
    })

    expect((await fetch(`${plain.url}/executions/exec-1`)).status).toBe(404)
    expect(await (await fetch(`${api.url}/executions/exec-1`)).text()).toBe('history')
  })

  it('serves the built dashboard app at / under a policy that forbids inline scripts', async () => {
    const dashboardDir = mkdtempSync(join(tmpdir(), 'web-node-dashboard-'))
    onTestFinished(() => rmSync(dashboardDir, { recursive: true, force: true }))
    writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>agent-events</title>')
    const node = await startTestNode(names(), { dashboardDir })

    const page = await fetch(`${node.url}/`)

    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(await page.text()).toBe('<!doctype html><title>agent-events</title>')
    expect((await fetch(`${node.url}/dashboard.js`)).status).toBe(404)
  })

  it('closes in order and idempotently: clients told to reconnect elsewhere, port released, connections closed', async () => {
    const stack = names()
    const node = await startWebSocketServer({ port: 0, redisUrl: stack.redisUrl, keyPrefix: stack.keyPrefix })
    const rawClient = await connectRawClient(node.url)
    const socketIoClient = await connectClient('socket.io', node.url)
    await rawClient.subscribe({ executionId: 'exec-1' })
    const otherNode = await startTestNode(stack)
    const elsewhere = await startTestClient('socket.io', otherNode)
    const emitter = await startTestEmitter(stack)

    const closing = node.close()

    expect(node.close()).toBe(closing)
    await closing
    expect(await rawClient.disconnected).toEqual({ code: RAW_CLOSE_CODES.serviceRestart, reason: 'closed' })
    expect(rawClient.errors.map((error) => error.code)).toEqual(['closed'])
    // "transport close" is a disconnection socket.io-client reconnects after, unlike "io server disconnect".
    expect(await socketIoClient.disconnected).toEqual({ reason: 'transport close' })
    expect(socketIoClient.errors.map((error) => error.code)).toEqual(['closed'])
    expect(await tcpConnectError(node.port)).toBe('ECONNREFUSED')
    // The other node's clients are not told anything: the notice stays on the closing node.
    await elsewhere.subscribe({ executionId: 'exec-after' })
    await emitSamples(emitter, 'exec-after', 1)
    await elsewhere.waitForEvents(1)
    expect(elsewhere.errors).toEqual([])
  })

  it('refuses invalid options with invalid_config', async () => {
    await expect(startWebSocketServer({ heartbeatInterval: 1000, clientTimeout: 500 })).rejects.toMatchObject(
      {
        code: 'invalid_config',
      },
    )
    await expect(startWebSocketServer({ port: 70_000 })).rejects.toMatchObject({ code: 'invalid_config' })
  })
})
