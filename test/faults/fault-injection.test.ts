import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { eventually } from '../support/eventually.js'
import type { CaseAudit } from './support/fault-audit.js'
import type { FaultStack } from './support/fault-stack.js'
import { runFaultCase } from './support/fault-run.js'
import { ResultsTable } from './support/results-table.js'

/**
 * Each case runs real processes on loopback: its own redis-server and MongoDB-compatible server, two
 * web nodes, a persistence worker, a producer emitting 200 sequence-numbered events per second over
 * two executions, and Socket.IO and raw WebSocket clients that reconnect and resume. It injects one
 * fault while events flow, then audits what the producer saw acknowledged against what MongoDB
 * holds and what every client received.
 */
/** A case passes in 7-30 s; a failing one still gets its audit (30 s of settling) before this. */
const CASE_TIMEOUT_MS = 90_000
/** Events every client receives before a fault and after recovery: about 2 s of flow. */
const STEADY = 200
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

/** Resolves once a worker holds at least `jobs` jobs (batches) and has stored more than `after` events. */
function midBatch(stack: FaultStack, after: number, jobs = 2): Promise<{ active: number; stored: number }> {
  return eventually(
    async () => {
      const [active, stored] = await Promise.all([stack.queue().getActiveCount(), stack.stored()])
      if (active >= jobs && stored > after) return { active, stored }
      throw new Error(`${active} jobs active, ${stored} events stored`)
    },
    { timeoutMs: 30_000, intervalMs: 25, what: `a worker with ${jobs} jobs in flight` },
  )
}

function everyClientConnected(stack: FaultStack): Promise<boolean> {
  return eventually(() => stack.clients.every((client) => client.connected), {
    timeoutMs: 20_000,
    what: 'every client resubscribed',
  })
}

describe('fault injection', () => {
  afterAll(() => {
    console.log(`\nfault injection: acknowledged → stored → delivered\n\n${table.markdown()}\n`)
  })

  it(
    'loses nothing when a worker is SIGKILLed mid-batch twice in a row',
    async () => {
      const name = 'worker SIGKILL mid-batch, twice'
      const audit = await runFaultCase(table, name, { startWorker: false }, async (run) => {
        let stored = 0
        for (const ordinal of ['first', 'second']) {
          // No worker meanwhile: a backlog builds up, so that each worker holds large batches when killed
          // (what the killed worker held alone can be written before a probe sees it in flight).
          await run.flowing(STEADY)
          const worker = await run.stack.startWorker({ quickRedelivery: true })
          const inFlight = await midBatch(run.stack, stored)
          expect(await worker.kill('SIGKILL')).toBeNull()
          stored = inFlight.stored
          run.note(
            `${ordinal} worker SIGKILLed with ${inFlight.active} jobs active, ${inFlight.stored} events stored`,
          )
        }
        await run.stack.startWorker({ quickRedelivery: true })
        await run.flowing(STEADY)
      })
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'stores every event any client saw when producers are SIGKILLed mid-burst 12 times, with a worker SIGKILL and a Redis restart in the same run',
    async () => {
      const name = 'producer SIGKILL ×12 mid-burst, worker SIGKILL, Redis restart'
      const kills = 12
      const options = { redisAppendOnly: true, quickRedelivery: true }
      const audit = await runFaultCase(table, name, options, async (run) => {
        await run.flowing(STEADY)
        let stampedByKilled = 0
        // The next producer starts up while the current one bursts, so that kills follow each other closely.
        let next = run.stack.spawnBurstProducer(1_000_000)
        for (let incarnation = 1; incarnation <= kills; incarnation += 1) {
          const producer = await next
          if (incarnation < kills) next = run.stack.spawnBurstProducer((incarnation + 1) * 1_000_000)
          const before = await run.stack.assigned()
          await producer.start()
          await delay(Math.floor(Math.random() * 300))
          expect(await producer.process.kill('SIGKILL')).toBeNull()
          stampedByKilled += (await run.stack.assigned()) - before
          if (incarnation === 4) {
            const [worker] = run.stack.workers.splice(0, 1)
            expect(await worker?.kill('SIGKILL')).toBeNull()
            await run.stack.startWorker({ quickRedelivery: true })
            run.note('worker SIGKILLed after the 4th producer kill, and replaced')
          }
          if (incarnation === 8) {
            await run.stack.redis.stop()
            await run.stack.redis.start()
            run.note('Redis restarted (AOF) after the 8th producer kill')
          }
        }
        run.note(
          `${kills} burst producers SIGKILLed at random instants; about ${stampedByKilled} events stamped meanwhile`,
        )
        await run.flowing(STEADY)
      })
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS * 2,
  )

  it(
    'loses nothing when a web node with 100 clients attached is SIGKILLed',
    async () => {
      const name = 'web node SIGKILL, 100 clients'
      const audit = await runFaultCase(table, name, { clientsPerNode: [100, 4] }, async (run) => {
        const [doomed, survivor] = run.nodes
        await run.flowing(STEADY)
        expect(await run.stack.stopWebNode(doomed, 'SIGKILL')).toBeNull()
        await everyClientConnected(run.stack)
        await run.flowing(STEADY)
        expect(run.stack.clients.filter((client) => client.url !== survivor.url)).toEqual([])
      })
      expectGuarantees(audit)
      expect(audit.resumes).toBe(100)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'loses nothing and dead-letters nothing when MongoDB is down longer than the whole retry budget',
    async () => {
      // One attempt: the budget is a single server selection (10 s), outlasted by the 15 s outage.
      const name = 'MongoDB stopped 15 s, longer than the retry budget (1 attempt)'
      const options = { workerEnv: { PERSIST_ATTEMPTS: '1' } }
      const audit = await runFaultCase(table, name, options, async (run) => {
        await run.flowing(STEADY)
        const before = await run.stack.assigned()
        await run.stack.mongo.stop()
        await delay(15_000)
        await run.stack.mongo.start()
        run.note(`${(await run.stack.assigned()) - before} events emitted while MongoDB was down`)
        await run.flowing(STEADY)
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
        'Redis restarted (AOF on)',
        // A job that Redis moved to active just before it went down, whose reply the worker never
        // got, comes back once its lock expires: with the default 30 s lock, after the audit.
        { redisAppendOnly: true, quickRedelivery: true },
        async (run) => {
          await run.flowing(STEADY)
          const stoppedAt = performance.now()
          await run.stack.redis.stop()
          await run.stack.redis.start()
          run.note(`Redis down for ${Math.round(performance.now() - stoppedAt)} ms`)
          await run.flowing(STEADY)
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
        await run.flowing(STEADY)
        run.stack.redis.pause()
        await delay(5_000)
        run.stack.redis.resume()
        await run.flowing(STEADY)
      })
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )

  it(
    'loses nothing through a SIGTERM rolling restart of every web node and worker, one at a time',
    async () => {
      const audit = await runFaultCase(table, 'rolling restart (SIGTERM)', {}, async (run) => {
        await run.flowing(STEADY)
        for (const node of run.nodes) {
          expect(await run.stack.stopWebNode(node, 'SIGTERM')).toBe(0)
          await run.stack.startWebNode()
          await everyClientConnected(run.stack)
          await run.flowing(STEADY / 2)
        }
        for (const worker of [...run.stack.workers]) {
          expect(await worker.kill('SIGTERM')).toBe(0)
          await run.stack.startWorker()
          await run.flowing(STEADY / 2)
        }
        run.note('each of 2 web nodes and 1 worker stopped with SIGTERM (exit 0), then replaced')
      })
      expectGuarantees(audit)
    },
    CASE_TIMEOUT_MS,
  )
})
