import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { getLogger } from '../logger.js'
import { executionKeys, type KeyLayout } from './keys.js'
import { defineScriptOnce, readLuaScript } from './lua-scripts.js'

const EXTEND = readLuaScript('extend-lease.lua')
const RELEASE = readLuaScript('release-lease.lua')

export interface ExecutionLeaseOptions {
  /** A holder that stops renewing (it died) loses the lease after this long. */
  readonly ttlMs: number
  /** Longest pause between two attempts to take a held lease. @default 50 */
  readonly maxPollMs?: number
}

type LeaseScript = (key: string, token: string, ...args: (string | number)[]) => Promise<number>

const log = getLogger('execution-lease')

/**
 * A per-execution lease in Redis that makes one execution's summary updates run one at a time across
 * every worker. The holder renews it every third of its time to live while its update runs; one that
 * dies loses it after `ttlMs`. Waiting for a lease is not a failure: it is polled until free.
 *
 * @example await lease.exclusively('exec-1', () => store.foldSummary(update))
 */
export class ExecutionLease {
  private readonly extend: LeaseScript
  private readonly release: LeaseScript

  constructor(
    private readonly redis: Redis,
    private readonly layout: KeyLayout,
    private readonly options: ExecutionLeaseOptions,
  ) {
    defineScriptOnce(redis, 'agentEventsExtendLease', EXTEND, 1)
    defineScriptOnce(redis, 'agentEventsReleaseLease', RELEASE, 1)
    const commands = redis as unknown as Record<string, LeaseScript>
    this.extend = (...args) => commands.agentEventsExtendLease?.apply(redis, args) ?? Promise.resolve(0)
    this.release = (...args) => commands.agentEventsReleaseLease?.apply(redis, args) ?? Promise.resolve(0)
  }

  /** Runs `update` holding the execution's lease, waiting as long as another holder keeps it. */
  async exclusively<T>(executionId: string, update: () => Promise<T>): Promise<T> {
    const key = executionKeys(this.layout, executionId).summaryLease
    const token = randomUUID()
    await this.acquire(key, token)
    const renewal = setInterval(() => void this.renew(key, token), Math.max(this.options.ttlMs / 3, 10))
    try {
      return await update()
    } finally {
      clearInterval(renewal)
      await this.release(key, token).catch((error: unknown) =>
        log.warn({ err: error, executionId }, 'lease release failed; it expires by itself'),
      )
    }
  }

  private async acquire(key: string, token: string): Promise<void> {
    const maxPollMs = this.options.maxPollMs ?? 50
    for (let attempt = 0; ; attempt += 1) {
      if ((await this.redis.set(key, token, 'PX', this.options.ttlMs, 'NX')) === 'OK') return
      const ceiling = Math.min(2 ** attempt, maxPollMs)
      await delay(ceiling / 2 + Math.random() * (ceiling / 2))
    }
  }

  private async renew(key: string, token: string): Promise<void> {
    try {
      if ((await this.extend(key, token, this.options.ttlMs)) === 0)
        log.warn(
          { key },
          'a summary lease expired while its update ran; counts stay exact only on atomic stores',
        )
    } catch (error) {
      log.warn({ err: error, key }, 'lease renewal failed')
    }
  }
}
