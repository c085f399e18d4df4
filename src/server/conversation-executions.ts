import { setTimeout as delay } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import { getLogger } from '../logger.js'
import { CONVERSATION_INDEX_LIMIT, readConversationIndex } from '../redis/conversation-index.js'
import type { EventStore, ExecutionSummary } from '../store/event-store.js'

export interface ConversationExecutionsOptions {
  readonly keyPrefix: string
  /** How long the stored summaries are waited for before the index alone answers. */
  readonly storeWaitMs: number
}

/** Stored summaries read per page, and pages read at most: the store's part is bounded. */
const SUMMARY_PAGE = 1000
const MAX_SUMMARY_PAGES = 10
const log = getLogger('conversation-executions')

/**
 * The executions of a conversation a web node knows of: the emitter's Redis index (every execution
 * seen in the last `RECENT_BUFFER_TTL_SECONDS`, at most 1,000 per conversation) united with the stored
 * summaries (`agent_executions.conversationId`, the first 10,000 read), the 1,000 most recent of them,
 * each with the last seq its summary knows (0 when only the index names it).
 *
 * @example
 * const executions = await conversationExecutions.list('conv-1') // Map { 'exec-1' => 42, ... }
 */
export class ConversationExecutions {
  constructor(
    private readonly redis: Redis,
    private readonly store: EventStore | undefined,
    private readonly options: ConversationExecutionsOptions,
  ) {}

  /**
   * Oldest first: stored executions by start, then those only the index names by first sight. Throws
   * when Redis cannot be read; a store that fails or does not answer in time is left out (and logged).
   */
  async list(conversationId: string): Promise<Map<string, number>> {
    const [indexed, stored] = await Promise.all([
      readConversationIndex(this.redis, this.options.keyPrefix, conversationId),
      this.storedSummaries(conversationId),
    ])
    const executions = new Map<string, number>()
    for (const summary of stored) executions.set(summary.executionId, summary.lastSeq)
    for (const executionId of indexed) if (!executions.has(executionId)) executions.set(executionId, 0)
    const overLimit = executions.size - CONVERSATION_INDEX_LIMIT
    return overLimit > 0 ? new Map([...executions].slice(overLimit)) : executions
  }

  private async storedSummaries(conversationId: string): Promise<ExecutionSummary[]> {
    const store = this.store
    if (!store) return []
    const reading = readAllSummaries(store, conversationId)
    const timeout = delay(this.options.storeWaitMs, 'timeout' as const, { ref: false })
    try {
      const outcome = await Promise.race([reading, timeout])
      if (outcome !== 'timeout') return outcome
      log.warn({ conversationId }, 'stored executions not read in time: the index alone answers')
    } catch (error) {
      log.warn({ err: error, conversationId }, 'stored executions not readable: the index alone answers')
    }
    return []
  }
}

async function readAllSummaries(store: EventStore, conversationId: string): Promise<ExecutionSummary[]> {
  const summaries: ExecutionSummary[] = []
  for (let page = 0; page < MAX_SUMMARY_PAGES; page += 1) {
    const last = summaries.at(-1)
    const after = last?.startedAt ? { startedAt: last.startedAt, executionId: last.executionId } : undefined
    if (page > 0 && !after) break
    const batch = await store.listConversationExecutions(conversationId, { after, limit: SUMMARY_PAGE })
    summaries.push(...batch)
    if (batch.length < SUMMARY_PAGE) break
  }
  return summaries
}
