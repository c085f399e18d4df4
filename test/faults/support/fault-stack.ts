import type { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { openPersistenceQueue, type PersistJobData } from '../../../src/queue/persistence-queue.js'
import { RecentBuffer } from '../../../src/redis/recent-buffer.js'
import { EventStore } from '../../../src/store/event-store.js'
import { startTsProcess, type NodeProcess } from '../../support/child-process.js'
import { processEnv } from '../../support/durable-stack.js'
import { databaseUrl, uniqueName } from '../../support/names.js'
import { startMongoServer, startRedisServer, type ServiceHandle } from '../../support/services.js'
import type { Protocol } from '../../support/web-node-clients.js'
import { NodeDirectory } from './node-directory.js'
import { isProducerReport, isReadyMessage, type ProducerReport } from './producer-protocol.js'
import { ResumingClient } from './resuming-client.js'

/** A burst producer process, connected and waiting for `start()`. */
export interface BurstProducer {
  readonly process: NodeProcess
  start(): Promise<void>
}

export interface FaultStackOptions {
  /** Redis keeps an append-only file, so that a restart loses nothing it acknowledged. @default false */
  readonly redisAppendOnly?: boolean
  /** Executions the producer emits into, round robin. @default 2 */
  readonly executions?: number
  /** The producer's steady rate over all executions. @default 200 */
  readonly eventsPerSecond?: number
}

/** A web node process and the URL clients reach it at. */
export interface WebNodeProcess {
  readonly url: string
  readonly process: NodeProcess
}

/** The producer process of a run. */
export interface ProducerProcess {
  readonly process: NodeProcess
  /** Starts the steady emission. */
  start(): void
  /** Stops emitting; resolves with the report sent after the final flush. */
  stop(): Promise<ProducerReport>
}

/** Startup of a tsx child on a busy 2-core machine, and of its connections. */
const PROCESS_READY_MS = 30_000
/** The producer's final flush is bounded by 30 s; its report follows. */
const REPORT_MS = 40_000

/**
 * One fault-injection run's own world: a redis-server and a MongoDB-compatible server that only this
 * run uses (the run stops, pauses and restarts them), web node and worker processes, a producer
 * process, and resuming clients. `dispose()` kills and removes all of it.
 */
export class FaultStack {
  readonly directory = new NodeDirectory()
  readonly webNodes: WebNodeProcess[] = []
  readonly workers: NodeProcess[] = []
  readonly clients: ResumingClient[] = []
  readonly executionIds: readonly string[]
  readonly queueName = uniqueName('faults')
  readonly keyPrefix = uniqueName('ae')
  readonly mongoUri: string
  readonly #processes: NodeProcess[] = []
  readonly #handles: { close(): Promise<unknown> }[] = []
  #store: EventStore | undefined
  #redisClient: Redis | undefined
  #queue: Queue<PersistJobData> | undefined

  private constructor(
    readonly redis: ServiceHandle,
    readonly mongo: ServiceHandle,
    private readonly options: FaultStackOptions,
  ) {
    this.mongoUri = databaseUrl(mongo.url, 'faults')
    const run = uniqueName('exec')
    this.executionIds = Array.from({ length: options.executions ?? 2 }, (_, i) => `${run}-${i + 1}`)
  }

  /** Starts the run's own servers. */
  static async start(options: FaultStackOptions = {}): Promise<FaultStack> {
    const [redis, mongo] = await Promise.allSettled([
      startRedisServer({ appendOnly: options.redisAppendOnly === true }),
      startMongoServer(),
    ])
    if (redis.status === 'rejected' || mongo.status === 'rejected') {
      await Promise.all([redis, mongo].map((r) => (r.status === 'fulfilled' ? r.value.dispose() : undefined)))
      throw redis.status === 'rejected' ? redis.reason : (mongo as PromiseRejectedResult).reason
    }
    return new FaultStack(redis.value, mongo.value, options)
  }

  /** The environment every process of the run shares. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const names = {
      redisUrl: this.redis.url,
      mongoUri: this.mongoUri,
      queueName: this.queueName,
      keyPrefix: this.keyPrefix,
    }
    return processEnv(names, extra)
  }

  /** Starts a web node process on a free loopback port and lists it once it is ready. */
  async startWebNode(): Promise<WebNodeProcess> {
    const child = this.#spawn('src/server/main.ts', this.env({ WS_PORT: '0', HOST: '127.0.0.1' }))
    const { port } = await child.waitForMessage(isWebNodeReady, PROCESS_READY_MS)
    const node = { url: `http://127.0.0.1:${port}`, process: child }
    this.webNodes.push(node)
    this.directory.add(node.url)
    return node
  }

  /**
   * Starts a persistence worker with the production defaults (30 s job lock, 10 s summary lease and
   * inbox claim), or, with `quickRedelivery`, 2 s for each and a stalled check every second, so that
   * what a killed worker held comes back within seconds.
   */
  async startWorker(
    options: { quickRedelivery?: boolean; env?: Record<string, string> } = {},
  ): Promise<NodeProcess> {
    const redelivery = {
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_SUMMARY_LEASE_MS: '2000',
      PUMP_CLAIM_IDLE_MS: '2000',
    }
    const child = this.#spawn(
      'workers/main.ts',
      this.env({ ...(options.quickRedelivery ? redelivery : {}), ...options.env }),
    )
    await child.waitForMessage(isReadyMessage, PROCESS_READY_MS)
    this.workers.push(child)
    return child
  }

  /**
   * Starts the producer, connected and waiting for `start`. PERSIST_ATTEMPTS 8 with a 500 ms backoff
   * doubling per attempt (the defaults, set here so that the budget is explicit) keeps retrying for
   * over a minute of backoff alone, each attempt itself waiting up to 10 s for MongoDB: no fault of
   * this suite lasts long enough to dead-letter an event, so a dead letter is a failure.
   */
  async startProducer(): Promise<ProducerProcess> {
    const child = this.#spawn(
      'test/faults/support/sequenced-producer.ts',
      this.env({
        EXECUTION_IDS: this.executionIds.join(','),
        EVENTS_PER_SECOND: String(this.options.eventsPerSecond ?? 200),
      }),
    )
    await child.waitForMessage(isReadyMessage, PROCESS_READY_MS)
    return {
      process: child,
      start: () => child.send({ type: 'start' }),
      async stop() {
        child.send({ type: 'stop' })
        return child.waitForMessage(isProducerReport, REPORT_MS)
      },
    }
  }

  /**
   * Spawns a producer that, once started, emits bursts back to back until it is killed
   * (`burst-producer.ts`), its counters from `counterOffset`; resolves once it is connected. Its
   * `start()` resolves once its first burst is under way.
   */
  async spawnBurstProducer(counterOffset: number): Promise<BurstProducer> {
    const child = this.#spawn(
      'test/faults/support/burst-producer.ts',
      this.env({ EXECUTION_IDS: this.executionIds.join(','), N_OFFSET: String(counterOffset) }),
    )
    await child.waitForMessage(isReadyMessage, PROCESS_READY_MS)
    return {
      process: child,
      async start() {
        child.send({ type: 'start' })
        await child.waitForMessage(isBurstingMessage, PROCESS_READY_MS)
      },
    }
  }

  /** Removes the node from the directory, then signals it; resolves with its exit code. */
  async stopWebNode(node: WebNodeProcess, signal: NodeJS.Signals): Promise<number | null> {
    this.directory.remove(node.url)
    return node.process.kill(signal)
  }

  /**
   * Connects `count` clients to `node`, alternating Socket.IO and raw WebSocket and spreading them
   * over the executions, each subscribed from the start of its execution.
   */
  async attachClients(node: WebNodeProcess, count: number): Promise<ResumingClient[]> {
    const first = this.clients.length
    const clients = Array.from({ length: count }, (_, i) => {
      const index = first + i
      const protocol: Protocol = index % 2 === 0 ? 'socket.io' : 'raw'
      const executionId = this.executionIds[Math.floor(index / 2) % this.executionIds.length] ?? ''
      return new ResumingClient(`client-${index + 1} (${protocol})`, protocol, executionId, this.directory)
    })
    this.clients.push(...clients)
    await Promise.all(clients.map((client) => client.start(node.url)))
    return clients
  }

  /** The run's MongoDB database, for the audit. */
  async store(): Promise<EventStore> {
    if (this.#store === undefined) {
      this.#store = await EventStore.open(this.mongoUri)
      this.#handles.push(this.#store)
    }
    return this.#store
  }

  /** The last seq Redis assigned in an execution. */
  lastSeq(executionId: string): Promise<number> {
    return new RecentBuffer(this.#redis(), { keyPrefix: this.keyPrefix, shardCount: 1 }).lastSeq(executionId)
  }

  /** Seqs assigned so far over all the run's executions: the events Redis has taken. */
  async assigned(): Promise<number> {
    const seqs = await Promise.all(this.executionIds.map((executionId) => this.lastSeq(executionId)))
    return seqs.reduce((sum, seq) => sum + seq, 0)
  }

  /** Events stored so far over all the run's executions. */
  async stored(): Promise<number> {
    const store = await this.store()
    const counts = await Promise.all(this.executionIds.map((id) => store.countExecutionEvents(id)))
    return counts.reduce((sum, count) => sum + count, 0)
  }

  /** The persistence queue (one shard), to count active jobs and dead letters. */
  queue(): Queue<PersistJobData> {
    if (this.#queue === undefined) {
      const layout = { keyPrefix: this.keyPrefix, shardCount: 1 }
      const queue = openPersistenceQueue(this.#redis(), layout, this.queueName, 0)
      this.#queue = queue
      this.#handles.unshift({ close: () => queue.close() })
    }
    return this.#queue
  }

  /** Closes the clients, kills every process, then removes both servers. */
  async dispose(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()))
    await Promise.all(this.#processes.map((child) => child.kill('SIGKILL')))
    for (const handle of this.#handles) await handle.close().catch(() => undefined)
    this.#redisClient?.disconnect()
    await Promise.all([this.redis.dispose(), this.mongo.dispose()])
  }

  #spawn(entry: string, env: Record<string, string>): NodeProcess {
    const child = startTsProcess(entry, { env })
    this.#processes.push(child)
    return child
  }

  #redis(): Redis {
    this.#redisClient ??= new Redis(this.redis.url, { maxRetriesPerRequest: null })
    return this.#redisClient
  }
}

const isBurstingMessage = (message: unknown): message is { type: 'bursting' } =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'bursting'

const isWebNodeReady = (message: unknown): message is { type: 'ready'; port: number } =>
  isReadyMessage(message) && typeof (message as { port?: unknown }).port === 'number'
