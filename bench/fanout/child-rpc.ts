import { startTsProcess, type NodeProcess } from '../../test/support/child-process.js'
import { isReadyMessage, type CommandMessage, type CommandSet, type ReplyMessage } from './child-protocol.js'

/** How long a child process may take to load (tsx compiles it first on a busy machine). */
const CHILD_READY_TIMEOUT_MS = 60_000
/** How long a child may take to close its connections on SIGTERM before it exits anyway. */
const CHILD_CLOSE_TIMEOUT_MS = 5_000

/** A bench child process serving the commands of `C` over IPC. */
export interface CommandChild<C extends CommandSet> {
  /** Sends a command and resolves with its result; rejects with the child's error or after `timeoutMs`. */
  call<K extends keyof C & string>(name: K, args: C[K]['args'], timeoutMs: number): Promise<C[K]['result']>
  /** Stops the child (SIGTERM) and warns when it did not exit cleanly. Idempotent. */
  stop(): Promise<void>
}

/**
 * Starts `entry` (a module calling {@link serveCommands}) as a child process and waits for it to serve.
 * @example
 * const fleet = await startCommandChild<FleetCommands>('bench/fanout/client-fleet.ts')
 * await fleet.call('connect', { urls, clients: 1000 }, 60_000)
 */
export async function startCommandChild<C extends CommandSet>(entry: string): Promise<CommandChild<C>> {
  const child = startTsProcess(entry)
  try {
    await child.waitForMessage(isReadyMessage, CHILD_READY_TIMEOUT_MS)
  } catch (error) {
    await child.kill('SIGKILL')
    throw error
  }
  let nextId = 1
  let stopping: Promise<void> | undefined
  return {
    async call(name, args, timeoutMs) {
      const id = nextId++
      child.send({ rpc: 'command', id, name, args } satisfies CommandMessage)
      const reply = await child.waitForMessage(
        (message): message is ReplyMessage => isReply(message) && message.id === id,
        timeoutMs,
      )
      if (!reply.ok) throw new Error(`${entry} failed ${name}: ${reply.error}`)
      // The child's handler for `name` produced it: its type is C[K]['result'] (IPC carries no types).
      return reply.result as C[typeof name]['result']
    },
    stop() {
      stopping ??= stopChild(entry, child)
      return stopping
    },
  }
}

/**
 * Serves commands from the parent process, one handler per command, then tells the parent it is
 * ready. On SIGTERM, or when the parent goes away, `close` runs and the process exits.
 * @example serveCommands<FlooderCommands>({ start: (args) => flood.start(args), stop: () => flood.stop() }, close)
 */
export function serveCommands<C extends CommandSet>(
  handlers: { readonly [K in keyof C]: (args: C[K]['args']) => Promise<C[K]['result']> },
  close: () => Promise<void>,
): void {
  const send = (message: unknown): void => {
    process.send?.(message)
  }
  process.on('message', (message: unknown) => {
    if (!isCommand(message)) return
    const { id, name, args } = message
    const handler = Object.hasOwn(handlers, name)
      ? // The parent sends `args` typed by the same CommandSet as `handlers[name]` takes.
        (handlers[name] as (args: unknown) => Promise<unknown>)
      : undefined
    if (handler === undefined) {
      send({ rpc: 'reply', id, ok: false, error: `unknown command ${name}` } satisfies ReplyMessage)
      return
    }
    handler(args).then(
      (result) => send({ rpc: 'reply', id, ok: true, result } satisfies ReplyMessage),
      (error: unknown) =>
        send({ rpc: 'reply', id, ok: false, error: errorText(error) } satisfies ReplyMessage),
    )
  })
  let closing = false
  const exitAfterClose = (): void => {
    if (closing) return
    closing = true
    const hardStop = setTimeout(() => process.exit(1), CHILD_CLOSE_TIMEOUT_MS)
    close().then(
      () => {
        clearTimeout(hardStop)
        process.exit(0)
      },
      (error: unknown) => {
        console.error('close failed:', error)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', exitAfterClose)
  process.on('disconnect', exitAfterClose)
  send({ type: 'ready' })
}

async function stopChild(entry: string, child: NodeProcess): Promise<void> {
  const code = await child.kill('SIGTERM')
  const logged = child.output().trim()
  // Shown rather than thrown: the measurements are complete, and a throw here would hide their errors.
  if (code !== 0 || logged !== '') console.warn(`${entry} exited with code ${code}; its output:\n${logged}`)
}

function isCommand(message: unknown): message is CommandMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'rpc' in message &&
    message.rpc === 'command' &&
    'id' in message &&
    typeof message.id === 'number' &&
    'name' in message &&
    typeof message.name === 'string'
  )
}

function isReply(message: unknown): message is ReplyMessage {
  return typeof message === 'object' && message !== null && 'rpc' in message && message.rpc === 'reply'
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}
