import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'
import { executionKeys } from './keys.js'
import type { AdapterMessage } from './adapter-message.js'
import { indexConversationExecutions } from './conversation-index.js'

const STAMP_AND_PUBLISH = readFileSync(new URL('./scripts/stamp-and-publish.lua', import.meta.url), 'utf8')
const COMMAND_NAME = 'agentEventsStampAndPublish'

/** An event ready for Redis: id stamped, JSON and adapter message built; only its seq is missing. */
export interface StampableEvent {
  readonly id: string
  readonly executionId: string
  readonly conversationId?: string
  /** The event's JSON without `seq`. */
  readonly json: string
  readonly message: AdapterMessage
}

export interface EventStamperOptions {
  readonly keyPrefix: string
  /** Events kept per execution for replay. @default 100 */
  readonly recentBufferSize: number
  /** The recent buffer and the stamped-id window expire after this long without an event. */
  readonly recentBufferTtlSeconds: number
  /** The sequence counter expires after this long without an event. */
  readonly sequenceTtlSeconds: number
  /** How many recent ids per execution are remembered to make a re-sent stamp idempotent. */
  readonly stampedIdWindow: number
}

type StampCommand = (numberOfKeys: number, ...args: (string | Buffer | number)[]) => Promise<number[]>

/**
 * Runs the stamp-and-publish script: one round trip assigns every event of a batch its seq, appends
 * it to the recent buffer and publishes it to the Socket.IO rooms of its execution and conversation.
 */
export class EventStamper {
  constructor(
    private readonly redis: Redis,
    private readonly options: EventStamperOptions,
  ) {
    if (!(COMMAND_NAME in redis)) redis.defineCommand(COMMAND_NAME, { lua: STAMP_AND_PUBLISH })
  }

  async stamp(events: readonly StampableEvent[]): Promise<number[]> {
    const keys: string[] = []
    const args: (string | Buffer | number)[] = [
      this.options.recentBufferSize,
      this.options.recentBufferTtlSeconds,
      this.options.sequenceTtlSeconds,
      this.options.stampedIdWindow,
    ]
    for (const event of events) {
      const k = executionKeys(this.options.keyPrefix, event.executionId)
      keys.push(k.sequence, k.recent, k.stampedIds)
      args.push(
        event.id,
        event.json.slice(1),
        event.message.head,
        event.message.middle,
        event.message.channel,
      )
    }
    // One round trip: the conversation index first, so that no execution is stamped unindexed.
    const pipeline = this.redis.pipeline()
    indexConversationExecutions(pipeline, this.options, events)
    const command = (pipeline as unknown as Record<string, StampCommand>)[COMMAND_NAME]
    if (!command) throw new Error(`${COMMAND_NAME} is not defined on this Redis client`)
    void command.call(pipeline, keys.length, ...keys, ...args)
    const replies = (await pipeline.exec()) ?? []
    const failed = replies.find(([error]) => error !== null)?.[0]
    if (failed) throw failed
    return replies.at(-1)?.[1] as number[]
  }
}
