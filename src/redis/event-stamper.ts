import type { ChainableCommander, Redis } from 'ioredis'
import type { AdapterMessage } from './adapter-message.js'
import { indexConversationExecutions } from './conversation-index.js'
import { defineScriptOnce, readLuaScript } from './lua-scripts.js'
import { executionKeys, INBOX_EVENTS_FIELD, shardInboxKey, type KeyLayout } from './keys.js'

const STAMP_PUBLISH_AND_RECORD = readLuaScript('stamp-publish-and-record.lua')
const COMMAND_NAME = 'agentEventsStampPublishAndRecord'

/** An event ready for Redis: id stamped, JSON and adapter message built; only its seq is missing. */
export interface StampableEvent {
  readonly id: string
  readonly executionId: string
  /** Indexes the execution in its conversation (for conversation resume). */
  readonly conversationId?: string
  /** The event's JSON without `seq`. */
  readonly json: string
  readonly message: AdapterMessage
}

export interface EventStamperOptions extends KeyLayout {
  /** Events kept per execution for replay. @default 100 */
  readonly recentBufferSize: number
  /** The recent buffer and the stamped-id window expire after this long without an event. */
  readonly recentBufferTtlSeconds: number
  /** The sequence counter expires after this long without an event. */
  readonly sequenceTtlSeconds: number
  /** How many recent ids per execution are remembered to make a re-sent stamp idempotent. */
  readonly stampedIdWindow: number
}

type StampCommand = (numberOfKeys: number, ...args: (string | Buffer | number)[]) => ChainableCommander

/**
 * Runs the emit step: for every shard a batch touches, one call of the stamp-publish-and-record
 * script assigns each event its seq, appends it to the recent buffer, publishes it to the Socket.IO
 * rooms of its execution and conversation, and records it in the shard's inbox for persistence.
 * The conversation index is written first, in the same pipeline, so that no execution is stamped
 * unindexed: a batch costs one round trip.
 */
export class EventStamper {
  constructor(
    private readonly redis: Redis,
    private readonly options: EventStamperOptions,
  ) {
    defineScriptOnce(redis, COMMAND_NAME, STAMP_PUBLISH_AND_RECORD)
  }

  /** The seq of every event, in the order given. */
  async stamp(events: readonly StampableEvent[]): Promise<number[]> {
    const byShard = new Map<number, { indexes: number[]; keys: string[]; args: (string | Buffer)[] }>()
    events.forEach((event, index) => {
      const keys = executionKeys(this.options, event.executionId)
      let call = byShard.get(keys.shard)
      if (!call) {
        call = { indexes: [], keys: [shardInboxKey(this.options.keyPrefix, keys.shard)], args: [] }
        byShard.set(keys.shard, call)
      }
      call.indexes.push(index)
      call.keys.push(keys.sequence, keys.recent, keys.stampedIds)
      const { message } = event
      call.args.push(event.id, event.json.slice(1), message.head, message.middle, message.channel)
    })
    const { recentBufferSize, recentBufferTtlSeconds, sequenceTtlSeconds, stampedIdWindow } = this.options
    const pipeline = this.redis.pipeline()
    indexConversationExecutions(pipeline, this.options, events)
    const indexCommands = pipeline.length
    const stampCommand = (pipeline as unknown as Record<string, StampCommand>)[COMMAND_NAME]
    if (!stampCommand) throw new Error(`${COMMAND_NAME} is not defined on this Redis client`)
    const calls = [...byShard.values()]
    for (const { keys, args } of calls) {
      stampCommand.call(
        pipeline,
        keys.length,
        ...keys,
        recentBufferSize,
        recentBufferTtlSeconds,
        sequenceTtlSeconds,
        stampedIdWindow,
        INBOX_EVENTS_FIELD,
        ...args,
      )
    }
    const replies = (await pipeline.exec()) ?? []
    const failure = replies.find(([error]) => error !== null)?.[0]
    if (failure) throw failure
    const seqs = new Array<number>(events.length)
    calls.forEach(({ indexes }, call) => {
      const reply = (replies[indexCommands + call]?.[1] ?? []) as number[]
      indexes.forEach((index, position) => (seqs[index] = reply[position] ?? 0))
    })
    return seqs
  }
}
