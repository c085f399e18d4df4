import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq'
import { Redis } from 'ioredis'
import { Counter } from 'prom-client'
import type { Config } from '../../config.js'
import type { StampedAgentEvent } from '../../events/schemas.js'
import { getLogger } from '../../logger.js'
import { lazily, metricsRegistry } from '../../metrics/registry.js'
import type { EventStore } from '../../store/event-store.js'
import { buildExecutionTrace } from './execution-trace.js'
import { encodeTraceRequest } from './otlp-json.js'
import { sendTraceRequest, type OtlpTarget } from './otlp-http-sender.js'
import { traceIdOf } from './trace-ids.js'

export interface ExecutionTraceExporterOptions {
  readonly redisUrl: string
  /** The deployment's key prefix (`REDIS_KEY_PREFIX`): the export queue's keys are under it. */
  readonly keyPrefix: string
  /** The persistence queue's name; the export jobs use {@link traceQueueNameOf} of it. */
  readonly queueName: string
  /** Where the execution's events are read from. */
  readonly store: EventStore
  readonly target: OtlpTarget
  /** `service.name` of the exported resource. */
  readonly serviceName: string
  /** Export attempts before an execution's export is given up (its job stays in the failed set). */
  readonly attempts: number
  /** First retry delay, doubled on every attempt. */
  readonly backoffMs: number
}

/** How long a finished export job is kept: while it is, the same execution is not exported again. */
export const EXPORT_MARKER_SECONDS = 7 * 24 * 3600
/** Spans per OTLP request. */
export const SPANS_PER_REQUEST = 1000
const EVENTS_PER_READ = 10_000
const EXPORT_JOB = 'export-trace'

/**
 * The BullMQ queue of the trace exports, beside the persistence queue it follows.
 * @example traceQueueNameOf('agent-events') // 'agent-events-traces'
 */
export const traceQueueNameOf = (queueName: string): string => `${queueName}-traces`

/**
 * The job id of an execution's export: one job per execution, so a second add is a no-op while the
 * first is kept. BullMQ forbids ':' in ids, which an execution id may hold: the trace id is hex.
 * @example traceJobIdOf('exec-123') // 'trace_' + 32 hex digits
 */
export const traceJobIdOf = (executionId: string): string => `trace_${traceIdOf(executionId)}`

interface TraceExportJob {
  readonly executionId: string
  /** The seq of the `orchestration-complete`: the store must hold every event up to it. */
  readonly completeSeq: number
}

const log = getLogger('trace-exporter')
const exportMetrics = lazily(() => ({
  exports: new Counter({
    name: 'agent_events_trace_exports_total',
    help: 'Execution trace exports, by outcome: exported, retried, failed',
    labelNames: ['outcome'] as const,
    registers: [metricsRegistry],
  }),
}))

/**
 * Exports each finished execution as one OpenTelemetry trace (see {@link buildExecutionTrace}) over
 * OTLP/HTTP. When a persistence batch has stored an `orchestration-complete`, {@link onPersisted} adds
 * a BullMQ job for its execution, whose id derives from the execution (a durable "to export" mark that
 * survives a crash: at least once). The job reads all the execution's events from the store, waits with
 * backoff until the store holds every event up to the `orchestration-complete` (the last attempt
 * exports what there is), builds the trace and sends it, retrying with exponential backoff. The
 * finished job is kept for {@link EXPORT_MARKER_SECONDS}: a redelivered `orchestration-complete` adds
 * nothing (normally once). Ids derive from the execution and its events, so a repeated export sends the
 * same spans.
 *
 * @example
 * const traces = ExecutionTraceExporter.fromConfig(config, store) // undefined without an OTLP endpoint
 * await traces?.start()
 * const worker = new PersistenceWorker(store, config, traces)
 */
export class ExecutionTraceExporter {
  private readonly connection: Redis
  private readonly queue: Queue<TraceExportJob>
  private readonly worker: Worker<TraceExportJob>
  private closing: Promise<void> | undefined

