import { startMongoServer, startRedisServer } from './test/support/services.js'
import { EventStore } from './src/store/event-store.js'
import { parseConfig } from './src/config.js'
import { PersistenceWorker } from './workers/persistence-worker.js'
import { AgentEventEmitter } from './src/emitter/agent-event-emitter.js'
import { spreadEvents, executionIdsOf } from './bench/workload.js'
const [mongo, redis] = await Promise.all([startMongoServer(), startRedisServer()])
const store = await EventStore.open(mongo.url + '/probe')
const config = parseConfig({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'pr', LOG_LEVEL: 'warn' })
const orig = store.persistRecorded.bind(store)
const t0 = performance.now()
;(store as any).persistRecorded = async (records: any[], o: any) => { const t = performance.now(); const r = await orig(records, o); console.log(`write ${records.length} at ${(t - t0).toFixed(0)} took ${(performance.now() - t).toFixed(0)}`); return r }
const worker = new PersistenceWorker(store, config)
await worker.start()
const emitter = new AgentEventEmitter({ redisUrl: redis.url, keyPrefix: 'pr' })
await emitter.initialize()
const ids = executionIdsOf('exec')
const events = spreadEvents(ids, 'conv', 2000)
const s = performance.now()
await Promise.all(events.map((e) => emitter.emitAgentEvent(e)))
await emitter.flush()
console.log('emitted in', (performance.now() - s).toFixed(0))
for (;;) {
  const sums = await Promise.all(ids.map((id) => store.getExecution(id)))
  const n = sums.reduce((a, x) => a + (x?.eventCount ?? 0), 0)
  if (n === 2000) break
  await new Promise((r) => setTimeout(r, 50))
}
console.log('stored in', (performance.now() - s).toFixed(0))
await emitter.close(); await worker.close(); await store.close(); await Promise.all([mongo.dispose(), redis.dispose()]); process.exit(0)
