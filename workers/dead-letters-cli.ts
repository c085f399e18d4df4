import { Redis } from 'ioredis'
import { loadConfig } from '../src/config.js'
import { openPersistenceQueues } from '../src/queue/persistence-queue.js'
import { countDeadLetters, listDeadLetters, redriveDeadLetters } from '../src/queue/dead-letters.js'

const USAGE = `Usage: npm run dead-letters -- <command>
  list [limit]         print dead-lettered jobs (default 100)
  count                print how many there are
  redrive [jobId ...]  move all (or the given) dead letters back to their queue with fresh attempts`

const config = loadConfig()
const [command = 'list', ...rest] = process.argv.slice(2)
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 })
const layout = { keyPrefix: config.redisKeyPrefix, shardCount: config.shardCount }
const queues = openPersistenceQueues(connection, layout, config.queueName)
try {
  if (command === 'list') {
    console.table(await listDeadLetters(queues, Number(rest[0] ?? 100)))
  } else if (command === 'count') {
    console.log(await countDeadLetters(queues))
  } else if (command === 'redrive') {
    console.log(`re-driven: ${await redriveDeadLetters(queues, rest.length > 0 ? rest : undefined)}`)
  } else {
    console.error(USAGE)
    process.exitCode = 2
  }
} finally {
  await Promise.all(queues.map((queue) => queue.close()))
  connection.disconnect()
}
