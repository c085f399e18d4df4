/** One dependency a node needs to serve: resolves when it works, rejects with the reason when not. */
export type ReadinessCheck = () => Promise<void>

export interface ReadinessReport {
  readonly ready: boolean
  /** `ok`, or why the check failed, per dependency; `shutting_down` once the node closes. */
  readonly checks: Readonly<Record<string, string>>
}

/**
 * Whether a node can serve: every dependency check passes within its timeout and the node is not
 * shutting down (a load balancer stops sending it clients as soon as it closes).
 * @example const report = await readiness.report() // { ready: true, checks: { redis: 'ok', ... } }
 */
export class Readiness {
  private shuttingDown = false

  constructor(
    private readonly checks: Readonly<Record<string, ReadinessCheck>>,
    private readonly timeoutMs: number,
  ) {}

  markShuttingDown(): void {
    this.shuttingDown = true
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      Object.entries(this.checks).map(async ([name, check]) => [name, await this.run(check)] as const),
    )
    const checks: Record<string, string> = Object.fromEntries(entries)
    if (this.shuttingDown) checks.node = 'shutting_down'
    return { ready: !this.shuttingDown && entries.every(([, result]) => result === 'ok'), checks }
  }

  private async run(check: ReadinessCheck): Promise<string> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs)
    })
    try {
      await Promise.race([check(), timeout])
      return 'ok'
    } catch (error) {
      return `failed: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      clearTimeout(timer)
    }
  }
}
