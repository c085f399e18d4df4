import { meanEventBytes } from '../emit-cases.js'
import { machineLines } from '../machine.js'
import type { BenchServers } from '../servers.js'
import { formatCount, formatRatio, markdownTable, type TableColumn } from '../table.js'
import { EVENT_MIX } from '../workload.js'
import type { FloodReport } from './child-protocol.js'
import { NODES_PER_STACK, type FanoutSettings } from './fanout-settings.js'
import type { FloodCaseResult } from './flood-case.js'
import { summarizeRuns, type RunsSummary } from './runs-summary.js'

/** Everything one run measured. */
export interface FanoutRun {
  readonly servers: BenchServers
  readonly settings: FanoutSettings
  /** One summary per rate, in `settings.rates` order, on the bare Socket.IO nodes. */
  readonly baseline: readonly RunsSummary[]
  /** The same on our web nodes. */
  readonly agentEvents: readonly RunsSummary[]
  readonly flood: FloodCaseResult
}

/**
 * Prints the run as markdown: the machine and setup, the fan-out table (ours against the baseline at
 * every rate) and the flood table. Sets exit code 1 when our nodes lost or reordered a delivery.
 * @example printFanoutReport({ servers, settings, baseline, agentEvents, flood })
 */
export function printFanoutReport(run: FanoutRun): void {
  const { settings } = run
  const quiet = summarizeRuns(run.flood.quiet)
  const flooded = summarizeRuns(run.flood.flooded)
  console.log('# agent-events fan-out bench\n')
  for (const line of [...machineLines(), ...setupLines(run)]) console.log(line)
  console.log('\n## Fan-out: agent-events against bare Socket.IO\n')
  console.log(fanoutTable(run.baseline, run.agentEvents))
  console.log('\n## Flooder: the other clients with and without a flooding connection (agent-events)\n')
  console.log(floodTable(quiet, flooded, settings))
  console.log('')
  for (const line of floodLines(run.flood.flooders, [quiet, flooded], settings)) console.log(line)
  const ours = [...run.agentEvents, quiet, flooded]
  const stray = ours.reduce((total, summary) => total + summary.stray, 0)
  if (stray > 0) {
    console.log(
      `- agent-events: ${formatCount(stray)} events of an earlier phase arrived after it was collected`,
    )
  }
  const broken = ours.filter((summary) => summary.lost > 0 || summary.outOfOrder > 0)
  if (broken.length > 0) {
    console.log(`\n**agent-events did not deliver every event in order in ${broken.length} row(s).**`)
    process.exitCode = 1
  }
}

function setupLines({ settings, servers }: FanoutRun): string[] {
  const perExecution = Math.round(settings.clients / settings.executions)
  return [
    `- redis: ${servers.redisDescription}`,
    `- clients: ${formatCount(settings.clients)} Socket.IO clients (WebSocket transport) per stack in one ` +
      `client process, split evenly over ${NODES_PER_STACK} web nodes; ${settings.executions} executions of ` +
      `about ${perExecution} clients each, every execution with clients on every node`,
    `- events: mix ${EVENT_MIX}; about ${Math.round(meanEventBytes(100))} bytes as JSON plus \`sentAt\`; ` +
      `each rate emitted for ${settings.seconds} s into fresh executions by a producer in the bench process`,
    `- each row: the medians of ${settings.repetitions} runs (max: the largest; deliveries, lost, out of ` +
      'order, clients dropped: totals); both stacks stay up and take turns',
    '- latency: from `sentAt`, stamped just before the event is handed to the producer, to the ' +
      "client's `event` handler (wall clocks of one machine)",
    '- node CPU: user + system CPU time of both web nodes from the first emit until the deliveries were ' +
      `collected, per delivery; lost: deliveries not received ${settings.drainSeconds} s after the last emit`,
    `- baseline: ${NODES_PER_STACK} bare Socket.IO nodes with the stock @socket.io/redis-adapter on the same ` +
      "redis-server; its producer PUBLISHes the adapter's broadcast message (as @socket.io/redis-emitter does), " +
      'with no validation, stamping or persistence queue',
  ]
}

