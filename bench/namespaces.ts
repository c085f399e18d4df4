import { Redis } from 'ioredis'
import mongoose from 'mongoose'

/** Names no other case or repetition uses: every measurement starts from empty state. */
export interface CaseNamespace {
  readonly queueName: string
  readonly keyPrefix: string
  readonly executionId: string
  readonly conversationId: string
  readonly dbName: string
}

export interface BenchServerUrls {
  readonly redisUrl: string
  /** `mongodb://host:port`, with or without a database (the bench picks its own). */
  readonly mongoUrl: string
}

/** Names of case `caseId`, repetition `rep`, of the bench run `runId`. */
export function caseNamespace(runId: string, caseId: string, rep: number): CaseNamespace {
  const name = `bench-${runId}-${caseId}${rep}`
  return {
    queueName: name,
    keyPrefix: name,
    executionId: `exec-${name}`,
    conversationId: `conv-${name}`,
    dbName: name.replaceAll('-', '_'),
  }
}

/** `mongoUrl` pointing at database `dbName`, keeping its host list and options. */
export function databaseUri(mongoUrl: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(mongoUrl)
  if (!match) throw new Error(`not a MongoDB connection string: ${mongoUrl}`)
  return `${match[1]}/${dbName}${match[2] ?? ''}`
}

/**
 * Deletes what a case left behind: our keys and its BullMQ queues (under our prefix) in Redis, its
 * database in MongoDB.
 * Servers given by REDIS_URL / MONGODB_URI are shared, so a run must not leave gigabytes there.
 */
export async function releaseNamespace(namespace: CaseNamespace, urls: BenchServerUrls): Promise<void> {
  await Promise.all([
    deleteRedisKeys(urls.redisUrl, [`${namespace.keyPrefix}:*`]),
    dropDatabase(urls.mongoUrl, namespace.dbName),
  ])
}

async function deleteRedisKeys(redisUrl: string, patterns: readonly string[]): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    for (const match of patterns) {
      for await (const keys of redis.scanStream({ match, count: 1000 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.unlink(...keys)
      }
    }
  } finally {
    redis.disconnect()
  }
}

async function dropDatabase(mongoUrl: string, dbName: string): Promise<void> {
  const connection = mongoose.createConnection(databaseUri(mongoUrl, dbName), {
    serverSelectionTimeoutMS: 10_000,
  })
  try {
    await connection.asPromise()
    await connection.dropDatabase()
  } finally {
    await connection.close()
  }
}
