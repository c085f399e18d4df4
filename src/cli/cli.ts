import { createRequire } from 'node:module'
import { AgentEventsError, isAgentEventsError } from '../errors.js'
import { UsageError } from './arguments.js'
import { demo, DEMO_USAGE } from './commands/demo.js'
import { dlq, DLQ_USAGE } from './commands/dlq.js'
import { replay, REPLAY_USAGE } from './commands/replay.js'
import { stats, STATS_USAGE } from './commands/stats.js'
import { tail, TAIL_USAGE } from './commands/tail.js'
import { errorLine } from './node-api.js'
import { note, out } from './terminal.js'

const COMMANDS = {
  tail: {
    run: tail,
    usage: TAIL_USAGE,
    summary: 'print an execution or a conversation live, resuming across reconnections',
  },
  replay: {
    run: replay,
    usage: REPLAY_USAGE,
    summary: 'play a stored execution in its original timing, or faster',
  },
  stats: {
    run: stats,
    usage: STATS_USAGE,
    summary: 'queue depth, persistence lag, dead letters, web nodes and connections',
  },
  dlq: { run: dlq, usage: DLQ_USAGE, summary: 'list, count or re-drive the dead letters' },
  demo: { run: demo, usage: DEMO_USAGE, summary: 'play realistic orchestrations through Redis' },
} as const

type CommandName = keyof typeof COMMANDS

const USAGE = `Usage: agent-events <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`)
  .join('\n')}

Run agent-events <command> --help for a command's options. The web node is AGENT_EVENTS_URL
(default http://localhost:3001) and the token AGENT_EVENTS_TOKEN, or --url and --token.

Exit status: 0 on success, 1 when the broker refused or could not be reached, 2 for a usage error.`

/**
 * Runs the `agent-events` command line; resolves with the exit status (0 success, 1 a failure of
 * the broker or of reaching it, 2 a usage error). Never throws.
 * @example process.exitCode = await runCli(['tail', 'exec-1'])
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    note(USAGE)
    return 2
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0]
    out(isCommand(topic) ? COMMANDS[topic].usage : USAGE)
    return 0
  }
  if (name === '--version' || name === '-v') {
    out(packageVersion())
    return 0
  }
  if (!isCommand(name)) {
    note(`agent-events: unknown command ${JSON.stringify(name)}\n\n${USAGE}`)
    return 2
  }
  try {
    return await COMMANDS[name].run(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      note(`agent-events ${name}: ${error.message}\n\n${COMMANDS[name].usage}`)
      return 2
    }
    note(`agent-events ${name}: ${errorLine(isAgentEventsError(error) ? error : unexpected(error))}`)
    return 1
  }
}

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name)
}

function unexpected(error: unknown): AgentEventsError {
  return new AgentEventsError('internal_error', error instanceof Error ? error.message : String(error))
}

function packageVersion(): string {
  const manifest = createRequire(import.meta.url)('agent-events/package.json') as { version?: string }
  return manifest.version ?? 'unknown'
}
