import { loadConfig } from '../src/config.js'
import { getLogger } from '../src/logger.js'
import { EventStore } from '../src/store/event-store.js'
import { PersistenceWorker } from './persistence-worker.js'

/** The Procfile `worker` process: one persistence worker, configured from the environment. */
const config = loadConfig()
const log = getLogger('worker-main')
const store = await EventStore.open(config.mongodbUri)
const worker = new PersistenceWorker(store, config)
await worker.start()
log.info({ queue: config.queueName, concurrency: config.workerConcurrency }, 'persistence worker ready')
process.send?.({ type: 'ready' })

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping: finishing the batch in flight')
    const hardStop = setTimeout(() => process.exit(1), 30_000).unref()
    void worker
      .close()
      .then(() => store.close())
      .then(() => {
        clearTimeout(hardStop)
        process.exit(0)
      })
  })
}
