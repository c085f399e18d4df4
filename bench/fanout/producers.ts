import { Redis } from 'ioredis'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { conversationRoom, executionRoom } from '../../src/redis/keys.js'
import { SOCKET_IO_EVENTS } from '../../src/server/protocol.js'
import { flushed } from '../emit-cases.js'
import { stampEvents } from '../workload.js'
import { bareAdapterChannel, bareBroadcastMessage } from './bare-broadcast.js'
import { wallClockMs } from './latency-recorder.js'
import type { PlannedEvent, TimedEvent } from './timed-events.js'

/** The producer of one stack: hands events over to Redis at the pace the bench sets. */
export interface FanoutProducer {
  /** Takes the events of the next phase, and prepares them, before the clock starts. */
  load(plan: readonly PlannedEvent[]): void
  /** Hands event `index` of the plan over now, `sentAt` set to the current wall-clock time; does not wait. */
  send(index: number): void
  /**
   * Resolves once every event handed over since the last settle is in Redis, with how many of them
   * each execution got (seq 1 to that count, every execution being fresh); throws if any was lost.
   */
  settle(): Promise<Record<string, number>>
  close(): Promise<void>
}

/** Where our emitter writes: the names our web nodes are started with. */
export interface AgentEventsProducerSettings {
  readonly redisUrl: string
  readonly keyPrefix: string
  /** Events the emitter may hold while Redis is behind; at least the events of the largest phase. */
  readonly outboxLimit: number
}

/**
 * The product's producer: one `AgentEventEmitter` (validation, seq stamped, published and recorded for
 * persistence by the emit-step script), emits not awaited one by one, as an agent runner under load would emit.
 * @example
 * const producer = await agentEventsProducer(settings)
 * producer.load(phaseEvents(['exec-1'], 100))
 * for (let i = 0; i < 100; i++) producer.send(i)
 * const perExecution = await producer.settle() // { 'exec-1': 100 }
 */
export async function agentEventsProducer(settings: AgentEventsProducerSettings): Promise<FanoutProducer> {
  const emitter = new AgentEventEmitter(settings)
  await emitter.initialize()
  let counts = new Counts()
  let emits: Promise<unknown>[] = []
  let plan: readonly PlannedEvent[] = []
  return {
    load(events) {
      plan = events
    },
    send(index) {
      const planned = planOf(plan, index)
      const event: TimedEvent = { ...planned.payload, sentAt: wallClockMs() }
      emits.push(emitter.emitAgentEvent(event))
      counts.add(planned.executionId)
    },
    async settle() {
      await Promise.all(emits)
      await flushed(emitter)
      const { accepted, sent, rejected, dropped } = emitter.stats
      if (rejected > 0 || dropped > 0 || sent !== accepted)
        throw new Error(`the emitter lost events: ${JSON.stringify(emitter.stats)}`)
      const settled = counts.byExecution()
      emits = []
      counts = new Counts()
      return settled
    },
    close: () => emitter.close(),
  }
}

/**
 * The baseline's producer: the same payloads, stamped with an id and a timestamp when loaded, given
 * their seq and `sentAt` at send time and PUBLISHed as the stock adapter's broadcast message to the
 * execution's and the conversation's rooms (the rooms our emitter publishes to). Both bare nodes
 * receive it through Redis as our nodes receive the emitter's message: no node delivers locally,
 * which `io.to(room).emit()` inside one of them would do for half of the clients.
 * @example const producer = await bareBroadcastProducer('redis://127.0.0.1:6379') // then as agentEventsProducer
 */
export async function bareBroadcastProducer(redisUrl: string): Promise<FanoutProducer> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  let counts = new Counts()
  let publishes: Promise<number>[] = []
  let plan: readonly PlannedEvent[] = []
  let stamped: readonly StampedAgentEvent[] = []
  return {
    load(events) {
      plan = events
      stamped = stampEvents(events.map((planned) => planned.payload))
    },
    send(index) {
      const planned = planOf(plan, index)
      const seq = counts.add(planned.executionId)
      const event = { ...stamped[index], seq, sentAt: wallClockMs() }
      const rooms = [executionRoom(planned.executionId)]
      if (planned.payload.conversationId !== undefined)
        rooms.push(conversationRoom(planned.payload.conversationId))
      publishes.push(
        redis.publish(bareAdapterChannel(rooms), bareBroadcastMessage(SOCKET_IO_EVENTS.event, event, rooms)),
      )
    },
    async settle() {
      await Promise.all(publishes)
      const settled = counts.byExecution()
      publishes = []
      counts = new Counts()
      return settled
    },
    async close() {
      await redis.quit()
    },
  }
}

function planOf(plan: readonly PlannedEvent[], index: number): PlannedEvent {
  const planned = plan[index]
  if (planned === undefined) throw new Error(`event ${index} is not in the plan of ${plan.length}`)
  return planned
}

/** Events handed over per execution. */
class Counts {
  private readonly counts = new Map<string, number>()

  /** Counts one more event of the execution and returns its number there (1, 2, ...). */
  add(executionId: string): number {
    const count = (this.counts.get(executionId) ?? 0) + 1
    this.counts.set(executionId, count)
    return count
  }

  byExecution(): Record<string, number> {
    return Object.fromEntries(this.counts)
  }
}