const DELIVERY_COLUMNS: TableColumn[] = [
  { title: 'emitted/s', numeric: true },
  { title: 'deliveries', numeric: true },
  { title: 'delivered/s', numeric: true },
  { title: 'p50 ms', numeric: true },
  { title: 'p99 ms', numeric: true },
  { title: 'max ms', numeric: true },
  { title: 'lost', numeric: true },
  { title: 'out of order', numeric: true },
  { title: 'clients dropped', numeric: true },
  { title: 'node CPU µs/delivery', numeric: true },
  { title: 'p99 per run (ms)' },
]

function fanoutTable(baseline: readonly RunsSummary[], ours: readonly RunsSummary[]): string {
  const columns: TableColumn[] = [
    { title: 'rate (events/s)', numeric: true },
    { title: 'stack' },
    ...DELIVERY_COLUMNS,
    { title: 'delivered/s vs baseline' },
    { title: 'p99 vs baseline' },
    { title: 'CPU/delivery vs baseline' },
  ]
  const rows = baseline.flatMap((base, index) => {
    const measured = ours[index]
    const rate = formatCount(base.runs[0]?.spec.ratePerSecond ?? Number.NaN)
    const baseRow = [
      rate,
      'bare Socket.IO + Redis adapter',
      ...deliveryCells(base),
      ...['baseline', 'baseline', 'baseline'],
    ]
    if (measured === undefined) return [baseRow]
    const ratios = [
      formatRatio(measured.deliveredPerSecond / base.deliveredPerSecond),
      formatRatio(measured.p99 / base.p99),
      formatRatio(measured.cpuPerDelivery / base.cpuPerDelivery),
    ]
    return [baseRow, [rate, '**agent-events**', ...deliveryCells(measured), ...ratios]]
  })
  return markdownTable(columns, rows)
}

function floodTable(quiet: RunsSummary, flooded: RunsSummary, settings: FanoutSettings): string {
  const columns: TableColumn[] = [{ title: 'case' }, ...DELIVERY_COLUMNS, { title: 'p99 vs without' }]
  const { kind, messagesPerSecond, clients } = settings.flood
  return markdownTable(columns, [
    [`${clients} clients, no flooder`, ...deliveryCells(quiet), 'baseline'],
    [
      `${clients} clients, flooder (${kind}, ${formatCount(messagesPerSecond)}/s) on node 1`,
      ...deliveryCells(flooded),
      formatRatio(flooded.p99 / quiet.p99),
    ],
  ])
}

function floodLines(
  flooders: readonly FloodReport[],
  measured: readonly RunsSummary[],
  settings: FanoutSettings,
): string[] {
  const everyEvent = measured.every((summary) => summary.lost === 0 && summary.disconnected === 0)
  return [
    ...flooders.map((report, index) => `- flooder of run ${index + 1}: ${flooderOutcome(report)}`),
    `- every event reached each of the ${settings.flood.clients} clients, without and with the flooder: ` +
      (everyEvent ? 'yes' : 'NO'),
  ]
}

function flooderOutcome(report: FloodReport): string {
  const errors = Object.entries(report.errors)
  const disconnected =
    report.disconnectedAfterSeconds === null
      ? 'not disconnected'
      : `disconnected after ${report.disconnectedAfterSeconds.toFixed(2)} s (${report.disconnectReason ?? 'no reason'})`
  return (
    `${formatCount(report.sent)} requests in ${report.floodedSeconds.toFixed(1)} s ` +
    `(${formatCount(report.sent / report.floodedSeconds)}/s), ${formatCount(report.answered)} answered, errors: ` +
    (errors.length === 0
      ? 'none'
      : errors.map(([code, count]) => `${code} × ${formatCount(count)}`).join(', ')) +
    `; ${disconnected}`
  )
}

function deliveryCells(summary: RunsSummary): string[] {
  const ms = (value: number): string => (Number.isNaN(value) ? '–' : value.toFixed(1))
  return [
    formatCount(summary.emittedPerSecond),
    formatCount(summary.deliveries),
    formatCount(summary.deliveredPerSecond),
    ms(summary.p50),
    ms(summary.p99),
    ms(summary.max),
    formatCount(summary.lost),
    formatCount(summary.outOfOrder),
    formatCount(summary.disconnected),
    ms(summary.cpuPerDelivery * 1e6),
    summary.runs.map((run) => ms(run.deliveries.latency?.p99 ?? Number.NaN)).join(' / '),
  ]
}
