import { Redis } from 'ioredis'
import { AgentEventsError } from '../errors.js'
import { getLogger } from '../logger.js'

/** The two Redis connections of a web node: commands (publish, buffer reads) and pub/sub. */
export interface AdapterClients {
  readonly publisher: Redis
  readonly subscriber: Redis
  /** Quits both (disconnects when Redis does not answer). Idempotent. */
  close(): Promise<void>
}

const log = getLogger('web-node-redis')

/**
 * Connects both clients and resolves once both are `ready`: the Socket.IO Redis adapter loses its
 * pattern subscription when it is created while the subscriber is still connecting.
 */
export async function connectAdapterClients(redisUrl: string, timeoutMs: number): Promise<AdapterClients> {
  const publisher = new Redis(redisUrl, { lazyConnect: true })
  const subscriber = new Redis(redisUrl, { lazyConnect: true })
  let closing: Promise<void> | undefined
  const clients: AdapterClients = {
    publisher,
    subscriber,
    close() {
      closing ??= Promise.all([quit(publisher), quit(subscriber)]).then(() => undefined)
      return closing
    },
  }
  for (const [role, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    client.on('error', (error: Error) => log.warn({ err: error, role }, 'redis error'))
  }
  try {
    await Promise.all([ready(publisher, timeoutMs), ready(subscriber, timeoutMs)])
  } catch (error) {
    await clients.close()
    throw error
  }
  return clients
}

function ready(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady)
      reject(new AgentEventsError('redis_unavailable', `Redis was not ready within ${timeoutMs} ms`))
    }, timeoutMs)
    const onReady = (): void => {
      clearTimeout(timer)
      resolve()
    }
    client.once('ready', onReady)
    // A failed first attempt is retried by ioredis; only the timeout gives up.
    client.connect().catch(() => undefined)
  })
}

async function quit(client: Redis): Promise<void> {
  // QUIT needs a live connection; anything else (connecting, reconnecting) is cut off.
  if (client.status !== 'ready') return client.disconnect()
  try {
    await client.quit()
  } catch {
    client.disconnect()
  }
}
