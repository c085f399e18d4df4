/**
 * Child process of the fan-out bench: one connection flooding a web node with requests at a fixed
 * rate until told to stop or disconnected by the server. A process of its own, so that flooding
 * costs neither the producer nor the measured clients any CPU time.
 */
import type { FloodKind, FloodReport, FlooderCommands } from './child-protocol.js'
import { serveCommands } from './child-rpc.js'
import { FloodTally, openFloodConnection, type FloodConnection } from './flood-sources.js'
import { wallClockMs } from './latency-recorder.js'
import { pace } from './pacer.js'

/** The longest flood, whatever the bench asks: the process must stop by itself. */
const MAX_FLOOD_SECONDS = 300
const FIRST_REPLY_TIMEOUT_MS = 15_000

interface Flood {
  readonly kind: FloodKind
  readonly connection: FloodConnection
  readonly tally: FloodTally
  readonly startedAt: number
  readonly pacing: Promise<{ sent: number; seconds: number }>
  /** Set by `stop`; the pacing reads it every round. */
  readonly control: { stopped: boolean }
}

let flood: Flood | undefined

serveCommands<FlooderCommands>(
  {
    start: async ({ url, kind, ratePerSecond }) => {
      if (flood !== undefined) throw new Error('already flooding')
      const tally = new FloodTally()
      const connection = await openFloodConnection(kind, url, tally)
      const control = { stopped: false }
      const startedAt = wallClockMs()
      const pacing = pace({
        ratePerSecond,
        count: ratePerSecond * MAX_FLOOD_SECONDS,
        send: () => connection.sendOne(),
        stopped: () => control.stopped || !connection.open,
      })
      flood = { kind, connection, tally, startedAt, pacing, control }
      await withTimeout(tally.firstReply, FIRST_REPLY_TIMEOUT_MS, `no reply to the flood from ${url}`)
      return { startedAt }
    },
    stop: async () => {
      if (flood === undefined) throw new Error('not flooding')
      const stopping = flood
      flood = undefined
      stopping.control.stopped = true
      const { sent, seconds } = await stopping.pacing
      stopping.connection.close()
      return floodReport(stopping, sent, seconds)
    },
  },
  async () => flood?.connection.close(),
)

function floodReport(flood: Flood, sent: number, seconds: number): FloodReport {
  const { tally, startedAt } = flood
  return {
    kind: flood.kind,
    sent,
    answered: tally.answered,
    errors: Object.fromEntries(tally.errors),
    disconnectedAfterSeconds:
      tally.disconnectedAt === null ? null : (tally.disconnectedAt - startedAt) / 1000,
    disconnectReason: tally.disconnectReason,
    floodedSeconds: seconds,
  }
}

function withTimeout(promise: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
