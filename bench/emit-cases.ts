import { Redis } from 'ioredis'
import { AgentEventEmitter } from '../src/emitter/agent-event-emitter.js'
import type { EmitResult } from '../src/emitter/event-emitter-core.js'
import { caseNamespace, type BenchServerUrls, type CaseNamespace } from './namespaces.js'
import { secondsSince } from './measure.js'
import { agentEvents, stampEvents } from './workload.js'

/** What every case needs: the servers, the run id that makes names unique, and N. */
export interface BenchContext extends BenchServerUrls {
  readonly runId: string
  readonly events: number
}

/** Longest wait for the emitter's outbox to drain into Redis. */
export const FLUSH_TIMEOUT_MS = 120_000

/**
 * (a) One producer, fire-and-forget: N emits started at once, timed until all of them are in Redis.
 */
export async function burstEmit(context: BenchContext, namespace: CaseNamespace): Promise<number> {
  const events = agentEvents(namespace.executionId, namespace.conversationId, context.events)
  return withEmitter(context, namespace, async (emitter) => {
    const start = performance.now()
    await Promise.all(events.map((event) => emitter.emitAgentEvent(event)))
    await flushed(emitter)
    const seconds = secondsSince(start)
    expectAllSent(emitter, events.length)
    return seconds
  })
}

/**
 * (b) One producer awaiting every emit before the next: bound by round trips, not by throughput.
 * Returns the seconds and how many emits resolved as `sent` (the rest outlived the ack timeout).
 */
export async function sequentialEmit(
  context: BenchContext,
  namespace: CaseNamespace,
  count: number,
): Promise<{ seconds: number; acknowledged: number }> {
  const events = agentEvents(namespace.executionId, namespace.conversationId, count)
  return withEmitter(context, namespace, async (emitter) => {
    let acknowledged = 0
    const start = performance.now()
    for (const event of events) {
      const result: EmitResult = await emitter.emitAgentEvent(event)
      if (result.status === 'sent') acknowledged += 1
    }
    await flushed(emitter)
    const seconds = secondsSince(start)
    expectAllSent(emitter, events.length)
    return { seconds, acknowledged }
  })
}

/** (c) The floor for (a): N PUBLISHes of same-sized messages in one pipeline. */
export async function pipelinedPublish(context: BenchContext, namespace: CaseNamespace): Promise<number> {
  const messages = publishedMessages(namespace, context.events)
  return withRedis(context.redisUrl, async (redis) => {
    const pipeline = redis.pipeline()
    const start = performance.now()
    for (const message of messages) pipeline.publish(namespace.queueName, message)
    const replies = await pipeline.exec()
    const seconds = secondsSince(start)
    const failed = (replies ?? []).filter(([error]) => error !== null).length
    if (replies?.length !== messages.length || failed > 0)
      throw new Error(`pipelined PUBLISH: ${failed} failed`)
    return seconds
  })
}

/** (c2) The floor for (b): the same PUBLISHes, each awaited before the next. */
export async function sequentialPublish(
  context: BenchContext,
  namespace: CaseNamespace,
  count: number,
): Promise<number> {
  const messages = publishedMessages(namespace, count)
  return withRedis(context.redisUrl, async (redis) => {
    const start = performance.now()
    for (const message of messages) await redis.publish(namespace.queueName, message)
    return secondsSince(start)
  })
}

/** Mean size in bytes of the bench's events, serialized as the emitter publishes them. */
export function meanEventBytes(sample: number): number {
  const messages = publishedMessages(caseNamespace('size', 'x', 0), sample)
  return messages.reduce((total, message) => total + Buffer.byteLength(message), 0) / messages.length
}

function publishedMessages(namespace: CaseNamespace, count: number): string[] {
  return stampEvents(agentEvents(namespace.executionId, namespace.conversationId, count)).map((event) =>
    JSON.stringify(event),
  )
}

/** Runs `use` with a connected emitter of the namespace; connecting and closing are not timed. */
export async function withEmitter<T>(
  context: BenchContext,
  namespace: CaseNamespace,
  use: (emitter: AgentEventEmitter) => Promise<T>,
): Promise<T> {
  const emitter = new AgentEventEmitter({
    redisUrl: context.redisUrl,
    queueName: namespace.queueName,
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

function expectAllSent(emitter: AgentEventEmitter, count: number): void {
  const { sent, rejected, dropped } = emitter.stats
  if (sent !== count || rejected > 0 || dropped > 0)
    throw new Error(`expected ${count} events sent, got ${JSON.stringify(emitter.stats)}`)
}

async function withRedis<T>(redisUrl: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    return await use(redis)
  } finally {
    redis.disconnect()
  }
}
