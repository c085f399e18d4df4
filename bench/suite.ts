import { randomBytes } from 'node:crypto'
import { barePair, burstEmit, meanEventBytes, type BenchContext, type TimedRun } from './emit-cases.js'
import { machineLines } from './machine.js'
import { median, REPETITIONS } from './measure.js'
import { caseNamespace, releaseNamespace, type CaseNamespace } from './namespaces.js'
import { emitToStored, INSERT_BATCH_SIZE, rawInsertMany, type PersistenceRun } from './persistence-cases.js'
import { queuedMemory } from './queued-memory.js'
import { benchServers, type BenchServers } from './servers.js'
import {
  STEADY_RATE,
  STEADY_SECONDS,
  steadyEmitToStored,
  steadyRawInserts,
  type SteadyCost,
} from './steady-cost.js'
import { comparisonTable, type Comparison } from './table.js'
import { EVENT_MIX, EXECUTIONS_PER_CASE } from './workload.js'

/** Interleaved runs of each emit case. */
const EMIT_ROUNDS = 7

export interface BenchOptions {
  /** N: events per case. */
  readonly events: number
  /** Use this Redis instead of starting one. */
  readonly redisUrl?: string
  /** Use this MongoDB-compatible server instead of starting one. */
  readonly mongoUrl?: string
}

