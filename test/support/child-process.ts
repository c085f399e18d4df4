import { spawn, type Serializable } from 'node:child_process'
import { resolve } from 'node:path'
import { atExit } from './exit-cleanup.js'
import { OutputTail } from './output-tail.js'
import { repoRoot } from './repo-root.js'

/** One of our TypeScript entry points running as a real child process, with stdout lines and IPC. */
export interface NodeProcess {
  readonly pid: number
  /** stdout and stderr so far, interleaved as received (the last 200 KB). */
  readonly output: () => string
  /** The complete stdout lines so far (the last 100,000). */
  readonly lines: () => readonly string[]
  /**
   * Resolves with the first stdout line matching `pattern`, including lines already printed (the last
   * 100,000 lines are kept).
   * Rejects, with the output tail, when the process exits first or after `timeoutMs` (default 15 s).
   */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
  /**
   * Resolves with the first IPC message (from `process.send`) matching `predicate` that no earlier
   * call took, including messages received before the call; each message is handed out once, so
   * successive calls see successive messages. Rejects on exit or after `timeoutMs` (default 15 s).
   */
  waitForMessage<T>(predicate: (m: unknown) => m is T, timeoutMs?: number): Promise<T>
  /** IPC to the child (`process.on('message')` there). Throws once the channel is closed. */
  send(message: unknown): void
  /** Sends `signal` (default SIGTERM) and resolves with the exit code once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface StartTsProcessOptions {
  /** Merged over the test process's environment. */
  env?: Record<string, string>
  args?: string[]
  /** `built`: run a JavaScript file of `dist/` with plain node, as users do. @default 'tsx' */
  runner?: 'tsx' | 'built'
}

const OUTPUT_LIMIT = 200 * 1024
const LINE_LIMIT = 100_000
const DEFAULT_WAIT_MS = 15_000

/**
 * Runs `node --import tsx <entry>` from the repo root, with IPC. Killed with SIGKILL if the test
 * process exits while it still runs.
 *
 * @example
 * const worker = startTsProcess('workers/main.ts', { env: { REDIS_URL: inject('redisUrl') } })
 * await worker.waitForLine(/worker ready/)
 * expect(await worker.kill()).toBe(0)
 */
export function startTsProcess(entry: string, opts: StartTsProcessOptions = {}): NodeProcess {
  const loader = opts.runner === 'built' ? [] : ['--import', 'tsx']
  const child = spawn(process.execPath, [...loader, resolve(repoRoot, entry), ...(opts.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  const output = new OutputTail(OUTPUT_LIMIT)
  child.on('error', (error) => output.append(`\n[child process error: ${error.message}]\n`))
  const { pid, stdout, stderr } = child
  if (pid === undefined || stdout === null || stderr === null) {
    throw new Error(`could not start node for ${entry}: ${output.text()}`)
  }
  const forgetAtExit = atExit(() => child.kill('SIGKILL'))

  const lines: string[] = []
  const messages: unknown[] = []
  // Waiters re-check their condition on every line, message and exit.
  const waiters = new Set<() => void>()
  const notify = (): void => waiters.forEach((check) => check())

  let partialLine = ''
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output.append(chunk)
    const parts = (partialLine + chunk).split('\n')
    partialLine = parts.pop() ?? ''
    for (const line of parts) lines.push(line.replace(/\r$/, ''))
    if (lines.length > LINE_LIMIT) lines.splice(0, lines.length - LINE_LIMIT)
    notify()
  })
  stderr.setEncoding('utf8').on('data', (chunk: string) => output.append(chunk))
  child.on('message', (message: unknown) => {
    messages.push(message)
    notify()
  })

  let hasExited = false
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    // 'close' waits for stdout to end, so a line printed just before exit is never missed.
    child.once('close', (code, signal) => {
      if (partialLine !== '') lines.push(partialLine)
      partialLine = ''
      hasExited = true
      forgetAtExit()
      resolveExit({ code, signal })
      notify()
    })
  })

  function waitFor<T>(what: string, find: () => { found: T } | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolveWait, rejectWait) => {
      const finish = (): void => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      const check = (): void => {
        const result = find()
        if (result !== undefined) {
          finish()
          resolveWait(result.found)
        } else if (hasExited) {
          finish()
          rejectWait(failure(`${entry} exited before ${what}`))
        }
      }
      const timer = setTimeout(() => {
        finish()
        rejectWait(failure(`${entry} gave no ${what} within ${timeoutMs} ms`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  }

  function failure(reason: string): Error {
    return new Error(`${reason}\nlast output:\n${output.lastLines(40) || '(none)'}`)
  }

  return {
    pid,
    output: () => output.text(),
    lines: () => [...lines],
    waitForLine(pattern, timeoutMs = DEFAULT_WAIT_MS) {
      return waitFor(
        `a line matching ${pattern}`,
        () => {
          const line = lines.find((candidate) => candidate.search(pattern) !== -1)
          return line === undefined ? undefined : { found: line }
        },
        timeoutMs,
      )
    },
    waitForMessage<T>(predicate: (m: unknown) => m is T, timeoutMs = DEFAULT_WAIT_MS) {
      return waitFor(
        'a matching IPC message',
        () => {
          for (const [index, message] of messages.entries()) {
            if (predicate(message)) {
              messages.splice(index, 1)
              return { found: message }
            }
          }
          return undefined
        },
        timeoutMs,
      )
    },
    send(message) {
      if (!child.connected) throw new Error(`IPC channel to ${entry} is closed`)
      child.send(message as Serializable)
    },
    async kill(signal = 'SIGTERM') {
      if (!hasExited) child.kill(signal)
      return (await exited).code
    },
    exited,
  }
}
