import { loadConfig } from '../config.js'
import { getLogger } from '../logger.js'
import { loadWebConfig } from './web-config.js'
import { startWebSocketServer, type WebNode } from './web-node.js'

/** The Procfile `web` process: one web node, configured from the environment. */
const log = getLogger('web-main')
/** Past this, a node that cannot close cleanly exits anyway so that the platform can replace it. */
const HARD_STOP_MS = 15_000

let node: WebNode
try {
  const config = loadConfig()
  node = await startWebSocketServer({
    ...loadWebConfig(),
    redisUrl: config.redisUrl,
    mongoUri: config.mongodbUri,
    keyPrefix: config.redisKeyPrefix,
  })
} catch (error) {
  log.fatal({ err: error }, 'web node failed to start')
  process.exit(1)
}
process.send?.({ type: 'ready', port: node.port })

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping: closing clients, then Redis and the store')
    const hardStop = setTimeout(() => process.exit(1), HARD_STOP_MS).unref()
    node.close().then(
      () => {
        clearTimeout(hardStop)
        process.exit(0)
      },
      (error: unknown) => {
        log.error({ err: error }, 'close failed')
        process.exit(1)
      },
    )
  })
}
