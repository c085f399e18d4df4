import type { DeliveryReport, FleetCommands } from './child-protocol.js'
import type { CommandChild } from './child-rpc.js'
import { wallClockMs } from './latency-recorder.js'
import type { WebNodes } from './node-pair.js'
import { pace } from './pacer.js'
import type { FanoutProducer } from './producers.js'
import { phaseEvents } from './timed-events.js'

/** A system under test, ready to measure: its web nodes, its producer, its group of fleet clients. */
export interface StackUnderTest {
  readonly name: string
  /** The fleet's client group connected to `nodes`. */
  readonly group: string
  readonly nodes: WebNodes
  readonly producer: FanoutProducer
}

/** One measured stretch: fresh executions, a rate, a duration. */
export interface PhaseSpec {
  /** Executions of this phase only; the group's clients move to them before the first emit. */
  readonly executionIds: readonly string[]
  readonly ratePerSecond: number
  readonly seconds: number
  /** Longest wait for the last deliveries after the last event is in Redis. */
  readonly drainTimeoutMs: number
}

export interface PhaseResult {
  readonly spec: PhaseSpec
  /** Events per second from the first emit until Redis had taken the last. */
  readonly emittedPerSecond: number
  readonly deliveries: DeliveryReport
  /** In-order deliveries per second, from the first emit until the last delivery. */
  readonly deliveredPerSecond: number
  /** CPU seconds the web nodes used from the first emit until the deliveries were collected. */
  readonly nodeCpuSeconds: number | undefined
}

const SUBSCRIBE_TIMEOUT_MS = 60_000
/** Beyond the drain timeout, how long the fleet may take to compute its report. */
const REPORT_MARGIN_MS = 30_000

/**
 * Runs one phase: subscribes every client of the stack's group to the phase's executions, emits at
 * the rate for the duration, waits for the deliveries and reports them.
 * @example const result = await runPhase(fleet, stack, { executionIds, ratePerSecond: 200, seconds: 3, drainTimeoutMs: 20_000 })
 */
export async function runPhase(
  fleet: CommandChild<FleetCommands>,
  stack: StackUnderTest,
  spec: PhaseSpec,
): Promise<PhaseResult> {
  const { group, nodes, producer } = stack
  const { executionIds } = spec
  const { subscribed, refused } = await fleet.call('subscribe', { group, executionIds }, SUBSCRIBE_TIMEOUT_MS)
  if (refused.length > 0) {
    throw new Error(
      `${stack.name}: ${refused.length} subscriptions refused (${subscribed} taken): ${refused.join('; ')}`,
    )
  }
  const count = Math.max(executionIds.length, Math.round(spec.ratePerSecond * spec.seconds))
  producer.load(phaseEvents(executionIds, count))
  const cpuBefore = nodes.cpuSeconds()
  const startedAt = wallClockMs()
  await pace({ ratePerSecond: spec.ratePerSecond, count, send: (index) => producer.send(index) })
  const expected = await producer.settle()
  const settledAt = wallClockMs()
  const deliveries = await fleet.call(
    'collect',
    { group, expected, timeoutMs: spec.drainTimeoutMs },
    spec.drainTimeoutMs + REPORT_MARGIN_MS,
  )
  const cpuAfter = nodes.cpuSeconds()
  const deliveringMs = (deliveries.lastReceivedAt ?? startedAt) - startedAt
  return {
    spec,
    emittedPerSecond: count / ((settledAt - startedAt) / 1000),
    deliveries,
    deliveredPerSecond: deliveringMs > 0 ? deliveries.delivered / (deliveringMs / 1000) : 0,
    nodeCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  }
}

/**
 * A short phase whose results are dropped, run once per stack and client group before measuring: it
 * warms both ends up and proves that every client receives through every node (a node whose Redis
 * subscription was lost would deliver nothing).
 * @example await warmUp(fleet, stack, { executionIds, ratePerSecond: 100, seconds: 1, drainTimeoutMs: 20_000 })
 */
export async function warmUp(
  fleet: CommandChild<FleetCommands>,
  stack: StackUnderTest,
  spec: PhaseSpec,
): Promise<void> {
  const { deliveries } = await runPhase(fleet, stack, spec)
  if (deliveries.lost > 0 || deliveries.disconnected > 0 || deliveries.outOfOrder > 0) {
    throw new Error(
      `warm-up of ${stack.name}: not every client received every event: ${JSON.stringify(deliveries)}`,
    )
  }
}
