import { getEventEmitter } from '../../../src/index.js'

/**
 * A producer process that the fault-injection suite SIGKILLs at a random instant: once told `start`,
 * it emits bursts of BURST_SIZE agent-thinking events back to back (round robin over EXECUTION_IDS),
 * each carrying a counter `n` that starts at N_OFFSET, so that the counters of successive
 * incarnations keep increasing. It says `bursting` once its first burst is under way, and never
 * stops by itself.
 */
const executionIds = (process.env.EXECUTION_IDS ?? 'exec').split(',')
const burstSize = Number(process.env.BURST_SIZE ?? 200)
let n = Number(process.env.N_OFFSET ?? 0)
let emitted = 0

const emitter = getEventEmitter()
await emitter.initialize()
const started = new Promise<void>((resolve) => process.once('message', () => resolve()))
process.send?.({ type: 'ready' })
await started

for (;;) {
  const burst = Array.from({ length: burstSize }, () => {
    const executionId = executionIds[emitted % executionIds.length] ?? 'exec'
    emitted += 1
    n += 1
    return emitter.emitAgentEvent({
      type: 'agent-thinking',
      executionId,
      agentId: 'burst-producer',
      currentStep: `burst step ${n}`,
      n,
    })
  })
  if (emitted === burstSize) process.send?.({ type: 'bursting' })
  await Promise.all(burst)
}
