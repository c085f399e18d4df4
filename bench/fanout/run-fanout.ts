/**
 * `npm run bench:fanout`: live fan-out of agent-events web nodes against bare Socket.IO nodes with the
 * stock Redis adapter, and the flood case. Starts its own redis-server and MongoDB-compatible server
 * unless REDIS_URL / MONGODB_URI are set. Settings: BENCH_CLIENTS, BENCH_EXECUTIONS, BENCH_SECONDS,
 * BENCH_RATES, BENCH_DRAIN_SECONDS, BENCH_FLOOD_CLIENTS, BENCH_FLOOD_EMIT_RATE, BENCH_FLOOD_RATE,
 * BENCH_FLOOD_KIND (see fanout-settings.ts); e.g. BENCH_CLIENTS=100 BENCH_SECONDS=2 for a quick check.
 */
import { runBounded } from '../bench-process.js'
import { fanoutSettingsFromEnv, hardTimeoutMs } from './fanout-settings.js'

// Inherited by the web nodes and the other child processes too.
process.env.LOG_LEVEL ??= 'warn'

const settings = fanoutSettingsFromEnv()

await runBounded('bench:fanout', hardTimeoutMs(settings), async () => {
  // Imported only now: modules that log read LOG_LEVEL when they load.
  const { runFanoutBench } = await import('./fanout-suite.js')
  await runFanoutBench(settings)
})
