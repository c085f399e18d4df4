import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { atExit } from './exit-cleanup.js'
import { freePort } from './free-port.js'
import { OutputTail } from './output-tail.js'

/** A real server running as a child process on 127.0.0.1, with its own temporary data directory. */
export interface ServiceHandle {
  /** `redis://127.0.0.1:P` or `mongodb://127.0.0.1:P` (no database name). */
  readonly url: string
  readonly port: number
  readonly dataDir: string
  /** The server's process id while it runs (CPU accounting in the benches). */
  readonly pid: number | undefined
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. Idempotent. Keeps the data dir. */
  stop(): Promise<void>
  /** SIGKILL (a crash); resolves once the process has exited. Keeps the data dir. */
  kill(): Promise<void>
  /** (Re)starts on the same port and data dir; resolves when the server answers. No-op while running. */
  start(): Promise<void>
  /** SIGSTOP: the server keeps its connections but answers nothing until {@link resume}. */
  pause(): void
  /** SIGCONT after {@link pause}. */
  resume(): void
  /** Stops the server for good and removes its data dir (unless it was placed). Idempotent. */
  dispose(): Promise<void>
}

/**
 * Where a long-lived server lives (the local stack of `npm start`): a fixed port and a data dir that
 * is kept across runs. Without it, a server gets a free port and a temp dir removed on dispose.
 */
export interface ServicePlacement {
  readonly port: number
  readonly dataDir: string
}

/** How to run and probe one kind of server. */
export interface ServiceSpec {
  /** Short name used in temp dir names and error messages, e.g. `redis-server`. */
  readonly name: string
  readonly command: string
  args(port: number, dataDir: string): string[]
  url(port: number): string
  /** One readiness probe; resolves false (never rejects) while the server cannot answer yet. */
  isReady(port: number): Promise<boolean>
}

const READY_TIMEOUT_MS = 15_000
const STOP_GRACE_MS = 5_000
const POLL_INTERVAL_MS = 100
const PORT_ATTEMPTS = 3

/**
 * Starts `spec` on a free port with a fresh data dir and resolves once it answers its probe.
 *
 * @example
 * const redis = await startService(redisSpec)
 * try { ... } finally { await redis.dispose() }
 */
export async function startService(spec: ServiceSpec, placement?: ServicePlacement): Promise<ServiceHandle> {
  if (placement) {
    await mkdir(placement.dataDir, { recursive: true })
    const service = new ServiceProcess(spec, placement.port, placement.dataDir, false)
    await service.start()
    return service
  }
  const dataDir = await mkdtemp(join(tmpdir(), `agent-events-${spec.name}-`))
  for (let attempt = 1; ; attempt++) {
    const service = new ServiceProcess(spec, await freePort(), dataDir, true)
    try {
      await service.start()
      return service
    } catch (error) {
      await service.kill()
      // The free port can be taken between freePort() and the server's bind: try another one.
      const portTaken = /address already in use/i.test(service.output())
      if (!portTaken || attempt >= PORT_ATTEMPTS) {
        await service.dispose()
        throw error
      }
      service.forgetAtExit()
    }
  }
}

class ServiceProcess implements ServiceHandle {
  readonly url: string
  readonly port: number
  readonly dataDir: string
  readonly #spec: ServiceSpec
  readonly #output = new OutputTail(64 * 1024)
  readonly #forgetAtExit: () => void
  readonly #ownsDataDir: boolean
  #child: ChildProcess | undefined
  #exited: Promise<void> = Promise.resolve()
  #lastExit = ''
  #paused = false
  #stopping: Promise<void> | undefined
  #disposing: Promise<void> | undefined

  constructor(spec: ServiceSpec, port: number, dataDir: string, ownsDataDir: boolean) {
    this.#spec = spec
    this.port = port
    this.dataDir = dataDir
    this.url = spec.url(port)
    this.#ownsDataDir = ownsDataDir
    // A placed server (the local stack) is stopped by its owner, in order, never by a signal handler.
    this.#forgetAtExit = ownsDataDir
      ? atExit(() => {
          this.#child?.kill('SIGKILL')
          rmSync(dataDir, { recursive: true, force: true })
        })
      : () => undefined
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  output(): string {
    return this.#output.text()
  }

  forgetAtExit(): void {
    this.#forgetAtExit()
  }

  async start(): Promise<void> {
    if (this.#disposing !== undefined) throw new Error(`${this.#spec.name} on port ${this.port} was disposed`)
    if (this.#stopping !== undefined) await this.#stopping
    if (this.#child !== undefined) return
    const child = this.#spawn()
    await this.#waitUntilReady(child)
  }

  stop(): Promise<void> {
    const child = this.#child
    if (child === undefined) return Promise.resolve()
    this.#stopping ??= this.#terminate(child)
    return this.#stopping
  }

  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL')
    await this.#exited
  }

  pause(): void {
    this.#running().kill('SIGSTOP')
    this.#paused = true
  }

  resume(): void {
    this.#running().kill('SIGCONT')
    this.#paused = false
  }

  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      await this.stop()
      if (this.#ownsDataDir) await rm(this.dataDir, { recursive: true, force: true })
      this.#forgetAtExit()
    })()
    return this.#disposing
  }

  #spawn(): ChildProcess {
    const args = this.#spec.args(this.port, this.dataDir)
    // Its own process group: a Ctrl-C meant for the parent (npm start) must not stop the server
    // before the processes that use it.
    const child = spawn(this.#spec.command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    this.#child = child
    this.#paused = false
    this.#stopping = undefined
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.#output.append(chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.#output.append(chunk))
    this.#exited = new Promise((resolve) => {
      const ended = (status: string): void => {
        if (this.#child === child) this.#child = undefined
        this.#lastExit = status
        resolve()
      }
      child.once('exit', (code, signal) => ended(signal === null ? `exit code ${code}` : `signal ${signal}`))
      // A spawn failure (e.g. ENOENT) may emit 'error' without 'exit'.
      child.once('error', (error) => ended(`spawn error: ${error.message}`))
    })
    return child
  }

  async #waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS
    for (;;) {
      if (this.#child !== child) throw this.#startError(`exited before it was ready (${this.#lastExit})`)
      if ((await this.#spec.isReady(this.port)) && this.#child === child) return
      if (Date.now() >= deadline) {
        await this.kill()
        throw this.#startError(`was not ready within ${READY_TIMEOUT_MS / 1000} s`)
      }
      await Promise.race([delay(POLL_INTERVAL_MS), this.#exited])
    }
  }

  async #terminate(child: ChildProcess): Promise<void> {
    child.kill('SIGTERM')
    // A stopped process only handles SIGTERM once continued.
    if (this.#paused) child.kill('SIGCONT')
    const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await this.#exited
    clearTimeout(escalation)
  }

  #running(): ChildProcess {
    if (this.#child === undefined) throw new Error(`${this.#spec.name} on port ${this.port} is not running`)
    return this.#child
  }

  #startError(reason: string): Error {
    const args = this.#spec.args(this.port, this.dataDir).map((arg) => (arg === '' ? "''" : arg))
    const commandLine = [this.#spec.command, ...args].join(' ')
    return new Error(
      `${this.#spec.name} on 127.0.0.1:${this.port} ${reason}\n` +
        `command: ${commandLine}\n` +
        `last output:\n${this.#output.lastLines(30) || '(none)'}`,
    )
  }
}
