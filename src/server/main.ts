import { loadConfig, type Config } from '../config.js'
import { getLogger } from '../logger.js'
import { whenStopRequested } from '../operations/stop-requests.js'
import { startWebSocketServer, type WebNode } from './web-node.js'

/** The Procfile `web` process: one web node, configured from the environment. */
const log = getLogger('web-main')
/** Past the shutdown grace period, a node that still cannot close exits anyway after this much more. */
const HARD_STOP_MARGIN_MS = 5_000

let config: Config
let node: WebNode
try {
  config = loadConfig()
  node = await startWebSocketServer({ mongoUri: config.mongodbUri })
} catch (error) {
  log.fatal({ err: error }, 'web node failed to start')
  process.exit(1)
}
process.send?.({ type: 'ready', port: node.port })

whenStopRequested((reason) => {
  log.info({ reason }, 'stopping: clients told to reconnect elsewhere, then Redis and the store')
  const hardStop = setTimeout(() => process.exit(1), config.web.shutdownGraceMs + HARD_STOP_MARGIN_MS)
  hardStop.unref()
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
