import { Emitter as RedisEmitter } from '@socket.io/redis-emitter'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { AgentEventEmitter } from '../src/emitter/agent-event-emitter.js'
import { adapterKey, conversationRoom, executionRoom } from '../src/redis/keys.js'
import { secondsSince } from './measure.js'
import type { BenchServerUrls, CaseNamespace } from './namespaces.js'
import { executionIdsOf, spreadEvents, stampEvents } from './workload.js'

/** What every case needs: the servers, and N. */
export interface BenchContext extends BenchServerUrls {
  readonly events: number
}

/** Wall-clock seconds and the CPU seconds this process spent, for one run of a case. */
export interface TimedRun {
  readonly seconds: number
  readonly cpuSeconds: number
}

/** Longest wait for the emitter's outbox to drain into Redis. */
export const FLUSH_TIMEOUT_MS = 120_000
/** Jobs per `addBulk` of the bare pair: the emitter's batch size. */
export const BARE_BATCH_SIZE = 500

/**
 * (a) One producer, fire-and-forget: N emits started at once over the case's executions, timed until
 * every one is stamped, buffered, published and recorded for persistence in Redis.
 */
export async function burstEmit(context: BenchContext, namespace: CaseNamespace): Promise<TimedRun> {
  const events = spreadEvents(executionIdsOf(namespace.executionId), namespace.conversationId, context.events)
  return withEmitter(context, namespace, async (emitter) => {
    const run = await timed(async () => {
      await Promise.all(events.map((event) => emitter.emitAgentEvent(event)))
      await flushed(emitter)
    })
    expectAllSent(emitter, events.length)
    return run
  })
}

/**
 * (b) The bare pair a plain implementation would run for the same events, already stamped: one
 * BullMQ job per event with `addBulk` (batches of {@link BARE_BATCH_SIZE}) and one Socket.IO
 * broadcast per event to its execution and conversation rooms with `@socket.io/redis-emitter`; no
 * validation, no seq, no recent buffer, and not atomic.
 */
export async function barePair(context: BenchContext, namespace: CaseNamespace): Promise<TimedRun> {
  const events = stampEvents(
    spreadEvents(executionIdsOf(namespace.executionId), namespace.conversationId, context.events),
  )
  const redis = new Redis(context.redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(namespace.queueName, { connection: redis, prefix: namespace.keyPrefix })
  const broadcaster = new RedisEmitter(redis, { key: adapterKey(namespace.keyPrefix) })
  try {
    await queue.waitUntilReady()
    return await timed(async () => {
      const pending: Promise<unknown>[] = []
      for (let offset = 0; offset < events.length; offset += BARE_BATCH_SIZE) {
        const batch = events.slice(offset, offset + BARE_BATCH_SIZE)
        pending.push(queue.addBulk(batch.map((event) => ({ name: 'persist-event', data: event }))))
        for (const event of batch) {
          const rooms = [executionRoom(event.executionId), conversationRoom(namespace.conversationId)]
          broadcaster.to(rooms).emit('event', event)
        }
      }
      await Promise.all(pending)
      // The broadcasts are fire-and-forget PUBLISHes on the same connection: a PING after them
      // answers once Redis has run them all.
      await redis.ping()
    })
  } finally {
    await queue.close()
    redis.disconnect()
  }
}

/** Mean size in bytes of the bench's events as JSON, as the emit step records them. */
export function meanEventBytes(sample: number): number {
  const events = stampEvents(spreadEvents(executionIdsOf('exec-size'), 'conv-size', sample))
  return events.reduce((total, event) => total + Buffer.byteLength(JSON.stringify(event)), 0) / events.length
}

/** Runs `use` with a connected emitter of the namespace; connecting and closing are not timed. */
export async function withEmitter<T>(
  context: BenchContext,
  namespace: CaseNamespace,
  use: (emitter: AgentEventEmitter) => Promise<T>,
): Promise<T> {
  const emitter = new AgentEventEmitter({
    redisUrl: context.redisUrl,
    keyPrefix: namespace.keyPrefix,
    // The burst accepts all N before the first batch leaves: a smaller outbox would drop events.
    outboxLimit: Math.max(context.events, 10_000),
  })
  try {
    await emitter.initialize()
    return await use(emitter)
  } finally {
    await emitter.close()
  }
}

/** Resolves once every accepted event is in Redis; throws after {@link FLUSH_TIMEOUT_MS}. */
export async function flushed(emitter: AgentEventEmitter): Promise<void> {
  if (!(await emitter.flush(FLUSH_TIMEOUT_MS)))
    throw new Error(`the emitter still held ${emitter.pending} events after ${FLUSH_TIMEOUT_MS} ms`)
}

/** Runs `work` and measures its wall-clock time and this process's CPU time. */
export async function timed(work: () => Promise<void>): Promise<TimedRun> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await work()
  const seconds = secondsSince(start)
  const used = process.cpuUsage(cpu)
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 }
}

function expectAllSent(emitter: AgentEventEmitter, count: number): void {
  const { sent, rejected, dropped } = emitter.stats
  if (sent !== count || rejected > 0 || dropped > 0)
    throw new Error(`expected ${count} events sent, got ${JSON.stringify(emitter.stats)}`)
}
