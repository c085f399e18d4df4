import { onTestFinished } from 'vitest'
import type { NodeProcess } from '../../support/child-process.js'
import { eventually } from '../../support/eventually.js'
import { auditRun, type CaseAudit } from './fault-audit.js'
import {
  FaultStack,
  type FaultStackOptions,
  type ProducerProcess,
  type WebNodeProcess,
} from './fault-stack.js'
import type { ResultsTable } from './results-table.js'

export interface FaultRunOptions extends FaultStackOptions {
  /** Clients attached to the first and to the second web node. @default [4, 4] */
  readonly clientsPerNode?: readonly [number, number]
  /** Start a persistence worker with the stack (else the case starts its own). @default true */
  readonly startWorker?: boolean
  /** That worker takes 2 s job locks (see `FaultStack.startWorker`). @default false */
  readonly quickRedelivery?: boolean
  /** More environment for that worker. */
  readonly workerEnv?: Record<string, string>
}

/** What a case's scenario works with: the stack, its two first web nodes, and a flow probe. */
export interface FaultRun {
  readonly stack: FaultStack
  readonly nodes: readonly [WebNodeProcess, WebNodeProcess]
  readonly producer: ProducerProcess
  /**
   * Resolves once every client is subscribed and has received `count` seqs beyond the last one it
   * had when called: events flow, end to end, to every client.
   */
  flowing(count: number, timeoutMs?: number): Promise<void>
  /** Records what the fault did (jobs in flight at a kill, ...), printed under the table. */
  note(text: string): void
}

/** Generous for a flow of 100 events per second per execution on a busy machine. */
const FLOW_MS = 20_000

/**
 * Runs one fault-injection case: starts its own servers, two web nodes, a worker, the producer and
 * the clients, lets events flow, runs `scenario` (the fault), stops the producer, audits, and adds
 * the case's row to `table` (an error row if the case ended early). Everything is killed and
 * removed when the test ends.
 */
export async function runFaultCase(
  table: ResultsTable,
  name: string,
  options: FaultRunOptions,
  scenario: (run: FaultRun) => Promise<void>,
): Promise<CaseAudit> {
  const startedAt = performance.now()
  const notes: string[] = []
  const seconds = (): number => (performance.now() - startedAt) / 1000
  try {
    const stack = await FaultStack.start(options)
    onTestFinished(() => stack.dispose())
    const [first, second, producer] = await Promise.all([
      stack.startWebNode(),
      stack.startWebNode(),
      stack.startProducer(),
      options.startWorker === false
        ? undefined
        : stack.startWorker({
            quickRedelivery: options.quickRedelivery === true,
            ...(options.workerEnv ? { env: options.workerEnv } : {}),
          }),
    ])
    // Opened before any fault, so that the audit never has to connect to a server that was stopped.
    await stack.store()
    const [onFirst, onSecond] = options.clientsPerNode ?? [4, 4]
    await stack.attachClients(first, onFirst)
    await stack.attachClients(second, onSecond)
    producer.start()
    const run: FaultRun = {
      stack,
      nodes: [first, second],
      producer,
      flowing: flowProbe(stack),
      note: (text) => notes.push(text),
    }
    await scenario(run)
    const report = await producer.stop()
    notes.push(
      `emit results: ${Object.entries(report.statuses)
        .map(([status, count]) => `${count} ${status}`)
        .join(', ')}`,
    )
    const audit = await auditRun(stack, report)
    notes.push(...clientNotes(stack))
    table.add({ name, seconds: seconds(), audit, notes })
    if (audit.violations.length > 0) {
      const processes = [...stack.webNodes.map((node) => node.process), ...stack.workers, producer.process]
      console.log(failureEvidence(name, processes, audit))
    }
    return audit
  } catch (error) {
    table.add({ name, seconds: seconds(), error: firstLine(error), notes })
    throw error
  }
}

function flowProbe(stack: FaultStack): FaultRun['flowing'] {
  return async (count, timeoutMs = FLOW_MS) => {
    const targets = stack.clients.map((client) => ({ client, seq: client.lastSeq() + count }))
    const behind = (): string[] =>
      targets
        .filter(({ client, seq }) => !client.connected || client.lastSeq() < seq)
        .map(
          ({ client, seq }) =>
            `${client.name} at ${client.lastSeq()}/${seq}${client.connected ? '' : ' (disconnected)'}`,
        )
    try {
      await eventually(() => behind().length === 0, { timeoutMs, intervalMs: 25 })
    } catch {
      throw new Error(
        `events stopped flowing: ${behind().slice(0, 5).join(', ')} (${behind().length} clients behind)`,
      )
    }
  }
}

/** Resumes that were refused or announced a missing range: legitimate, but worth seeing. */
function clientNotes(stack: FaultStack): string[] {
  const byCode = new Map<string, number>()
  for (const code of stack.clients.flatMap((client) => client.refusals))
    byCode.set(code, (byCode.get(code) ?? 0) + 1)
  const refusals = [...byCode].map(([code, count]) => `${count} × ${code}`)
  const missing = stack.clients.flatMap((client) =>
    client.missing.map((range) => `${client.name} ${range.from}..${range.to}`),
  )
  return [
    ...(refusals.length > 0 ? [`subscribes refused, then retried: ${refusals.join(', ')}`] : []),
    ...(missing.length > 0 ? [`missing ranges announced on resume: ${missing.join(', ')}`] : []),
  ]
}

/** The violations, and the last lines of every process the case started (LOG_LEVEL=warn). */
function failureEvidence(name: string, processes: readonly NodeProcess[], audit: CaseAudit): string {
  const tails = processes.map((child) => `--- pid ${child.pid}\n${lastLines(child.output())}`)
  return [`${name}: ${audit.violations.length} violations`, ...audit.violations, ...tails].join('\n')
}

/** The last lines of a process's output, each cut short: a log line may carry a whole batch. */
function lastLines(output: string, lines = 20, width = 400): string {
  return output
    .split('\n')
    .slice(-lines)
    .map((line) => (line.length > width ? `${line.slice(0, width)}…` : line))
    .join('\n')
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0] ?? ''
}
