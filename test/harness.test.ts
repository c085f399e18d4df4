import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { Redis, type RedisOptions } from 'ioredis'
import { MongoClient } from 'mongodb'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { startTsProcess } from './support/child-process.js'
import { startMongoServer, startRedisServer } from './support/services.js'

/** A client that fails fast instead of reconnecting, so a stopped server shows as an error. */
async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, ...options })
  onTestFinished(() => client.disconnect())
  await client.connect()
  return client
}

async function connectMongo(url: string): Promise<MongoClient> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2_000 })
  onTestFinished(() => client.close())
  await client.connect()
  return client
}

/** The error code of a TCP connect to 127.0.0.1:`port`, or undefined when it connects. */
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

function uniqueDbName(): string {
  return `harness_${randomUUID().replaceAll('-', '')}`
}

describe('test harness', () => {
  describe('servers provided by the global setup', () => {
    it('provides a Redis that stores and returns a value', async () => {
      const redis = await connectRedis(inject('redisUrl'))
      const key = `harness:${randomUUID()}`

      await redis.set(key, 'stored', 'EX', 60)

      expect(await redis.get(key)).toBe('stored')
    })

    it('provides a MongoDB-compatible server that stores and returns a document', async () => {
      const client = await connectMongo(inject('mongoUrl'))
      const db = client.db(uniqueDbName())
      onTestFinished(async () => {
        await db.dropDatabase()
      })

      await db.collection('documents').insertOne({ name: 'first', count: 1 })

      const found = await db.collection('documents').findOne({ name: 'first' }, { projection: { _id: 0 } })
      expect(found).toEqual({ name: 'first', count: 1 })
    })
  })

  describe('startRedisServer', () => {
    it('restarts after stop() on the same port and data dir, keeping append-only data', async () => {
      const server = await startRedisServer({ appendOnly: true })
      onTestFinished(() => server.dispose())
      const { url, port, dataDir } = server
      const before = await connectRedis(url)
      await before.set('survives', 'restart')

      await server.stop()
      expect(await tcpConnectError(port)).toBe('ECONNREFUSED')
      await server.start()

      expect([server.url, server.port, server.dataDir]).toEqual([url, port, dataDir])
      const after = await connectRedis(url)
      expect(await after.ping()).toBe('PONG')
      expect(await after.get('survives')).toBe('restart')
    })

    it('comes back on the same port after kill()', async () => {
      const server = await startRedisServer()
      onTestFinished(() => server.dispose())

      await server.kill()
      expect(await tcpConnectError(server.port)).toBe('ECONNREFUSED')
      await server.start()

      const client = await connectRedis(server.url)
      expect(await client.ping()).toBe('PONG')
    })

    it('answers nothing while paused and answers again after resume()', async () => {
      const server = await startRedisServer()
      onTestFinished(() => server.dispose())
      const client = await connectRedis(server.url, { commandTimeout: 500 })
      expect(await client.ping()).toBe('PONG')

      server.pause()
      await expect(client.ping()).rejects.toThrow(/timed out/)
      server.resume()

      expect(await client.ping()).toBe('PONG')
    })

    it('removes its data dir on dispose()', async () => {
      const server = await startRedisServer()
      expect(existsSync(server.dataDir)).toBe(true)

      await server.dispose()

      expect(existsSync(server.dataDir)).toBe(false)
    })
  })

  describe('startMongoServer', () => {
    it('restarts after stop() on the same port and keeps its data', async () => {
      const server = await startMongoServer()
      onTestFinished(() => server.dispose())
      const dbName = uniqueDbName()
      const before = await connectMongo(server.url)
      await before.db(dbName).collection('documents').insertOne({ name: 'durable' })
      await before.close()

      await server.stop()
      await server.start()

      const after = await connectMongo(server.url)
      expect(await after.db(dbName).collection('documents').countDocuments({ name: 'durable' })).toBe(1)
    })
  })

  describe('startTsProcess', () => {
    const isEcho = (message: unknown): message is { echo: unknown } =>
      typeof message === 'object' && message !== null && 'echo' in message

    it('runs a TypeScript entry point with extra env, exchanging lines and IPC messages', async () => {
      const child = startTsProcess('test/fixtures/echo-process.ts', { env: { ECHO_LABEL: 'harness' } })
      onTestFinished(async () => {
        await child.kill('SIGKILL')
      })

      expect(await child.waitForLine(/ready/)).toBe('echo process ready (harness)')
      child.send('first')
      child.send('second')

      expect(await child.waitForMessage(isEcho)).toEqual({ echo: 'first' })
      expect(await child.waitForMessage(isEcho)).toEqual({ echo: 'second' })
      expect(await child.kill()).toBe(0)
      expect(child.output()).toContain('shutting down')
    })

    it('rejects a wait with the output tail once the process has exited', async () => {
      const child = startTsProcess('test/fixtures/echo-process.ts')
      await child.waitForLine(/ready/)

      await child.kill('SIGKILL')

      await expect(child.waitForLine(/never printed/)).rejects.toThrow(
        /exited before[\s\S]*echo process ready/,
      )
      expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' })
    })
  })
})
