import { parseArgs } from 'node:util'
import { loadConfig } from '../../config.js'
import type { DeadLettersPage, Redriven } from '../../server/operations-api.js'
import { integerOption, NODE_OPTIONS, usageErrors, UsageError } from '../arguments.js'
import { callNode, type NodeTarget } from '../node-api.js'
import { note, out } from '../terminal.js'

export const DLQ_USAGE = `Usage: agent-events dlq list [--limit <n>] [options]
       agent-events dlq count [options]
       agent-events dlq redrive [jobId ...] [options]

The dead letters: events the store refused (each a job of its own) and jobs that failed every
attempt. redrive moves them (all, or the given jobs) back to their queue with fresh attempts.
Needs a token with admin: true (or a node without auth).

Options:
  --limit <n>          dead letters listed, at most (default 100, at most 1000)
  --json               the API's answer as JSON
  --url <url>          a web node (default: AGENT_EVENTS_URL, else http://localhost:3001)
  --token <jwt>        the access token (default: AGENT_EVENTS_TOKEN)
  -h, --help           this help`

/** `agent-events dlq`: resolves with the exit code. */
export async function dlq(argv: readonly string[]): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      options: { ...NODE_OPTIONS, limit: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  )
  if (values.help) {
    out(DLQ_USAGE)
    return 0
  }
  const [action, ...rest] = positionals
  const { cli } = loadConfig()
  const target: NodeTarget = { url: values.url ?? cli.url, token: values.token ?? cli.token }
  if (action === 'list' || action === 'count') {
    if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`)
    const limit = action === 'count' ? 1 : (integerOption(values.limit, 'limit') ?? 100)
    const page = await callNode<DeadLettersPage>(target, 'GET', `/api/dead-letters?limit=${limit}`)
    if (values.json) out(JSON.stringify(action === 'count' ? { total: page.total } : page, null, 2))
    else if (action === 'count') out(String(page.total))
    else printLetters(page)
    return 0
  }
  if (action === 'redrive') {
    note(rest.length > 0 ? `re-driving ${rest.length} dead letters…` : 're-driving every dead letter…')
    const { redriven } = await callNode<Redriven>(
      target,
      'POST',
      '/api/dead-letters/redrive',
      rest.length > 0 ? { jobIds: rest } : {},
    )
    out(values.json ? JSON.stringify({ redriven }) : `re-driven: ${redriven}`)
    return 0
  }
  throw new UsageError(
    action === undefined ? 'missing the action: list, count or redrive' : `unknown action ${action}`,
  )
}

function printLetters({ deadLetters, total }: DeadLettersPage): void {
  if (deadLetters.length === 0) return out('no dead letters')
  for (const letter of deadLetters) {
    const first =
      letter.executionId === undefined
        ? ''
        : ` ${letter.executionId} #${letter.seq ?? '?'} ${letter.type ?? ''}`
    const when = letter.failedAt === undefined ? '' : ` at ${String(letter.failedAt)}`
    out(
      `${letter.jobId}  shard ${letter.shard}  ${letter.events} event(s)${first}  attempts ${letter.attemptsMade}${when}`,
    )
    out(`    ${letter.reason}`)
  }
  if (total > deadLetters.length) out(`… ${total - deadLetters.length} more (--limit)`)
}
