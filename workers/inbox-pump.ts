import { setTimeout as delay } from 'node:timers/promises'
import { Job, type Queue } from 'bullmq'
import type { ChainableCommander, Redis } from 'ioredis'
import { getLogger } from '../src/logger.js'
import { workerMetrics } from '../src/metrics/worker-metrics.js'
import {
  batchJobId,
  PERSIST_JOB_NAME,
  persistJobOptions,
  type PersistJobData,
  type PersistJobPolicy,
} from '../src/queue/persistence-queue.js'
import { ShardInbox, type InboxEntry } from '../src/redis/inbox.js'

export interface InboxPumpOptions extends PersistJobPolicy {
  /** This pump's consumer name in the inbox's group: unique per pump and process. */
  readonly consumer: string
  /** Events per job, at most (an entry is never split, so one large entry may exceed it). */
  readonly jobEvents: number
  /** After a read that did not fill a job, wait this long for more entries before moving. */
  readonly lingerMs: number
  /** Entries another pump took and left unacknowledged this long are claimed (it died). */
  readonly claimIdleMs: number
  /** How long one read blocks waiting for entries. @default 1000 */
  readonly blockMs?: number
}

const MAX_BACKOFF_MS = 2000
/** A consumer idle this long with nothing pending is a pump that is gone. */
const CONSUMER_RETENTION_MS = 24 * 3_600_000
const log = getLogger('inbox-pump')

/**
 * Moves a shard's inbox into its persistence queue. Each move adds the jobs and acknowledges and
 * deletes their entries in one MULTI, so an entry is either still in the inbox or in a job, whatever
 * process dies when. Entries a pump read but did not move stay pending: the pump re-reads its own
 * after a failure, and any pump claims those of a pump that died, after `claimIdleMs`. A move that
 * runs twice adds nothing new while its first job exists (the job id derives from the first entry);
 * past that, the store's idempotence makes the repeat harmless.
 */
export class InboxPump {
  private readonly inbox: ShardInbox
  private running: Promise<void> | undefined
  private closing = false
  private nextClaimAt = 0

  /**
   * @param reader the pump's own connection (its reads block)
   * @param queue the shard's persistence queue; moves run on its connection, where BullMQ's scripts are
   */
  constructor(
    reader: Redis,
    inboxKey: string,
    private readonly queue: Queue<PersistJobData>,
    private readonly options: InboxPumpOptions,
  ) {
    this.inbox = new ShardInbox(reader, inboxKey)
  }

  /** Starts moving entries; resolves once the inbox's consumer group exists. */
  async start(): Promise<void> {
    await this.inbox.ensureGroup()
    ShardInbox.defineCommands((await this.queue.getBackend().client) as unknown as Redis)
    this.running ??= this.run()
  }

  /** Stops after the move in flight (entries read and not moved are claimed later). Idempotent. */
  async close(): Promise<void> {
    this.closing = true
    await this.running
  }

  private async run(): Promise<void> {
    let failures = 0
    let ownPendingFirst = true
    while (!this.closing) {
      try {
        if (ownPendingFirst) {
          const own = await this.inbox.readOwnPending(this.options.consumer, this.options.jobEvents)
          if (own.length > 0) await this.move(own)
          else ownPendingFirst = false
        } else {
          const entries = await this.readNew()
          if (entries.length > 0) await this.move(entries)
        }
        if (Date.now() >= this.nextClaimAt) await this.claimAbandoned()
        failures = 0
      } catch (error) {
        if (this.closing) break
        failures += 1
        if (failures === 1 || failures % 20 === 0)
          log.warn({ err: error, failures }, 'inbox pump failed; retrying')
        if (error instanceof Error && error.message.startsWith('NOGROUP'))
          await this.inbox.ensureGroup().catch(() => undefined)
        ownPendingFirst = true
        await delay(Math.min(50 * 2 ** failures, MAX_BACKOFF_MS))
      }
    }
  }

  private async readNew(): Promise<InboxEntry[]> {
    const { consumer, jobEvents, lingerMs, blockMs = 1000 } = this.options
    const entries = await this.inbox.readNew(consumer, jobEvents, blockMs)
    if (entries.length === 0 || lingerMs === 0 || eventCount(entries) >= jobEvents) return entries
    await delay(lingerMs)
    return [...entries, ...(await this.inbox.readNew(consumer, jobEvents, 0))]
  }

  private async claimAbandoned(): Promise<void> {
    const { consumer, claimIdleMs, jobEvents } = this.options
    this.nextClaimAt = Date.now() + Math.max(claimIdleMs / 2, 100)
    const claimed = await this.inbox.claimAbandoned(consumer, claimIdleMs, jobEvents)
    if (claimed.length > 0) {
      log.warn({ entries: claimed.length }, 'claimed inbox entries a stopped pump had taken')
      await this.move(claimed)
    }
    await this.inbox.forgetIdleConsumers(CONSUMER_RETENTION_MS)
  }

  /** One MULTI: a job per group of entries, then the acknowledgement of all of them. */
  private async move(entries: readonly InboxEntry[]): Promise<void> {
    const client = await this.queue.getBackend().client
    const multi = client.multi()
    const jobKeys: string[] = []
    for (const group of jobGroups(entries, this.options.jobEvents)) {
      const jobId = batchJobId(group.firstEntryId)
      const data: PersistJobData = { events: group.events }
      const job = new Job(this.queue, PERSIST_JOB_NAME, data, persistJobOptions(jobId, this.options), jobId)
      await job.addJob(multi)
      jobKeys.push(this.queue.toKey(jobId))
    }
    const entryIds = entries.map((entry) => entry.id)
    this.inbox.acknowledgeMoved(multi as unknown as ChainableCommander, jobKeys, entryIds)
    const replies = await multi.exec()
    const failure = replies?.find(([error]: [Error | null, unknown]) => error !== null)?.[0]
    if (!replies || failure) throw failure ?? new Error('the move transaction was discarded')
    if (replies.at(-1)?.[1] === -1) throw new Error('a moved job is missing: its entries stay pending')
    workerMetrics().pumped.inc(eventCount(entries))
  }
}

const eventCount = (entries: readonly InboxEntry[]): number =>
  entries.reduce((count, entry) => count + entry.events.length, 0)

/** Consecutive entries grouped into jobs of at most `jobEvents` events; empty entries join any group. */
function jobGroups(
  entries: readonly InboxEntry[],
  jobEvents: number,
): { firstEntryId: string; events: string[] }[] {
  const groups: { firstEntryId: string; events: string[] }[] = []
  let current: { firstEntryId: string; events: string[] } | undefined
  for (const entry of entries) {
    if (entry.events.length === 0) continue
    if (!current || current.events.length + entry.events.length > jobEvents) {
      current = { firstEntryId: entry.id, events: [] }
      groups.push(current)
    }
    current.events.push(...entry.events)
  }
  return groups
}
