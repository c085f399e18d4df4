import { playDemo, DEMO_CONVERSATION } from '../src/demo/demo-orchestration.js'
import { getEventEmitter } from '../src/index.js'
import { whenStopRequested } from '../src/operations/stop-requests.js'

/**
 * The local stack's demo producer: realistic orchestrations in a loop until SIGINT / SIGTERM, or
 * until the stack that started it goes away.
 */
const emitter = getEventEmitter()
await emitter.initialize()
const stop = new AbortController()
whenStopRequested(() => stop.abort())
await playDemo(emitter, {
  signal: stop.signal,
  onExecution: (executionId) =>
    console.log(`demo: starting execution ${executionId} in conversation ${DEMO_CONVERSATION}`),
})
await emitter.close()
process.exit(0)