  constructor(private readonly options: ExecutionTraceExporterOptions) {
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null })
    this.connection.on('error', (error) => log.warn({ err: error }, 'redis error'))
    const name = traceQueueNameOf(options.queueName)
    this.queue = new Queue<TraceExportJob>(name, { connection: this.connection, prefix: options.keyPrefix })
    this.queue.on('error', (error) => log.warn({ err: error }, 'trace queue error'))
    this.worker = new Worker<TraceExportJob>(name, (job) => this.export(job), {
      connection: this.connection,
      prefix: options.keyPrefix,
      concurrency: 2,
      autorun: false,
    })
    this.worker.on('error', (error) => log.warn({ err: error }, 'trace worker error'))
    this.worker.on('failed', (job, error) => {
      const final =
        !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError
      exportMetrics().exports.inc({ outcome: final ? 'failed' : 'retried' })
      const fields = { executionId: job?.data.executionId, attempt: job?.attemptsMade, reason: error.message }
      if (final) log.error(fields, 'trace export failed for good')
      else log.debug(fields, 'trace export failed; will retry')
    })
  }

  /** The exporter the configuration asks for, or undefined when no OTLP endpoint is configured. */
  static fromConfig(config: Config, store: EventStore): ExecutionTraceExporter | undefined {
    const { otel } = config
    if (otel.tracesEndpoint === undefined) return undefined
    return new ExecutionTraceExporter({
      redisUrl: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      queueName: config.queueName,
      store,
      target: { url: otel.tracesEndpoint, headers: otel.headers, timeoutMs: otel.timeoutMs },
      serviceName: otel.serviceName,
      attempts: otel.exportAttempts,
      backoffMs: otel.exportBackoffMs,
    })
  }

  /** Starts exporting; resolves once connected. */
  async start(): Promise<void> {
    void this.worker.run().catch((error: unknown) => log.error({ err: error }, 'trace worker stopped'))
    await this.worker.waitUntilReady()
  }

  /**
   * Marks for export every execution whose `orchestration-complete` is among the events. Resolves
   * once the marks are in Redis; never rejects (tracing must not fail persistence): a failure is logged.
   */
  async onPersisted(events: readonly StampedAgentEvent[]): Promise<void> {
    const completions = events.filter((event) => event.type === 'orchestration-complete')
    await Promise.all(
      completions.map(async ({ executionId, seq }) => {
        try {
          await this.queue.add(EXPORT_JOB, { executionId, completeSeq: seq }, this.jobOptions(executionId))
        } catch (error) {
          log.warn({ err: error, executionId }, 'trace export could not be scheduled')
        }
      }),
    )
  }

  /** Finishes the exports in flight, then disconnects. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.worker.close()
      await this.queue.close()
      await this.connection.quit().catch(() => this.connection.disconnect())
    })()
    return this.closing
  }

  private jobOptions(executionId: string): JobsOptions {
    return {
      jobId: traceJobIdOf(executionId),
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: { age: EXPORT_MARKER_SECONDS },
      removeOnFail: { age: EXPORT_MARKER_SECONDS },
    }
  }

  private async export(job: Job<TraceExportJob>): Promise<{ spans: number }> {
    const { executionId, completeSeq } = job.data
    const events = await this.readAll(executionId)
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
    if (!lastAttempt && !holdsEverySeqUpTo(events, completeSeq))
      throw new Error(`the store does not hold every event up to seq ${completeSeq} yet`)
    if (events.length === 0) throw new UnrecoverableError('no event of the execution is stored')
    const trace = buildExecutionTrace(events)
    for (let start = 0; start < trace.spans.length; start += SPANS_PER_REQUEST) {
      const spans = trace.spans.slice(start, start + SPANS_PER_REQUEST)
      const outcome = await sendTraceRequest(
        this.options.target,
        encodeTraceRequest(spans, this.options.serviceName),
      )
      if (!outcome.ok)
        throw outcome.retryable ? new Error(outcome.reason) : new UnrecoverableError(outcome.reason)
      if (outcome.rejectedSpans > 0)
        log.warn({ executionId, rejectedSpans: outcome.rejectedSpans }, 'the OTLP endpoint rejected spans')
    }
    exportMetrics().exports.inc({ outcome: 'exported' })
    log.info({ executionId, traceId: trace.traceId, spans: trace.spans.length }, 'execution trace exported')
    return { spans: trace.spans.length }
  }

  private async readAll(executionId: string): Promise<StampedAgentEvent[]> {
    const events: StampedAgentEvent[] = []
    for (;;) {
      const page = await this.options.store.getExecutionEvents(executionId, {
        afterSeq: events.at(-1)?.seq ?? 0,
        limit: EVENTS_PER_READ,
      })
      events.push(...page)
      if (page.length < EVENTS_PER_READ) return events
    }
  }
}

function holdsEverySeqUpTo(events: readonly StampedAgentEvent[], seq: number): boolean {
  return events.length >= seq && events[seq - 1]?.seq === seq
}
