import type { TestProject } from 'vitest/node'
import { startMongoServer, startRedisServer, type ServiceHandle } from './services.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://host:port` shared by all test files: give every test its own key prefix / queue name. */
    redisUrl: string
    /** `mongodb://host:port` without a database: give every test file its own database. */
    mongoUrl: string
  }
}

/**
 * Provides `redisUrl` and `mongoUrl` to every test file (`inject('redisUrl')`): the servers named by
 * REDIS_URL / MONGODB_URI when set, otherwise real servers started here and disposed after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [redis, mongo] = await Promise.allSettled([
    process.env.REDIS_URL ?? startRedisServer(),
    process.env.MONGODB_URI ?? startMongoServer(),
  ])
  const started = [redis, mongo].flatMap((result) =>
    result.status === 'fulfilled' && typeof result.value !== 'string' ? [result.value] : [],
  )
  const teardown = async (): Promise<void> => {
    await Promise.all(started.map((service) => service.dispose()))
  }
  if (redis.status === 'rejected' || mongo.status === 'rejected') {
    await teardown()
    const reasons = [redis, mongo].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []))
    throw new Error(`could not start the test servers:\n\n${reasons.map(messageOf).join('\n\n')}`)
  }
  project.provide('redisUrl', urlOf(redis.value))
  project.provide('mongoUrl', urlOf(mongo.value))
  return teardown
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason)
}

function urlOf(service: string | ServiceHandle): string {
  return typeof service === 'string' ? service : service.url
}
