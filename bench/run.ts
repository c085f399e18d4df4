/**
 * `npm run bench`: the durable-path benchmark. Starts its own redis-server and MongoDB-compatible
 * server unless REDIS_URL / MONGODB_URI are set; BENCH_EVENTS sets N (default 10,000).
 */
import { positiveIntegerSetting, runBounded } from './bench-process.js'

process.env.LOG_LEVEL ??= 'warn'

const DEFAULT_EVENTS = 10_000

const events = positiveIntegerSetting('BENCH_EVENTS', DEFAULT_EVENTS)

await runBounded('bench', 600_000 + events * 60, async () => {
  // Imported only now: modules that log read LOG_LEVEL when they load.
  const { runDurablePathBench } = await import('./suite.js')
  await runDurablePathBench({
    events,
    redisUrl: process.env.REDIS_URL || undefined,
    mongoUrl: process.env.MONGODB_URI || undefined,
  })
})
