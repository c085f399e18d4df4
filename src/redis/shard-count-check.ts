import type { Redis } from 'ioredis'
import { AgentEventsError } from '../errors.js'
import { shardCountKey, type KeyLayout } from './keys.js'

/**
 * Makes sure this process lays keys out like the deployment's data: the first process to start
 * records its shard count, every other one must have the same. A producer with another count would
 * give an execution a second counter in another shard, and its events would leave seq order.
 * @example await checkShardCount(redis, { keyPrefix: 'ae', shardCount: 4 })
 */
export async function checkShardCount(redis: Redis, layout: KeyLayout): Promise<void> {
  const key = shardCountKey(layout.keyPrefix)
  const earlier = await redis.set(key, String(layout.shardCount), 'NX', 'GET')
  const recorded = earlier === null ? layout.shardCount : Number(earlier)
  if (recorded !== layout.shardCount) {
    throw new AgentEventsError(
      'shard_count_mismatch',
      `SHARD_COUNT is ${layout.shardCount} here but ${recorded} in the data under prefix ` +
        `${layout.keyPrefix} (key ${key}); every producer, web node and worker must use ${recorded}`,
    )
  }
}
