import { onTestFinished } from 'vitest'
import { startTsProcess, type NodeProcess } from './child-process.js'
import type { StackNames } from './web-node-stack.js'

/** The IPC message a web or worker process sends once it serves (`port`: web; `metricsPort`: worker). */
export interface ReadyMessage {
  readonly type: 'ready'
  readonly port?: number
  readonly metricsPort?: number
}

const isReady = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready'

/** The environment that points a process at one test's Redis keys, queue and database. */
export function stackEnv(names: StackNames): Record<string, string> {
  return {
    REDIS_URL: names.redisUrl,
    MONGODB_URI: names.mongoUri,
    QUEUE_NAME: names.queueName,
    REDIS_KEY_PREFIX: names.keyPrefix,
    LOG_LEVEL: 'warn',
  }
}

/** A Procfile `web` process on a free port, SIGKILLed when the test ends if still running. */
export async function startWebProcess(
  names: StackNames,
  env: Record<string, string> = {},
): Promise<{ readonly process: NodeProcess; readonly url: string; readonly port: number }> {
  const web = startTsProcess('src/server/main.ts', { env: { ...stackEnv(names), WS_PORT: '0', ...env } })
  onTestFinished(async () => void (await web.kill('SIGKILL')))
  const { port = 0 } = await web.waitForMessage(isReady, 30_000)
  return { process: web, url: `http://127.0.0.1:${port}`, port }
}

/** A Procfile `worker` process, SIGKILLed when the test ends if still running. */
export async function startWorkerProcess(
  names: StackNames,
  env: Record<string, string> = {},
): Promise<{ readonly process: NodeProcess; readonly metricsUrl: string | undefined }> {
  const worker = startTsProcess('workers/main.ts', { env: { ...stackEnv(names), ...env } })
  onTestFinished(async () => void (await worker.kill('SIGKILL')))
  const { metricsPort } = await worker.waitForMessage(isReady, 30_000)
  return {
    process: worker,
    metricsUrl: metricsPort === undefined ? undefined : `http://127.0.0.1:${metricsPort}`,
  }
}
