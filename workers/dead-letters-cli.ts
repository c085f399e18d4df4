import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { loadConfig } from '../src/config.js'
import type { PersistJobData } from '../src/queue/persistence-queue.js'
import { countDeadLetters, listDeadLetters, redriveDeadLetters } from './dead-letters.js'

const USAGE = `Usage: npm run dead-letters -- <command>
  list [limit]         print dead-lettered events (default 100)
  count                print how many there are
  redrive [jobId ...]  move all (or the given) dead letters back to the queue with fresh attempts`

const config = loadConfig()
const [command = 'list', ...rest] = process.argv.slice(2)
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 })
const queue = new Queue<PersistJobData>(config.queueName, { connection })
try {
  if (command === 'list') {
    console.table(await listDeadLetters(queue, Number(rest[0] ?? 100)))
  } else if (command === 'count') {
    console.log(await countDeadLetters(queue))
  } else if (command === 'redrive') {
    console.log(`re-driven: ${await redriveDeadLetters(queue, rest.length > 0 ? rest : undefined)}`)
  } else {
    console.error(USAGE)
    process.exitCode = 2
  }
} finally {
  await queue.close()
  connection.disconnect()
}
