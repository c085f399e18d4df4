import { randomBytes } from 'node:crypto'
import {
  burstEmit,
  meanEventBytes,
  pipelinedPublish,
  sequentialEmit,
  sequentialPublish,
} from './emit-cases.js'
import { emitToStored, INSERT_BATCH_SIZE, rawInsertMany, WORKER_CONCURRENCY } from './durable-path.js'
import { machineLines } from './machine.js'
import { measure, REPETITIONS, type Measurement } from './measure.js'
import { caseNamespace, releaseNamespace, type CaseNamespace } from './namespaces.js'
import { benchServers, type BenchServers } from './servers.js'
import { resultsTable, type ResultRow } from './table.js'
import { EVENT_MIX } from './workload.js'

export interface BenchOptions {
  /** N: events per case; the sequential cases use N/5. */
  readonly events: number
  /** Use this Redis instead of starting one. */
  readonly redisUrl?: string
  /** Use this MongoDB-compatible server instead of starting one. */
  readonly mongoUrl?: string
}

/**
 * Measures the durable path (emit → Redis → BullMQ → worker → MongoDB) against raw Redis and raw
 * MongoDB baselines on the same servers, and prints a markdown table of the medians.
 * @example await runDurablePathBench({ events: 10_000 })
 */
export async function runDurablePathBench(options: BenchOptions): Promise<void> {
  const servers = await benchServers({ redisUrl: options.redisUrl, mongoUrl: options.mongoUrl })
  try {
    await runCases(servers, options.events)
  } finally {
    await servers.dispose()
  }
}

async function runCases(servers: BenchServers, events: number): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`
  const context = { redisUrl: servers.redisUrl, mongoUrl: servers.mongoUrl, runId, events }
  const sequentialCount = Math.max(1, Math.round(events / 5))
  const acknowledged: number[] = []

  const measureCase = (caseId: string, count: number, once: (namespace: CaseNamespace) => Promise<number>) =>
    measure(count, async (rep) => {
      const namespace = caseNamespace(runId, caseId, rep)
      try {
        const seconds = await once(namespace)
        console.error(
          `bench: (${caseId}) run ${rep}/${REPETITIONS}: ${count} events in ${seconds.toFixed(3)} s`,
        )
        return seconds
      } finally {
        await releaseNamespace(namespace, servers)
      }
    })

  const burst = await measureCase('a', events, (namespace) => burstEmit(context, namespace))
  const sequential = await measureCase('b', sequentialCount, async (namespace) => {
    const result = await sequentialEmit(context, namespace, sequentialCount)
    acknowledged.push(result.acknowledged)
    return result.seconds
  })
  const pipelined = await measureCase('c', events, (namespace) => pipelinedPublish(context, namespace))
  const awaitedPublish = await measureCase('c2', sequentialCount, (namespace) =>
    sequentialPublish(context, namespace, sequentialCount),
  )
  const stored = await measureCase('d', events, (namespace) => emitToStored(context, namespace))
  const inserted = await measureCase('e', events, (namespace) => rawInsertMany(context, namespace))

  printReport(servers, events, [
    row('a', 'emit burst: Promise.all of N emits, then flush (in Redis)', burst, ['c']),
    row('b', 'emit sequential: await each emit, then flush', sequential, ['c', 'c2']),
    row('c', 'raw ioredis PUBLISH, N pipelined', pipelined, []),
    row('c2', 'raw ioredis PUBLISH, each awaited', awaitedPublish, []),
    row('d', `emit burst to stored, one worker (concurrency ${WORKER_CONCURRENCY})`, stored, ['e']),
    row('e', `raw insertMany, ordered: false, batches of ${INSERT_BATCH_SIZE}`, inserted, []),
  ])
  const sent = acknowledged.reduce((total, count) => total + count, 0)
  const awaited = sequentialCount * REPETITIONS
  const late = awaited === sent ? '' : `; ${awaited - sent} outlived the ack timeout and resolved as 'queued'`
  console.log(`\n(b): ${sent} of ${awaited} awaited emits resolved as 'sent'${late}.`)
}

function row(id: string, description: string, measurement: Measurement, baselines: string[]): ResultRow {
  return { id, description, measurement, baselines }
}

function printReport(servers: BenchServers, events: number, rows: readonly ResultRow[]): void {
  console.log('# agent-events durable-path bench\n')
  for (const line of machineLines()) console.log(line)
  console.log(`- redis: ${servers.redisDescription}`)
  console.log(`- mongo: ${servers.mongoDescription}`)
  console.log(
    `- events: N = ${events}; mix ${EVENT_MIX}; mean ${Math.round(meanEventBytes(100))} bytes as JSON`,
  )
  console.log(
    `- each case run ${REPETITIONS} times in fresh executions, queues, key prefixes and databases\n`,
  )
  console.log(resultsTable(rows))
}
