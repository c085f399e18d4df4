import type { Redis } from 'ioredis'
import type { StampedAgentEvent } from '../events/schemas.js'
import { executionKeys, type KeyLayout } from './keys.js'

/** Reads the recent-event buffer of an execution, which the emit step writes. */
export class RecentBuffer {
  constructor(
    private readonly redis: Redis,
    private readonly layout: KeyLayout,
  ) {}

  /** Buffered events with seq greater than `afterSeq`, in seq order. */
  async readAfter(executionId: string, afterSeq = 0): Promise<StampedAgentEvent[]> {
    const members = await this.redis.zrangebyscore(
      executionKeys(this.layout, executionId).recent,
      `(${afterSeq}`,
      '+inf',
    )
    return members.map((member) => JSON.parse(member) as StampedAgentEvent)
  }

  /** The newest buffered event of the execution, if any. */
  async newest(executionId: string): Promise<StampedAgentEvent | undefined> {
    const [member] = await this.redis.zrange(executionKeys(this.layout, executionId).recent, -1, -1)
    return member === undefined ? undefined : (JSON.parse(member) as StampedAgentEvent)
  }

  /** The last seq assigned in the execution (0 when none). */
  async lastSeq(executionId: string): Promise<number> {
    const value = await this.redis.get(executionKeys(this.layout, executionId).sequence)
    return value === null ? 0 : Number(value)
  }
}
