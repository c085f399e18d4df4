import { onTestFinished } from 'vitest'
import { startTsProcess, type NodeProcess } from './child-process.js'
import { processEnv } from './durable-stack.js'
import type { StackNames } from './web-node-stack.js'

/** The IPC message a web or worker process sends once it serves (`port`: web; `metricsPort`: worker). */
export interface ReadyMessage {
  readonly type: 'ready'
  readonly port?: number
  readonly metricsPort?: number
}

/** Whether an IPC message is a process's {@link ReadyMessage}. */
export const isReadyMessage = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready'

/** A Procfile `web` process on a free port, SIGKILLed when the test ends if still running. */
export async function startWebProcess(
  names: StackNames,
  env: Record<string, string> = {},
): Promise<{ readonly process: NodeProcess; readonly url: string; readonly port: number }> {
  const web = startTsProcess('src/server/main.ts', { env: { ...processEnv(names), WS_PORT: '0', ...env } })
  onTestFinished(async () => void (await web.kill('SIGKILL')))
  const { port = 0 } = await web.waitForMessage(isReadyMessage, 30_000)
  return { process: web, url: `http://127.0.0.1:${port}`, port }
}

/** A Procfile `worker` process, SIGKILLed when the test ends if still running. */
export async function startWorkerProcess(
  names: StackNames,
  env: Record<string, string> = {},
): Promise<{ readonly process: NodeProcess; readonly metricsUrl: string | undefined }> {
  const worker = startTsProcess('workers/main.ts', { env: { ...processEnv(names), ...env } })
  onTestFinished(async () => void (await worker.kill('SIGKILL')))
  const { metricsPort } = await worker.waitForMessage(isReadyMessage, 30_000)
  return {
    process: worker,
    metricsUrl: metricsPort === undefined ? undefined : `http://127.0.0.1:${metricsPort}`,
  }
}
