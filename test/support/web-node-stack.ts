import { randomUUID } from 'node:crypto'
import { onTestFinished } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { EmitterOptions } from '../../src/emitter/emitter-options.js'
import type { AgentEventInput, AgentEventType, StampedAgentEvent } from '../../src/events/schemas.js'
import { startWebSocketServer, type WebNode, type WebNodeOptions } from '../../src/server/web-node.js'
import { EventStore } from '../../src/store/event-store.js'
import { PersistenceWorker } from '../../workers/persistence-worker.js'
import { connectClient, type Protocol, type TestClient } from './web-node-clients.js'

/** Names that keep one test's Redis keys, queue and database apart from every other test's. */
export interface StackNames {
  readonly redisUrl: string
  readonly mongoUri: string
  readonly keyPrefix: string
  readonly queueName: string
}

export function stackNames(redisUrl: string, mongoUrl: string): StackNames {
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const mongo = new URL(mongoUrl)
  mongo.pathname = `/web_${id}`
  return { redisUrl, mongoUri: mongo.toString(), keyPrefix: `ae-${id}`, queueName: `web-${id}` }
}

/** A web node on a free port for these names, closed when the test ends. */
export async function startTestNode(names: StackNames, options: WebNodeOptions = {}): Promise<WebNode> {
  const node = await startWebSocketServer({
    port: 0,
    host: '127.0.0.1',
    redisUrl: names.redisUrl,
    keyPrefix: names.keyPrefix,
    ...options,
  })
  onTestFinished(() => node.close())
  return node
}

/** A connected client, closed when the test ends. */
export async function startTestClient(protocol: Protocol, node: WebNode): Promise<TestClient> {
  const client = await connectClient(protocol, node.url)
  onTestFinished(() => client.close())
  return client
}

/** An initialized emitter for these names, closed when the test ends. */
export async function startTestEmitter(
  names: StackNames,
  options: Partial<EmitterOptions> = {},
): Promise<AgentEventEmitter> {
  const emitter = new AgentEventEmitter({
    redisUrl: names.redisUrl,
    keyPrefix: names.keyPrefix,
    ...options,
  })
  await emitter.initialize()
  onTestFinished(() => emitter.close())
  return emitter
}

/** An in-process persistence worker writing to the names' database, and that store; both closed at the end. */
export async function startTestWorker(names: StackNames): Promise<EventStore> {
  const store = await EventStore.open(names.mongoUri)
  const config = parseConfig({
    REDIS_URL: names.redisUrl,
    QUEUE_NAME: names.queueName,
    REDIS_KEY_PREFIX: names.keyPrefix,
  })
  const worker = new PersistenceWorker(store, config)
  await worker.start()
  onTestFinished(async () => {
    await worker.close()
    await store.close()
  })
  return store
}

/** Types cycled through by {@link sampleEvent}, so that type filters have something to filter. */
export const SAMPLE_TYPES = ['agent-thinking', 'tool-call', 'tool-result', 'quality-check'] as const

/** The i-th event of a generated stream of an execution (of type `SAMPLE_TYPES[i % 4]`). */
export function sampleEvent(executionId: string, i: number, conversationId?: string): AgentEventInput {
  const common = { executionId, conversationId, agentId: 'writer-1' }
  const type: AgentEventType = SAMPLE_TYPES[i % SAMPLE_TYPES.length] ?? 'agent-thinking'
  switch (type) {
    case 'tool-call':
      return { ...common, type, toolName: 'search', input: { i } }
    case 'tool-result':
      return { ...common, type, toolName: 'search', result: { i }, success: true }
    case 'quality-check':
      return { ...common, type, score: i % 100, passed: true }
    default:
      return { ...common, type: 'agent-thinking', currentStep: `step ${i}` }
  }
}

/** Emits `count` sample events of an execution and waits until Redis has taken them all. */
export async function emitSamples(
  emitter: AgentEventEmitter,
  executionId: string,
  count: number,
  conversationId?: string,
): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      emitter.emitAgentEvent(sampleEvent(executionId, i, conversationId)),
    ),
  )
  const refused = results.filter((result) => result.status === 'rejected' || result.status === 'dropped')
  if (refused.length > 0)
    throw new Error(`${refused.length} events were not accepted: ${JSON.stringify(refused[0])}`)
  if (!(await emitter.flush(15_000))) throw new Error('the emitter did not drain its outbox')
}

/**
 * A producer emitting events of one execution in small batches until stopped: resumes happen while
 * events keep flowing. `emitted` counts the events Redis has taken. `intervalMs` paces the batches
 * (a producer's rate, so that a long outage does not pile up more history than a test needs).
 */
export function startProducer(
  emitter: AgentEventEmitter,
  executionId: string,
  batchSize = 10,
  conversationId?: string,
  intervalMs = 0,
): { readonly emitted: () => number; stop(): Promise<number> } {
  let emitted = 0
  let running = true
  const loop = (async () => {
    while (running) {
      await emitSamples(emitter, executionId, batchSize, conversationId)
      emitted += batchSize
      await new Promise((resolve) =>
        intervalMs > 0 ? setTimeout(resolve, intervalMs) : setImmediate(resolve),
      )
    }
  })()
  return {
    emitted: () => emitted,
    async stop() {
      running = false
      await loop
      return emitted
    },
  }
}

/** The seqs of some events, for assertions that read as a sequence. */
export const seqsOf = (events: readonly StampedAgentEvent[]): number[] => events.map((event) => event.seq)

/** The integers from..to inclusive. */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(to - from + 1, 0) }, (_, i) => from + i)

/** Polls `probe` until it is truthy; rejects after `timeoutMs`. A cadence for a condition, not a sleep. */
export async function until<T>(
  probe: () => Promise<T> | T,
  what: string,
  timeoutMs = 15_000,
): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value as Exclude<T, undefined | null | false | 0 | ''>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
