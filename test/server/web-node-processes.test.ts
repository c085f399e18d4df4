import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { EventStore } from '../../src/store/event-store.js'
import { startTsProcess, type NodeProcess } from '../support/child-process.js'
import { connectClient } from '../support/web-node-clients.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestEmitter,
  until,
  type StackNames,
} from '../support/web-node-stack.js'

const isReady = (message: unknown): message is { type: 'ready'; port?: number } =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready'

function processEnv(names: StackNames): Record<string, string> {
  return {
    REDIS_URL: names.redisUrl,
    MONGODB_URI: names.mongoUri,
    QUEUE_NAME: names.queueName,
    REDIS_KEY_PREFIX: names.keyPrefix,
    LOG_LEVEL: 'info',
  }
}

function startProcess(entry: string, env: Record<string, string>): NodeProcess {
  const child = startTsProcess(entry, { env })
  onTestFinished(async () => {
    await child.kill('SIGKILL')
  })
  return child
}

async function startWebProcess(names: StackNames): Promise<{ process: NodeProcess; url: string }> {
  const web = startProcess('src/server/main.ts', { ...processEnv(names), WS_PORT: '0' })
  const { port } = await web.waitForMessage(isReady, 30_000)
  return { process: web, url: `http://127.0.0.1:${port}` }
}

describe('web and worker processes', () => {
  it('deliver 2,000 events to clients on two web nodes and replay old ones from MongoDB', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const worker = startProcess('workers/main.ts', processEnv(stack))
    const [webA, webB] = await Promise.all([startWebProcess(stack), startWebProcess(stack)])
    await worker.waitForMessage(isReady, 30_000)
    const clients = await Promise.all([
      connectClient('socket.io', webA.url),
      connectClient('raw', webB.url),
      connectClient('socket.io', webB.url),
    ])
    onTestFinished(() => Promise.all(clients.map((client) => client.close())).then(() => undefined))
    for (const client of clients) await client.subscribe({ executionId: 'exec-procs' })
    const emitter = await startTestEmitter(stack, { recentBufferSize: 50 })

    await emitSamples(emitter, 'exec-procs', 2000)

    for (const client of clients) {
      await client.waitForEvents(2000)
      expect(seqsOf(client.events)).toEqual(range(1, 2000))
    }
    const store = await EventStore.open(stack.mongoUri)
    onTestFinished(() => store.close())
    await until(
      async () => (await store.countExecutionEvents('exec-procs')) === 2000,
      'the worker to store all',
    )
    const resumed = await connectClient('raw', webA.url)
    onTestFinished(() => resumed.close())
    const reply = await resumed.subscribe({ executionId: 'exec-procs', since: 1500 })
    await emitSamples(emitter, 'exec-procs', 10)
    await resumed.waitForEvents(510)
    expect(reply).toEqual({ ok: true, executionId: 'exec-procs', replayed: 500, lastSeq: 2000 })
    expect(seqsOf(resumed.events)).toEqual(range(1501, 2010))

    expect(webA.process.output()).toMatch(/web node listening/)
    const codes = await Promise.all([webA.process.kill('SIGTERM'), webB.process.kill('SIGTERM')])
    expect(codes).toEqual([0, 0])
  })
})
