import { Redis } from 'ioredis'
import mongoose from 'mongoose'
import {
  mongoServerBinary,
  startMongoServer,
  startRedisServer,
  type ServiceHandle,
} from '../test/support/services.js'
import type { BenchServerUrls } from './namespaces.js'

/** The Redis and MongoDB-compatible servers of a bench run, with what they are. */
export interface BenchServers extends BenchServerUrls {
  /** e.g. `redis 7.0.15 (started by the bench)`. */
  readonly redisDescription: string
  /** e.g. `ferretdb (MongoDB 7.0.42 wire), started by the bench`. */
  readonly mongoDescription: string
  /** Process id of the MongoDB-compatible server, when the bench started it (CPU accounting). */
  storePid(): number | undefined
  /** Stops the servers the bench started. Idempotent. */
  dispose(): Promise<void>
}

/**
 * The servers named by `redisUrl` / `mongoUrl` when given, otherwise real ones started on free
 * 127.0.0.1 ports with temporary data directories.
 * @example
 * const servers = await benchServers({ redisUrl: process.env.REDIS_URL })
 * try { ... } finally { await servers.dispose() }
 */
export async function benchServers(given: Partial<BenchServerUrls>): Promise<BenchServers> {
  const [redis, mongo] = await Promise.allSettled([
    given.redisUrl ?? startRedisServer(),
    given.mongoUrl ?? startMongoServer(),
  ])
  const started = [redis, mongo].flatMap((result) =>
    result.status === 'fulfilled' && typeof result.value !== 'string' ? [result.value] : [],
  )
  let disposing: Promise<void> | undefined
  const dispose = (): Promise<void> => {
    disposing ??= Promise.all(started.map((service) => service.dispose())).then(() => undefined)
    return disposing
  }
  try {
    if (redis.status === 'rejected') throw redis.reason
    if (mongo.status === 'rejected') throw mongo.reason
    const redisUrl = urlOf(redis.value)
    const mongoUrl = urlOf(mongo.value)
    const origin = (value: string | ServiceHandle): string =>
      typeof value === 'string' ? 'given by the environment' : 'started by the bench'
    const mongoKind =
      typeof mongo.value === 'string' ? 'external server' : (mongoServerBinary()?.kind ?? 'unknown')
    return {
      redisUrl,
      mongoUrl,
      redisDescription: `redis ${await redisVersion(redisUrl)}, ${origin(redis.value)}`,
      mongoDescription: `${mongoKind} (${await mongoVersion(mongoUrl)}), ${origin(mongo.value)}`,
      storePid: () => (typeof mongo.value === 'string' ? undefined : mongo.value.pid),
      dispose,
    }
  } catch (error) {
    await dispose()
    throw error
  }
}

function urlOf(service: string | ServiceHandle): string {
  return typeof service === 'string' ? service : service.url
}

async function redisVersion(redisUrl: string): Promise<string> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown version'
  } finally {
    redis.disconnect()
  }
}

async function mongoVersion(mongoUrl: string): Promise<string> {
  const connection = mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 10_000 })
  try {
    await connection.asPromise()
    const info = await connection.getClient().db('admin').command({ buildInfo: 1 })
    // FerretDB built from its Go module (tools/ferretdb) reports its own version as 'unknown'.
    const known = typeof info.ferretdbVersion === 'string' && info.ferretdbVersion !== 'unknown'
    const ferretdb = known ? `, FerretDB ${String(info.ferretdbVersion)}` : ''
    return `MongoDB ${String(info.version)} wire${ferretdb}`
  } finally {
    await connection.close()
  }
}
