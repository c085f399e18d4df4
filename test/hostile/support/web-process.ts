import { startTsProcess, type NodeProcess } from '../../support/child-process.js'
import { processEnv } from '../../support/durable-stack.js'
import { isReadyMessage } from '../../support/stack-processes.js'
import type { StackNames } from '../../support/web-node-stack.js'

/** A Procfile `web` process shared by the tests of one file: started in `beforeAll`, stopped in `afterAll`. */
export interface WebProcess {
  readonly process: NodeProcess
  readonly url: string
  readonly port: number
  /** Whether the process has exited (crashed, since only {@link WebProcess.stop} ends it on purpose). */
  hasExited(): boolean
  /** SIGTERM, then SIGKILL if it has not exited after the shutdown grace period; resolves with its exit code. */
  stop(): Promise<number | null>
}

/**
 * Starts `src/server/main.ts` as a child process for these names on a free port, with `env` on top.
 * Unlike `startWebProcess` of test/support, it outlives a single test, for suites that attack one process
 * test after test and check after each that it is still there.
 */
export async function startSharedWebProcess(
  names: StackNames,
  env: Record<string, string> = {},
): Promise<WebProcess> {
  const child = startTsProcess('src/server/main.ts', {
    env: { ...processEnv(names), WS_PORT: '0', SHUTDOWN_GRACE_MS: '2000', ...env },
  })
  let exited = false
  void child.exited.then(() => (exited = true))
  try {
    const { port = 0 } = await child.waitForMessage(isReadyMessage, 30_000)
    return {
      process: child,
      url: `http://127.0.0.1:${port}`,
      port,
      hasExited: () => exited,
      async stop() {
        const killer = setTimeout(() => void child.kill('SIGKILL'), 10_000)
        const code = await child.kill('SIGTERM')
        clearTimeout(killer)
        return code
      },
    }
  } catch (error) {
    await child.kill('SIGKILL')
    throw error
  }
}
