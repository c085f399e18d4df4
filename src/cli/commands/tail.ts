import { parseArgs } from 'node:util'
import { AgentEventsClient } from '../../client/agent-events-client.js'
import { loadConfig } from '../../config.js'
import type { StampedAgentEvent } from '../../events/schemas.js'
import type { WireError } from '../../server/protocol.js'
import { integerOption, NODE_OPTIONS, usageErrors, singleId, typesOption, UsageError } from '../arguments.js'
import { eventLine } from '../event-lines.js'
import { interruption, note, out } from '../terminal.js'

export const TAIL_USAGE = `Usage: agent-events tail <executionId> [options]
       agent-events tail --conversation <conversationId> [options]

Prints the events of an execution, or of every execution of a conversation, as they happen, and
resumes after any lost connection with no gap and no duplicate. Ctrl-C stops.

Options:
  --conversation <id>  follow every execution of this conversation
  --since <seq>        start after this seq (an execution; default: the oldest event the node holds)
  --types <a,b,...>    only these event types
  --until-complete     exit once the execution's orchestration-complete has arrived
  --json               one event per line as JSON
  --url <url>          the web node (default: AGENT_EVENTS_URL, else http://localhost:3001)
  --token <jwt>        the access token (default: AGENT_EVENTS_TOKEN)
  -h, --help           this help`

/** Connection refusals that retrying with the same token cannot fix. */
const FATAL_CODES = new Set([
  'token_missing',
  'token_invalid',
  'token_expired',
  'origin_not_allowed',
  'forbidden',
  'invalid_request',
])

/** `agent-events tail`: resolves with the exit code. */
export async function tail(argv: readonly string[]): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      options: {
        ...NODE_OPTIONS,
        conversation: { type: 'string' },
        since: { type: 'string' },
        types: { type: 'string' },
        'until-complete': { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  )
  if (values.help) {
    out(TAIL_USAGE)
    return 0
  }
  const conversationId = values.conversation
  const executionId = conversationId === undefined ? singleId(positionals, 'execution id') : undefined
  if (conversationId !== undefined && positionals.length > 0)
    throw new UsageError('give an execution id or --conversation, not both')
  if (conversationId !== undefined && (values.since !== undefined || values['until-complete']))
    throw new UsageError('--since and --until-complete apply to an execution')
  const since = integerOption(values.since, 'since')
  const types = typesOption(values.types)
  const { cli } = loadConfig()
  const url = values.url ?? cli.url
  const print = (event: StampedAgentEvent): void =>
    out(values.json ? JSON.stringify(event) : eventLine(event))

  const signal = interruption()
  let resolveExit: (code: number) => void = () => undefined
  const exit = new Promise<number>((resolve) => (resolveExit = resolve))
  signal.addEventListener('abort', () => resolveExit(0))
  const refuse = (error: WireError): void => {
    note(`error: ${error.code}: ${error.message}`)
    if (FATAL_CODES.has(error.code)) resolveExit(1)
  }
  const client = new AgentEventsClient({ url, token: values.token ?? cli.token, onError: refuse })
  note(`following ${executionId ?? `conversation ${conversationId}`} at ${url}`)
  client.onConnectionChange((connected) => note(connected ? 'connected' : 'connection lost: reconnecting…'))
  const handlers = {
    onError: refuse,
    onMissing: (range: { from: number; to: number }, missingIn: string) =>
      note(
        `warning: ${missingIn} seqs ${range.from}..${range.to} are in neither the recent buffer nor the store yet`,
      ),
  }
  if (executionId !== undefined) {
    client.watchExecution(executionId, {
      ...handlers,
      ...(since === undefined ? {} : { since }),
      ...(types ? { types } : {}),
      onEvent: (event) => {
        print(event)
        if (values['until-complete'] && event.type === 'orchestration-complete') resolveExit(0)
      },
    })
  } else if (conversationId !== undefined) {
    client.watchConversation(conversationId, { ...handlers, ...(types ? { types } : {}), onEvent: print })
  }
  const code = await exit
  client.close()
  return code
}
