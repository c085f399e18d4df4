import { afterEach, describe, expect, inject, it } from 'vitest'
import { startTsProcess, type NodeProcess } from '../support/child-process.js'
import { databaseUrl } from '../support/names.js'
import { connectClient, PROTOCOLS, type TestClient } from '../support/web-node-clients.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('npm start', () => {
  it('brings up a web node, a worker and the demo, whose events reach clients of both protocols', async () => {
    const stack: NodeProcess = startTsProcess('scripts/local-stack.ts', {
      env: { REDIS_URL: inject('redisUrl'), MONGODB_URI: databaseUrl(inject('mongoUrl')), LOG_LEVEL: 'warn' },
    })
    cleanups.push(() => stack.kill('SIGKILL'))
    const line = await stack.waitForLine(/web node\s+http:\/\/localhost:\d+/, 60_000)
    const url = /(http:\/\/localhost:\d+)/.exec(line)?.[1] ?? ''

    const clients: TestClient[] = []
    for (const protocol of PROTOCOLS) {
      const client = await connectClient(protocol, url)
      cleanups.push(() => client.close())
      expect(await client.subscribe({ conversationId: 'demo-conversation' })).toMatchObject({ ok: true })
      clients.push(client)
    }
    for (const client of clients) {
      const events = await client.waitForEvents(5, 30_000)
      expect(events.every((event) => event.conversationId === 'demo-conversation')).toBe(true)
    }

    expect(await stack.kill('SIGINT')).toBe(0)
  }, 90_000)
})
