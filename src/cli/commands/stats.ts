import { parseArgs } from 'node:util'
import { loadConfig } from '../../config.js'
import type { BrokerStats } from '../../server/operations-api.js'
import { NODE_OPTIONS, usageErrors, UsageError } from '../arguments.js'
import { callNode } from '../node-api.js'
import { out, paint } from '../terminal.js'

export const STATS_USAGE = `Usage: agent-events stats [options]

Shows the broker's state: the persistence path's depth and lag, dead letters, and every web node
with its connections and subscriptions. Needs a token with admin: true (or a node without auth).

Options:
  --json               the answer of GET /api/stats as JSON
  --url <url>          a web node (default: AGENT_EVENTS_URL, else http://localhost:3001)
  --token <jwt>        the access token (default: AGENT_EVENTS_TOKEN)
  -h, --help           this help`

/** `agent-events stats`: resolves with the exit code. */
export async function stats(argv: readonly string[]): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({ args: [...argv], options: NODE_OPTIONS, allowPositionals: true, strict: true }),
  )
  if (values.help) {
    out(STATS_USAGE)
    return 0
  }
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`)
  const { cli } = loadConfig()
  const answer = await callNode<BrokerStats>(
    { url: values.url ?? cli.url, token: values.token ?? cli.token },
    'GET',
    '/api/stats',
  )
  if (values.json) {
    out(JSON.stringify(answer, null, 2))
    return 0
  }
  const { persistence, nodes, totals } = answer
  const lag = persistence.oldestWaitingSeconds
  const deadLetters = persistence.failed > 0 ? paint('red', String(persistence.failed)) : '0'
  out(
    `persistence  inbox ${persistence.inboxEntries} batches · jobs ${persistence.waiting} waiting, ${persistence.active} active, ${persistence.delayed} delayed`,
  )
  out(`             lag ${lag.toFixed(1)} s (oldest event waiting) · dead letters ${deadLetters}`)
  out(
    `web nodes    ${nodes.length} · ${totals.connections} connections · ${totals.subscriptions} subscriptions`,
  )
  for (const node of nodes) {
    const connections = Object.entries(node.connections)
      .map(([protocol, count]) => `${protocol} ${count}`)
      .join(', ')
    const subscriptions = node.subscriptions.execution + node.subscriptions.conversation
    out(
      `  ${node.nodeId.slice(0, 8)}  ${node.url}  pid ${node.pid}  up since ${node.startedAt}  ${connections}  subscriptions ${subscriptions}`,
    )
  }
  return 0
}
