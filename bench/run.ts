/**
 * `npm run bench`: the durable-path benchmark. Starts its own redis-server and MongoDB-compatible
 * server unless REDIS_URL / MONGODB_URI are set; BENCH_EVENTS sets N (default 10,000).
 */
process.env.LOG_LEVEL ??= 'warn'

const DEFAULT_EVENTS = 10_000
/** After the results, how long open handles may keep the process alive before it exits anyway. */
const EXIT_GRACE_MS = 10_000

const events = parseEvents(process.env.BENCH_EVENTS)
const timeoutMs = 120_000 + events * 30
const hardStop = setTimeout(() => {
  console.error(`bench: not finished after ${timeoutMs / 1000} s; stopping`)
  // Exit handlers of test/support kill the servers and the worker this run started.
  process.exit(1)
}, timeoutMs)

try {
  // Imported only now: modules that log read LOG_LEVEL when they load.
  const { runDurablePathBench } = await import('./suite.js')
  await runDurablePathBench({
    events,
    redisUrl: process.env.REDIS_URL || undefined,
    mongoUrl: process.env.MONGODB_URI || undefined,
  })
} catch (error) {
  console.error('bench failed:', error)
  process.exitCode = 1
} finally {
  clearTimeout(hardStop)
}

setTimeout(() => {
  console.error(`bench: handles still open ${EXIT_GRACE_MS / 1000} s after the end; exiting`)
  process.exit()
}, EXIT_GRACE_MS).unref()

function parseEvents(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_EVENTS
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 1) {
    console.error(`BENCH_EVENTS must be a positive integer, got ${JSON.stringify(value)}`)
    process.exit(2)
  }
  return parsed
}
