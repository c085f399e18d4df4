import { randomBytes } from 'node:crypto'
import { caseNamespace, databaseUri, releaseNamespace, type CaseNamespace } from '../namespaces.js'
import { benchServers, type BenchServers } from '../servers.js'
import type { FleetCommands } from './child-protocol.js'
import { startCommandChild, type CommandChild } from './child-rpc.js'
import { runPhase, warmUp, type PhaseResult, type StackUnderTest } from './fanout-phase.js'
import { printFanoutReport } from './fanout-report.js'
import { NODES_PER_STACK, type FanoutSettings } from './fanout-settings.js'
import { runFloodCase } from './flood-case.js'
import { startAgentEventsNodes, startBareNodes, type WebNodes } from './node-pair.js'
import { agentEventsProducer, bareBroadcastProducer, type FanoutProducer } from './producers.js'
import { summarizeRuns, type RunsSummary } from './runs-summary.js'

/** How to start one system under test. */
interface StackDefinition {
  readonly name: string
  startNodes(): Promise<WebNodes>
  startProducer(): Promise<FanoutProducer>
}

const CONNECT_TIMEOUT_MS = 120_000
const WARM_UP_SECONDS = 1

/**
 * Measures live fan-out: the fleet's clients on two agent-events web nodes against as many clients
 * on two bare Socket.IO nodes with the stock Redis adapter, at every rate, then the flood case on
 * ours; prints the tables.
 * @example await runFanoutBench(fanoutSettingsFromEnv())
 */
export async function runFanoutBench(settings: FanoutSettings): Promise<void> {
  const servers = await benchServers({ redisUrl: settings.redisUrl, mongoUrl: settings.mongoUrl })
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`
  const namespace = caseNamespace(runId, 'fanout', 1)
  let fleet: CommandChild<FleetCommands> | undefined
  try {
    fleet = await startCommandChild<FleetCommands>('bench/fanout/client-fleet.ts')
    await measureStacks(fleet, servers, namespace, settings)
  } finally {
    await fleet?.stop()
    await releaseNamespace(namespace, servers)
    await servers.dispose()
  }
}

async function measureStacks(
  fleet: CommandChild<FleetCommands>,
  servers: BenchServers,
  namespace: CaseNamespace,
  settings: FanoutSettings,
): Promise<void> {
  const freshExecutions = executionNames(namespace.executionId)
  const largestPhase = Math.max(...settings.rates, settings.flood.emitRate) * settings.seconds
  const bare: StackDefinition = {
    name: 'bare Socket.IO',
    startNodes: () => startBareNodes(servers.redisUrl, NODES_PER_STACK),
    startProducer: () => bareBroadcastProducer(servers.redisUrl),
  }
  const ours: StackDefinition = {
    name: 'agent-events',
    startNodes: () =>
      startAgentEventsNodes(
        {
          redisUrl: servers.redisUrl,
          mongoUri: databaseUri(servers.mongoUrl, namespace.dbName),
          keyPrefix: namespace.keyPrefix,
          queueName: namespace.queueName,
        },
        NODES_PER_STACK,
      ),
    startProducer: () =>
      agentEventsProducer({
        redisUrl: servers.redisUrl,
        keyPrefix: namespace.keyPrefix,
        outboxLimit: Math.max(10_000, largestPhase),
      }),
  }
  // Both stacks stay up, each with its clients connected, so that their phases can alternate.
  await withStack(bare, fleet, settings.clients, (baseline) =>
    withStack(ours, fleet, settings.clients, async (measured) => {
      const fanout = await fanoutPhases(fleet, baseline, measured, settings, freshExecutions)
      await fleet.call('disconnect', { group: baseline.group }, CONNECT_TIMEOUT_MS)
      await fleet.call('disconnect', { group: measured.group }, CONNECT_TIMEOUT_MS)
      const flood = await runFloodCase(fleet, measured, settings, freshExecutions)
      printFanoutReport({ servers, settings, ...fanout, flood })
    }),
  )
}

/**
 * Starts the stack's nodes and producer and connects `clients` of the fleet to it (as the group
 * named after the stack), runs `use`, and takes it all down whatever happens.
 */
async function withStack<T>(
  definition: StackDefinition,
  fleet: CommandChild<FleetCommands>,
  clients: number,
  use: (stack: StackUnderTest) => Promise<T>,
): Promise<T> {
  console.error(`bench:fanout: starting ${NODES_PER_STACK} ${definition.name} nodes`)
  const nodes = await definition.startNodes()
  try {
    const producer = await definition.startProducer()
    const group = definition.name
    try {
      await fleet.call('connect', { group, urls: nodes.urls, clients }, CONNECT_TIMEOUT_MS)
      return await use({ name: definition.name, group, nodes, producer })
    } finally {
      await fleet.call('disconnect', { group }, CONNECT_TIMEOUT_MS)
      await producer.close()
    }
  } finally {
    await nodes.stop()
  }
}

/**
 * Warms both stacks up, then runs every rate on both, `settings.repetitions` times; the two stacks
 * take turns going first, so that neither always inherits the other's leftovers.
 */
async function fanoutPhases(
  fleet: CommandChild<FleetCommands>,
  baseline: StackUnderTest,
  measured: StackUnderTest,
  settings: FanoutSettings,
  freshExecutions: (count: number) => readonly string[],
): Promise<{ baseline: RunsSummary[]; agentEvents: RunsSummary[] }> {
  const spec = (ratePerSecond: number, seconds: number) => ({
    executionIds: freshExecutions(settings.executions),
    ratePerSecond,
    seconds,
    drainTimeoutMs: settings.drainSeconds * 1000,
  })
  for (const stack of [baseline, measured]) {
    await warmUp(fleet, stack, spec(Math.min(...settings.rates), WARM_UP_SECONDS))
  }
  const runs = new Map<StackUnderTest, PhaseResult[][]>([
    [baseline, settings.rates.map(() => [])],
    [measured, settings.rates.map(() => [])],
  ])
  for (let rep = 1; rep <= settings.repetitions; rep++) {
    for (const [index, rate] of settings.rates.entries()) {
      for (const stack of rep % 2 === 1 ? [baseline, measured] : [measured, baseline]) {
        console.error(
          `bench:fanout: run ${rep}, ${stack.name}, ${settings.clients} clients, ${rate} events/s`,
        )
        runs.get(stack)?.[index]?.push(await runPhase(fleet, stack, spec(rate, settings.seconds)))
      }
    }
  }
  const summaries = (stack: StackUnderTest): RunsSummary[] => (runs.get(stack) ?? []).map(summarizeRuns)
  return { baseline: summaries(baseline), agentEvents: summaries(measured) }
}

/** Execution ids never used before in this run: `<base>-p<phase>-e<i>`. */
function executionNames(base: string): (count: number) => readonly string[] {
  let phase = 0
  return (count) => {
    phase += 1
    return Array.from({ length: count }, (_, index) => `${base}-p${phase}-e${index + 1}`)
  }
}
