import { startTsProcess, type NodeProcess } from '../../test/support/child-process.js'
import { isReadyMessage } from './child-protocol.js'
import { cpuSecondsOf } from './process-cpu.js'

/** Web nodes running as child processes, all on one Redis: clients of any of them see every broadcast. */
export interface WebNodes {
  /** `http://127.0.0.1:<port>` of each node. */
  readonly urls: readonly string[]
  /** CPU seconds all nodes have used since they started; undefined without /proc. */
  cpuSeconds(): number | undefined
  /** SIGTERM to every node; warns about any that did not exit cleanly. Idempotent. */
  stop(): Promise<void>
}

/** What our web nodes are configured with, as `src/server/main.ts` reads it from the environment. */
export interface AgentEventsNodeSettings {
  readonly redisUrl: string
  readonly mongoUri: string
  readonly keyPrefix: string
  readonly queueName: string
}

const NODE_READY_TIMEOUT_MS = 60_000

/**
 * Starts `count` agent-events web nodes (`src/server/main.ts`, the Procfile `web` process) on free ports.
 * @example const nodes = await startAgentEventsNodes(settings, 2)
 */
export function startAgentEventsNodes(settings: AgentEventsNodeSettings, count: number): Promise<WebNodes> {
  return startNodes('src/server/main.ts', count, {
    REDIS_URL: settings.redisUrl,
    MONGODB_URI: settings.mongoUri,
    QUEUE_NAME: settings.queueName,
    REDIS_KEY_PREFIX: settings.keyPrefix,
    WS_PORT: '0',
    // Every bench client connects from 127.0.0.1: a per-address limit would refuse most of them.
    MAX_CONNECTIONS_PER_IP: '0',
    // The flood phase lasts BENCH_SECONDS (3 s): a flooder must be dropped within it to show both.
    RATE_LIMIT_DISCONNECT_SECONDS: '2',
  })
}

/**
 * Starts `count` bare Socket.IO nodes with the stock Redis adapter (`bare-socket-io-node.ts`).
 * @example const baseline = await startBareNodes(redisUrl, 2)
 */
export function startBareNodes(redisUrl: string, count: number): Promise<WebNodes> {
  return startNodes('bench/fanout/bare-socket-io-node.ts', count, { REDIS_URL: redisUrl })
}

async function startNodes(entry: string, count: number, env: Record<string, string>): Promise<WebNodes> {
  const nodes = Array.from({ length: count }, () => startTsProcess(entry, { env }))
  const stopAll = (): Promise<void> =>
    Promise.all(nodes.map((node) => stopNode(entry, node))).then(() => undefined)
  try {
    const ready = await Promise.all(
      nodes.map((node) => node.waitForMessage(isReadyMessage, NODE_READY_TIMEOUT_MS)),
    )
    const urls = ready.map(({ port }) => {
      if (port === undefined) throw new Error(`${entry} reported no port`)
      return `http://127.0.0.1:${port}`
    })
    let stopping: Promise<void> | undefined
    const pids = nodes.map((node) => node.pid)
    return {
      urls,
      cpuSeconds: () => cpuSecondsOf(pids),
      stop() {
        stopping ??= stopAll()
        return stopping
      },
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')))
    throw error
  }
}

async function stopNode(entry: string, node: NodeProcess): Promise<void> {
  const code = await node.kill('SIGTERM')
  // Shown rather than thrown: the measurements are complete, and a throw here would hide their errors.
  if (code !== 0)
    console.warn(`${entry} (pid ${node.pid}) exited with code ${code}; its log:\n${node.output()}`)
}
