import { parseArgs } from 'node:util'
import { AgentEventsClient } from '../../client/agent-events-client.js'
import { loadConfig } from '../../config.js'
import type { ReplaySpeed } from '../../server/protocol.js'
import { integerOption, NODE_OPTIONS, usageErrors, singleId, typesOption, UsageError } from '../arguments.js'
import { eventLine } from '../event-lines.js'
import { interruption, note, out } from '../terminal.js'

export const REPLAY_USAGE = `Usage: agent-events replay <executionId> [options]

Plays an execution from the store, finished or running, in its original timing or faster, and
exits once every event up to its last seq has been played. Ctrl-C stops.

Options:
  --speed <factor|max> 1 for the original timing, 10 for ten times faster, max for no pauses (default 1)
  --from <seq>         play the events after this seq (default 0: from the first)
  --types <a,b,...>    only these event types
  --json               one event per line as JSON
  --url <url>          the web node (default: AGENT_EVENTS_URL, else http://localhost:3001)
  --token <jwt>        the access token (default: AGENT_EVENTS_TOKEN)
  -h, --help           this help

Exit status: 0 when the replay finished, 1 when the node refused or ended it.`

const MIN_SPEED = 0.1
const MAX_SPEED = 1000

/** `agent-events replay`: resolves with the exit code. */
export async function replay(argv: readonly string[]): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      options: {
        ...NODE_OPTIONS,
        speed: { type: 'string' },
        from: { type: 'string' },
        types: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
  )
  if (values.help) {
    out(REPLAY_USAGE)
    return 0
  }
  const executionId = singleId(positionals, 'execution id')
  const speed = speedOption(values.speed)
  const fromSeq = integerOption(values.from, 'from') ?? 0
  const types = typesOption(values.types)
  const { cli } = loadConfig()
  const signal = interruption()
  const progress = process.stderr.isTTY === true
  let resolveExit: (code: number) => void = () => undefined
  const exit = new Promise<number>((resolve) => (resolveExit = resolve))
  const client = new AgentEventsClient({
    url: values.url ?? cli.url,
    token: values.token ?? cli.token,
    onError: (error) => {
      note(`error: ${error.code}: ${error.message}`)
      if (error.code.startsWith('token_') || error.code === 'origin_not_allowed') resolveExit(1)
    },
  })
  const handle = client.replayExecution(executionId, {
    speed,
    fromSeq,
    ...(types ? { types } : {}),
    onEvent: (event) => out(values.json ? JSON.stringify(event) : eventLine(event)),
    onReset: () => note('replay restarted from the beginning'),
    onState: ({ position, lastSeq }) => {
      if (progress) process.stderr.write(`\rreplaying #${position} of ${lastSeq}`)
    },
    onEnd: ({ reason, lastSeq, error }) => {
      if (progress) process.stderr.write('\n')
      if (reason === 'finished') note(`replayed ${executionId} up to #${lastSeq}`)
      else note(`replay stopped${error ? `: ${error.code}: ${error.message}` : ''}`)
      resolveExit(reason === 'finished' ? 0 : 1)
    },
    onError: (error) => {
      note(`error: ${error.code}: ${error.message}`)
      resolveExit(1)
    },
  })
  signal.addEventListener('abort', () => void handle.stop().finally(() => resolveExit(0)))
  const code = await exit
  client.close()
  return code
}

function speedOption(value: string | undefined): ReplaySpeed {
  if (value === undefined) return 1
  if (value === 'max') return 'max'
  const speed = Number(value)
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED)
    throw new UsageError(`--speed takes max or a factor from ${MIN_SPEED} to ${MAX_SPEED}`)
  return speed
}
