import type { ChainableCommander, Redis } from 'ioredis'
import { defineScriptOnce, readLuaScript } from './lua-scripts.js'
import { INBOX_CONSUMER_GROUP, INBOX_EVENTS_FIELD } from './keys.js'

const ACKNOWLEDGE_MOVED_ENTRIES = readLuaScript('acknowledge-moved-entries.lua')
const ACKNOWLEDGE_COMMAND = 'agentEventsAcknowledgeMovedEntries'

/** One entry of a shard's inbox: a stamped batch, its events as JSON texts in seq order per execution. */
export interface InboxEntry {
  /** The stream id: time-ordered and unique in the shard. */
  readonly id: string
  /** Empty for an entry deleted after it was read (a move that ran twice). */
  readonly events: readonly string[]
}

type StreamReply = [id: string, fields: string[] | null][]
type ReadReply = [key: string, entries: StreamReply][] | null
type AcknowledgeCommand = (
  this: ChainableCommander,
  numberOfKeys: number,
  ...args: string[]
) => ChainableCommander

/**
 * The pumps' side of a shard's inbox (a Redis stream with one consumer group): read what no pump has
 * taken, re-read what this pump took but did not move, claim what a dead pump left, and acknowledge
 * a move atomically with the jobs' adds. Reads block, so the connection must be the pump's own.
 */
export class ShardInbox {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
  ) {}

  /** Creates the consumer group (and the stream) unless they exist; entries already there are kept. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, INBOX_CONSUMER_GROUP, '0', 'MKSTREAM')
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error
    }
  }

  /** Entries no pump has taken yet, waiting up to `blockMs` for the first (0: no wait). */
  readNew(consumer: string, count: number, blockMs: number): Promise<InboxEntry[]> {
    return this.read(consumer, count, '>', blockMs)
  }

  /** Entries this consumer took and has not acknowledged (a move that failed). */
  readOwnPending(consumer: string, count: number): Promise<InboxEntry[]> {
    return this.read(consumer, count, '0', 0)
  }

  /** Takes over entries another consumer took and left unacknowledged for `minIdleMs` (it died). */
  async claimAbandoned(consumer: string, minIdleMs: number, count: number): Promise<InboxEntry[]> {
    const reply = (await this.redis.call(
      'XAUTOCLAIM',
      this.key,
      INBOX_CONSUMER_GROUP,
      consumer,
      minIdleMs,
      '0-0',
      'COUNT',
      count,
    )) as [next: string, entries: StreamReply, deleted?: string[]]
    const deleted = (reply[2] ?? []).map((id) => ({ id, events: [] }))
    return [...entriesOf(reply[1]), ...deleted]
  }

  /** Forgets consumers that hold nothing and have been idle for `idleMs` (pumps that are gone). */
  async forgetIdleConsumers(idleMs: number): Promise<number> {
    const consumers = (await this.redis.call(
      'XINFO',
      'CONSUMERS',
      this.key,
      INBOX_CONSUMER_GROUP,
    )) as unknown[][]
    let forgotten = 0
    for (const fields of consumers) {
      const info = new Map<unknown, unknown>()
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(fields[i], fields[i + 1])
      if (info.get('pending') !== 0 || Number(info.get('idle')) < idleMs) continue
      await this.redis.xgroup('DELCONSUMER', this.key, INBOX_CONSUMER_GROUP, String(info.get('name')))
      forgotten += 1
    }
    return forgotten
  }

  private async read(
    consumer: string,
    count: number,
    from: '>' | '0',
    blockMs: number,
  ): Promise<InboxEntry[]> {
    const block = blockMs > 0 ? ['BLOCK', blockMs] : []
    const reply = (await this.redis.call(
      'XREADGROUP',
      'GROUP',
      INBOX_CONSUMER_GROUP,
      consumer,
      'COUNT',
      count,
      ...block,
      'STREAMS',
      this.key,
      from,
    )) as ReadReply
    return entriesOf(reply?.[0]?.[1] ?? [])
  }

  /**
   * Adds to a MULTI the acknowledgement of moved entries, which takes effect only if every job they
   * were moved into exists once the transaction's adds have run (its reply is then the entry count,
   * else -1).
   */
  acknowledgeMoved(multi: ChainableCommander, jobKeys: readonly string[], entryIds: readonly string[]): void {
    const command = (multi as unknown as Record<string, AcknowledgeCommand | undefined>)[ACKNOWLEDGE_COMMAND]
    if (!command) throw new Error(`${ACKNOWLEDGE_COMMAND} is not defined on the transaction's client`)
    command.call(multi, 1 + jobKeys.length, this.key, ...jobKeys, INBOX_CONSUMER_GROUP, ...entryIds)
  }

  /** Defines the acknowledgement script on the client whose transactions move entries. */
  static defineCommands(client: Redis): void {
    defineScriptOnce(client, ACKNOWLEDGE_COMMAND, ACKNOWLEDGE_MOVED_ENTRIES)
  }
}

function entriesOf(reply: StreamReply): InboxEntry[] {
  return reply.map(([id, fields]) => {
    const index = fields?.indexOf(INBOX_EVENTS_FIELD) ?? -1
    const text = index >= 0 ? fields?.[index + 1] : undefined
    return { id, events: text ? text.split('\n') : [] }
  })
}
