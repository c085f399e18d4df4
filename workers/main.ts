import { loadConfig } from '../src/config.js'
import { getLogger } from '../src/logger.js'
import { Readiness } from '../src/operations/readiness.js'
import { whenStopRequested } from '../src/operations/stop-requests.js'
import { ExecutionTraceExporter } from '../src/integrations/otel/execution-trace-exporter.js'
import { EventStore } from '../src/store/event-store.js'
import { startMetricsServer, type MetricsServer } from './metrics-server.js'
import { PersistenceWorker } from './persistence-worker.js'

/** The Procfile `worker` process: one persistence worker, configured from the environment. */
const config = loadConfig()
const log = getLogger('worker-main')
const READINESS_TIMEOUT_MS = 2000

const store = await EventStore.open(config.mongodbUri)
const traces = ExecutionTraceExporter.fromConfig(config, store)
await traces?.start()
const worker = new PersistenceWorker(store, config, traces ? { persisted: traces } : {})
await worker.start()
const readiness = new Readiness(
  { redis: () => worker.ping(), store: () => store.ping() },
  READINESS_TIMEOUT_MS,
)
let metricsServer: MetricsServer | undefined
if (config.workerMetricsPort !== undefined) {
  metricsServer = await startMetricsServer(config.workerMetricsPort, readiness)
}
log.info(
  { queue: config.queueName, concurrency: config.workerConcurrency, metricsPort: metricsServer?.port },
  'persistence worker ready',
)
process.send?.({ type: 'ready', metricsPort: metricsServer?.port })

whenStopRequested((reason) => {
  readiness.markShuttingDown()
  log.info({ reason }, 'stopping: finishing the batch in flight')
  // Jobs still held when the grace period ends are redelivered by BullMQ once their locks expire.
  const hardStop = setTimeout(() => process.exit(1), config.workerShutdownGraceMs).unref()
  void worker
    .close()
    .then(() => traces?.close())
    .then(() => Promise.all([store.close(), metricsServer?.close()]))
    .then(() => {
      clearTimeout(hardStop)
      process.exit(0)
    })
})
