import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/eventually.js'
import type { CaseAudit } from './support/fault-audit.js'
import type { FaultStack } from './support/fault-stack.js'
import { runFaultCase } from './support/fault-run.js'
import { ResultsTable } from './support/results-table.js'

/**
 * Each case runs real processes on loopback (its own redis-server and MongoDB-compatible server, two
 * web nodes, a persistence worker, a producer emitting 200 sequence-numbered events per second over
 * two executions, Socket.IO and raw WebSocket clients that reconnect and resume), injects one
 * fault, and audits what was acknowledged against what MongoDB holds and what every client received.
 */
const CASE_TIMEOUT_MS = 120_000
const table = new ResultsTable()

function expectGuarantees(audit: CaseAudit): void {
  expect(audit.violations).toEqual([])
  expect(audit.acknowledged).toBeGreaterThan(0)
  expect(audit.lost).toBe(0)
  expect(audit.duplicates).toBe(0)
  expect(audit.deadLetters).toBe(0)
  expect(audit.clientGaps).toBe(0)
  expect(audit.clientDuplicates).toBe(0)
}

/** Resolves once the worker holds at least `jobs` locked jobs and has stored more than `stored` events. */
async function midBatch(stack: FaultStack, stored: number, jobs = 50): Promise<number> {
  const store = await stack.store()
  const count = (): Promise<number> =>
    Promise.all(stack.executionIds.map((id) => store.countExecutionEvents(id))).then((counts) =>
      counts.reduce((sum, value) => sum + value, 0),
    )
  return eventually(
    async () => {
      const [active, now] = await Promise.all([stack.queue().getActiveCount(), count()])
      return active >= jobs && now > stored ? now : undefined
    },
    { timeoutMs: 30_000, intervalMs: 25, what: `a worker with ${jobs} jobs in flight` },
  )
}

const everyClientConnected = (stack: FaultStack): Promise<boolean> =>
  eventually(() => stack.clients.every((client) => client.connected), {
    timeoutMs: 20_000,
    what: 'every client resubscribed',
  })

describe('fault injection', () => {
  afterAll(() => {
    console.log(
      `\nfault injection: zero acknowledged events lost, zero stored twice, every client gapless\n\n${table.markdown()}\n`,
    )
  })

  it(
    'loses nothing when a worker is SIGKILLed mid-batch twice in a row',
    async () => {
      const audit = await runFaultCase(
        table,
        'worker SIGKILL mid-batch, twice',
        { startWorker: false },
        async (run) => {
          // No worker yet: a backlog builds up, so that each worker takes large batches.
          await run.flowing(300)
          let stored = 0
          for (let round = 0; round < 2; round += 1) {
            const worker = await run.stack.startWorker()
            stored = await midBatch(run.stack, stored)
            expect(await worker.kill('SIGKILL')).toBeNull()
          }
          await run.stack.startWorker()
          await run.flowing(100)
        },
      )
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'loses nothing when a web node with 100 clients attached is SIGKILLed',
    async () => {
      const audit = await runFaultCase(
        table,
        'web node SIGKILL, 100 clients',
        { clientsPerNode: [100, 4] },
        async (run) => {
          const [doomed, survivor] = run.nodes
          await run.flowing(100)
          expect(await run.stack.stopWebNode(doomed, 'SIGKILL')).toBeNull()
          await everyClientConnected(run.stack)
          await run.flowing(100)
          expect(run.stack.clients.every((client) => client.url === survivor.url)).toBe(true)
        },
      )
      expectGuarantees(audit)
      expect(audit.resumes).toBe(100)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'loses nothing when MongoDB is stopped for 15 s',
    async () => {
      const audit = await runFaultCase(table, 'MongoDB stopped 15 s', {}, async (run) => {
        await run.flowing(100)
        await run.stack.mongo.stop()
        await delay(15_000)
        await run.stack.mongo.start()
        await run.flowing(100)
      })
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'loses nothing when Redis (AOF on) is restarted mid-stream',
    async () => {
      const audit = await runFaultCase(
        table,
        'Redis restarted (AOF)',
        { redisAppendOnly: true },
        async (run) => {
          await run.flowing(100)
          await run.stack.redis.stop()
          await run.stack.redis.start()
          await run.flowing(100)
        },
      )
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'loses nothing when Redis is paused with SIGSTOP for 5 s',
    async () => {
      const audit = await runFaultCase(table, 'Redis SIGSTOP 5 s', { redisAppendOnly: true }, async (run) => {
        await run.flowing(100)
        run.stack.redis.pause()
        await delay(5_000)
        run.stack.redis.resume()
        await run.flowing(100)
      })
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'loses nothing through a SIGTERM rolling restart of every web node and worker, one at a time',
    async () => {
      const audit = await runFaultCase(table, 'rolling restart (SIGTERM)', {}, async (run) => {
        await run.flowing(100)
        for (const node of run.nodes) {
          expect(await run.stack.stopWebNode(node, 'SIGTERM')).toBe(0)
          await run.stack.startWebNode()
          await everyClientConnected(run.stack)
          await run.flowing(50)
        }
        for (const worker of [...run.stack.workers]) {
          expect(await worker.kill('SIGTERM')).toBe(0)
          await run.stack.startWorker()
          await run.flowing(50)
        }
      })
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )
})
