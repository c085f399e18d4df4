import type { FleetCommands, FloodReport, FlooderCommands } from './child-protocol.js'
import { startCommandChild, type CommandChild } from './child-rpc.js'
import { runPhase, warmUp, type PhaseResult, type PhaseSpec, type StackUnderTest } from './fanout-phase.js'
import type { FanoutSettings } from './fanout-settings.js'

/** The flood case: the same clients measured without, then with, a flooding connection on node 1. */
export interface FloodCaseResult {
  /** One run per repetition, each followed by the flooded run of `flooded` at the same index. */
  readonly quiet: readonly PhaseResult[]
  readonly flooded: readonly PhaseResult[]
  /** What happened to the flooder of each flooded run. */
  readonly flooders: readonly FloodReport[]
}

/** The fleet's client group of the flood case. */
const FLOOD_GROUP = 'flood case'
const CONNECT_TIMEOUT_MS = 60_000
const FLOODER_TIMEOUT_MS = 30_000

/**
 * Connects the flood case's clients to our nodes, all subscribed to one execution, and measures,
 * once per repetition, a phase without and a phase with a flooder sending
 * `settings.flood.messagesPerSecond` requests to the first node (where half of the clients are).
 * Reports whether and when each flooder was throttled and disconnected; the clients must keep
 * receiving every event either way.
 * @example const flood = await runFloodCase(fleet, ours, settings, (n) => names.next(n))
 */
export async function runFloodCase(
  fleet: CommandChild<FleetCommands>,
  stack: StackUnderTest,
  settings: FanoutSettings,
  freshExecutions: (count: number) => readonly string[],
): Promise<FloodCaseResult> {
  const { flood } = settings
  const clients: StackUnderTest = { ...stack, group: FLOOD_GROUP }
  const spec = (seconds: number): PhaseSpec => ({
    executionIds: freshExecutions(1),
    ratePerSecond: flood.emitRate,
    seconds,
    drainTimeoutMs: settings.drainSeconds * 1000,
  })
  const floodedUrl = stack.nodes.urls[0]
  if (floodedUrl === undefined) throw new Error('no web node to flood')
  // Started first: loading a process costs CPU time that must not fall into a measured phase.
  const flooder = await startCommandChild<FlooderCommands>('bench/fanout/flooder.ts')
  try {
    await fleet.call(
      'connect',
      { group: FLOOD_GROUP, urls: stack.nodes.urls, clients: flood.clients },
      CONNECT_TIMEOUT_MS,
    )
    await warmUp(fleet, clients, spec(1))
    const result = { quiet: [] as PhaseResult[], flooded: [] as PhaseResult[], flooders: [] as FloodReport[] }
    for (let rep = 1; rep <= settings.repetitions; rep++) {
      console.error(
        `bench:fanout: flood case, run ${rep}, ${flood.clients} clients, ${flood.emitRate} events/s`,
      )
      result.quiet.push(await runPhase(fleet, clients, spec(settings.seconds)))
      await flooder.call(
        'start',
        { url: floodedUrl, kind: flood.kind, ratePerSecond: flood.messagesPerSecond },
        FLOODER_TIMEOUT_MS,
      )
      result.flooded.push(await runPhase(fleet, clients, spec(settings.seconds)))
      result.flooders.push(await flooder.call('stop', {}, FLOODER_TIMEOUT_MS))
    }
    return result
  } finally {
    await fleet.call('disconnect', { group: FLOOD_GROUP }, CONNECT_TIMEOUT_MS)
    await flooder.stop()
  }
}
