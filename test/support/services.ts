import { statSync } from 'node:fs'
import { connect } from 'node:net'
import { delimiter, join } from 'node:path'
import { MongoClient } from 'mongodb'
import { repoRoot } from './repo-root.js'
import { startService, type ServiceHandle, type ServicePlacement } from './service-process.js'

export type { ServiceHandle, ServicePlacement } from './service-process.js'

export interface RedisServerOptions {
  /**
   * Keep an append-only file in the data dir, so data written before stop() is there after start().
   * @default false
   */
  appendOnly?: boolean
  /** A fixed port and a kept data dir instead of a free port and a temp dir. */
  placement?: ServicePlacement
}

/**
 * Starts a real `redis-server` on a free 127.0.0.1 port with a fresh temp data dir.
 *
 * @example
 * const redis = await startRedisServer({ appendOnly: true })
 * try {
 *   const client = new Redis(redis.url)
 *   // ...
 * } finally {
 *   await redis.dispose()
 * }
 */
export function startRedisServer(opts: RedisServerOptions = {}): Promise<ServiceHandle> {
  const command = findOnPath('redis-server')
  if (command === undefined) {
    return Promise.reject(new Error('redis-server is not on PATH: run `npm run setup` to install it'))
  }
  return startService(
    {
      name: 'redis-server',
      command,
      args: (port, dataDir) => [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--dir',
        dataDir,
        '--appendonly',
        opts.appendOnly === true ? 'yes' : 'no',
        '--maxmemory-policy',
        'noeviction',
        '--protected-mode',
        'no',
      ],
      url: (port) => `redis://127.0.0.1:${port}`,
      isReady: redisAnswersPing,
    },
    opts.placement,
  )
}

/**
 * Starts a MongoDB-compatible server (`mongod` from PATH, else FerretDB built by `npm run setup`) on a
 * free 127.0.0.1 port with a fresh temp data dir.
 *
 * @example
 * const mongo = await startMongoServer()
 * try {
 *   await mongoose.connect(mongo.url, { dbName: 'test' })
 * } finally {
 *   await mongo.dispose()
 * }
 */
export function startMongoServer(placement?: ServicePlacement): Promise<ServiceHandle> {
  const binary = mongoServerBinary()
  if (binary === undefined) {
    return Promise.reject(
      new Error(
        `no MongoDB-compatible server: mongod is not on PATH and ${ferretdbPath} is missing; ` +
          'run `npm run setup` to build FerretDB',
      ),
    )
  }
  return startService(
    {
      name: binary.kind,
      command: binary.command,
      args: (port, dataDir) =>
        binary.kind === 'mongod'
          ? ['--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dataDir, '--quiet']
          : ['--listen', `127.0.0.1:${port}`, '--data', dataDir],
      url: (port) => `mongodb://127.0.0.1:${port}`,
      isReady: mongoAnswersPing,
    },
    placement,
  )
}

/**
 * The MongoDB-compatible server tests will run: `mongod` on PATH wins over the FerretDB build.
 *
 * @example
 * if (mongoServerBinary()?.kind === 'ferretdb') console.log('no transactions on this backend')
 */
export function mongoServerBinary(): { command: string; kind: 'mongod' | 'ferretdb' } | undefined {
  const mongod = findOnPath('mongod')
  if (mongod !== undefined) return { command: mongod, kind: 'mongod' }
  if (isExecutableFile(ferretdbPath)) return { command: ferretdbPath, kind: 'ferretdb' }
  return undefined
}

const ferretdbPath = join(repoRoot, '.tools', 'bin', 'ferretdb')
const PROBE_TIMEOUT_MS = 1_000

function findOnPath(command: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '')
  return dirs.map((dir) => join(dir, command)).find(isExecutableFile)
}

function isExecutableFile(path: string): boolean {
  try {
    const stat = statSync(path)
    return stat.isFile() && (stat.mode & 0o111) !== 0
  } catch {
    return false
  }
}

function redisAnswersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let reply = ''
    const settle = (answered: boolean): void => {
      socket.destroy()
      resolve(answered)
    }
    socket.setEncoding('utf8')
    socket.setTimeout(PROBE_TIMEOUT_MS, () => settle(false))
    socket.once('error', () => settle(false))
    socket.once('close', () => settle(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    // While loading its append-only file Redis answers -LOADING: not ready yet.
    socket.on('data', (chunk: string) => {
      reply += chunk
      if (reply.includes('\r\n')) settle(reply.startsWith('+PONG'))
    })
  })
}

async function mongoAnswersPing(port: number): Promise<boolean> {
  // A cheap TCP check first: the driver's server selection would wait its whole timeout on a closed port.
  if (!(await acceptsTcp(port))) return false
  const client = new MongoClient(`mongodb://127.0.0.1:${port}`, {
    directConnection: true,
    serverSelectionTimeoutMS: PROBE_TIMEOUT_MS,
    connectTimeoutMS: PROBE_TIMEOUT_MS,
    socketTimeoutMS: PROBE_TIMEOUT_MS * 2,
  })
  try {
    await client.db('admin').command({ ping: 1 })
    return true
  } catch {
    return false
  } finally {
    await client.close().catch(() => undefined)
  }
}

function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const settle = (accepted: boolean): void => {
      socket.destroy()
      resolve(accepted)
    }
    socket.setTimeout(PROBE_TIMEOUT_MS, () => settle(false))
    socket.once('error', () => settle(false))
    socket.once('connect', () => settle(true))
  })
}