/**
 * Measures the durable path (emit → Redis → inbox → BullMQ → worker → MongoDB) against the bare
 * operations it is built from, on the same servers in the same run, and prints the ratios.
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
  const context: BenchContext = { redisUrl: servers.redisUrl, mongoUrl: servers.mongoUrl, events }
  const storePid = servers.storePid()
  const once = async <T>(caseId: string, run: (namespace: CaseNamespace) => Promise<T>): Promise<T[]> => {
    const namespace = caseNamespace(runId, caseId, 1)
    try {
      return [await run(namespace)]
    } finally {
      await releaseNamespace(namespace, servers)
    }
  }
  const repeat = async <T>(caseId: string, run: (namespace: CaseNamespace) => Promise<T>): Promise<T[]> => {
    const runs: T[] = []
    for (let rep = 1; rep <= REPETITIONS; rep += 1) {
      const namespace = caseNamespace(runId, caseId, rep)
      try {
        const started = performance.now()
        runs.push(await run(namespace))
        console.error(
          `bench: (${caseId}) run ${rep}/${REPETITIONS} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        )
      } finally {
        await releaseNamespace(namespace, servers)
      }
    }
    return runs
  }

  // The emit cases are short and sensitive to what else the machine does: interleaved, more runs.
  const emits: TimedRun[] = []
  const bare: TimedRun[] = []
  for (let round = 1; round <= EMIT_ROUNDS; round += 1) {
    emits.push(...(await once(`a${round}`, (namespace) => burstEmit(context, namespace))))
    bare.push(...(await once(`b${round}`, (namespace) => barePair(context, namespace))))
  }
  const oneWorker = await repeat('c', (namespace) => emitToStored(context, namespace, 1, storePid))
  const twoWorkers = await repeat('d', (namespace) => emitToStored(context, namespace, 2, storePid))
  const inserts = await repeat('e', (namespace) => rawInsertMany(context, namespace, storePid))
  const steady = await repeat('f', (namespace) => steadyEmitToStored(context, namespace, storePid))
  const steadyInserts = await repeat('g', (namespace) => steadyRawInserts(context, namespace, storePid))
  const [memory] = await once('h', (namespace) => queuedMemory(context, namespace))

  const rate = (runs: readonly (TimedRun | PersistenceRun)[]): number =>
    median(runs.map((run) => events / run.seconds))
  const cpuPerEvent = (runs: readonly TimedRun[]): number =>
    median(runs.map((run) => run.cpuSeconds / events))
  const steadyCpu = (runs: readonly SteadyCost[]): number =>
    median(
      runs.map(
        (run) => ((run.persisterCpuSeconds ?? Number.NaN) + (run.storeCpuSeconds ?? Number.NaN)) / run.events,
      ),
    )
  const jsonBytes = meanEventBytes(1000)

  const comparisons: Comparison[] = [
    {
      measure: '(a)/(b) emit throughput, events/s',
      ours: rate(emits),
      baseline: rate(bare),
      baselineName: `BullMQ addBulk (batches of 500) + redis-emitter broadcast of the same events`,
      goal: { atLeast: 1.0 },
    },
    {
      measure: '(a)/(b) producer CPU per event, µs',
      ours: cpuPerEvent(emits) * 1e6,
      baseline: cpuPerEvent(bare) * 1e6,
      baselineName: 'the same bare pair',
      goal: { atMost: 1.5 },
    },
    {
      measure: '(c)/(e) emit → stored, one worker, events/s',
      ours: rate(oneWorker),
      baseline: rate(inserts),
      baselineName: `raw insertMany of the same documents, batches of ${INSERT_BATCH_SIZE}`,
      goal: { atLeast: 0.5 },
    },
    {
      measure: '(d)/(c) emit → stored, two workers, events/s',
      ours: rate(twoWorkers),
      baseline: rate(oneWorker),
      baselineName: 'one worker (c)',
      goal: { atLeast: 1.7 },
    },
    {
      measure: `(f)/(g) worker + store CPU per event at ${STEADY_RATE} events/s, µs`,
      ours: steadyCpu(steady) * 1e6,
      baseline: steadyCpu(steadyInserts) * 1e6,
      baselineName: `raw insertOne of the same documents at ${STEADY_RATE}/s (inserter + store CPU)`,
      goal: { atMost: 2.0 },
    },
  ]
  console.log('# agent-events durable-path bench\n')
  for (const line of machineLines()) console.log(line)
  console.log(`- redis: ${servers.redisDescription}`)
  console.log(`- mongo: ${servers.mongoDescription}`)
  console.log(
    `- events: N = ${events} over ${EXECUTIONS_PER_CASE} executions; mix ${EVENT_MIX}; mean ${Math.round(jsonBytes)} bytes as JSON`,
  )
  console.log(
    `- each case run ${REPETITIONS} times (the emit cases ${EMIT_ROUNDS} times, interleaved) in fresh key prefixes, queues and databases; medians\n`,
  )
  console.log(comparisonTable(comparisons))
  console.log(
    `\nStore CPU while persisting N events: ${storeUtilisation(oneWorker, 'one worker')}; ${storeUtilisation(twoWorkers, 'two workers')}; ${storeUtilisation(inserts, 'raw insertMany')}.`,
  )
  console.log(
    `Worker CPU while persisting N events: ${perEventMicros(
      oneWorker.map((run) => run.workerCpuSeconds),
      events,
    )} µs per event with one worker.`,
  )
  if (memory) {
    console.log(
      `\n(h) Redis memory per event waiting for persistence (MEMORY USAGE, ${memory.events} events, ${Math.round(jsonBytes)} bytes of JSON each): ` +
        `${Math.round(memory.inboxBytesPerEvent)} bytes in the inbox (${(memory.inboxBytesPerEvent / jsonBytes).toFixed(2)}× the JSON), ` +
        `${Math.round(memory.queuedBytesPerEvent)} bytes once moved into jobs (${(memory.queuedBytesPerEvent / jsonBytes).toFixed(2)}×); ` +
        `plus ${Math.round(memory.bytesPerExecution)} bytes per execution for its recent buffer, id window and counter, whatever waits.`,
    )
  }
  console.log(
    `\nSteady cases: ${STEADY_RATE} events/s for ${STEADY_SECONDS} s, CPU read from /proc until every event is stored.`,
  )
}

function storeUtilisation(runs: readonly PersistenceRun[], name: string): string {
  const shares = runs.map((run) => (run.storeCpuSeconds ?? Number.NaN) / run.seconds)
  const share = median(shares)
  return Number.isFinite(share) ? `${Math.round(share * 100)}% of a core (${name})` : `not measured (${name})`
}

function perEventMicros(cpuSeconds: readonly (number | undefined)[], events: number): string {
  const value = median(cpuSeconds.map((seconds) => ((seconds ?? Number.NaN) / events) * 1e6))
  return Number.isFinite(value) ? value.toFixed(1) : 'not measured'
}
