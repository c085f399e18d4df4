import { parseArgs } from 'node:util'
import { loadConfig } from '../../config.js'
import { DEMO_CONVERSATION, playDemo } from '../../demo/demo-orchestration.js'
import { AgentEventEmitter } from '../../emitter/agent-event-emitter.js'
import { integerOption, usageErrors, UsageError } from '../arguments.js'
import { interruption, note, out } from '../terminal.js'

export const DEMO_USAGE = `Usage: agent-events demo [options]

Plays realistic orchestrations (three departments; agents that think, call tools, complete and are
reviewed) in the conversation ${DEMO_CONVERSATION}, through Redis like any agent runner. Ctrl-C stops.

Options:
  --executions <n>     play this many, then exit (default: until Ctrl-C)
  --pace <ms>          pause between two agent steps (default 250)
  --redis <url>        Redis (default: REDIS_URL, else redis://127.0.0.1:6379)
  -h, --help           this help`

/** `agent-events demo`: resolves with the exit code. */
export async function demo(argv: readonly string[]): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: [...argv],
      options: {
        executions: { type: 'string' },
        pace: { type: 'string' },
        redis: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  )
  if (values.help) {
    out(DEMO_USAGE)
    return 0
  }
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`)
  const executions = integerOption(values.executions, 'executions')
  const paceMs = integerOption(values.pace, 'pace') ?? 250
  const emitter = new AgentEventEmitter({ redisUrl: values.redis ?? loadConfig().redisUrl })
  await emitter.initialize()
  const played = await playDemo(emitter, {
    paceMs,
    signal: interruption(),
    ...(executions === undefined ? {} : { executions }),
    onExecution: (executionId) => out(`${executionId}  (conversation ${DEMO_CONVERSATION})`),
  })
  await emitter.close()
  const lost = emitter.stats.dropped + emitter.pending
  note(`played ${played} executions${lost > 0 ? `; ${lost} events never reached Redis` : ''}`)
  return lost > 0 ? 1 : 0
}
