import { positiveIntegerSetting } from '../bench-process.js'
import type { FloodKind } from './child-protocol.js'

/** What one `npm run bench:fanout` measures; every field has a default and an environment variable. */
export interface FanoutSettings {
  /** Socket.IO clients of the fan-out phases, split evenly over the nodes. BENCH_CLIENTS, default 1,000. */
  readonly clients: number
  /** Executions the clients are spread over (each has clients on every node). BENCH_EXECUTIONS, default 4. */
  readonly executions: number
  /** Seconds each rate is emitted for. BENCH_SECONDS, default 3. */
  readonly seconds: number
  /** Emit rates, events/s over all executions. BENCH_RATES, comma-separated, default 100,200,400. */
  readonly rates: readonly number[]
  /** Runs of every phase; medians are reported. BENCH_REPETITIONS, default 3. */
  readonly repetitions: number
  /** Longest wait for the last deliveries after the last emit, s. BENCH_DRAIN_SECONDS, default 15. */
  readonly drainSeconds: number
  readonly flood: FloodSettings
  /** Use this Redis instead of starting one (REDIS_URL). */
  readonly redisUrl?: string
  /** Use this MongoDB-compatible server instead of starting one (MONGODB_URI). */
  readonly mongoUrl?: string
}

export interface FloodSettings {
  /** Clients that must keep receiving every event. BENCH_FLOOD_CLIENTS, default 50. */
  readonly clients: number
  /** Emit rate while they are measured, events/s. BENCH_FLOOD_EMIT_RATE, default 200. */
  readonly emitRate: number
  /** Requests per second of the flooder. BENCH_FLOOD_RATE, default 1,000. */
  readonly messagesPerSecond: number
  /** What it sends. BENCH_FLOOD_KIND: `raw-ping` (default) or `socket.io-subscribe`. */
  readonly kind: FloodKind
}

/** Web nodes per stack: two, so that every broadcast crosses Redis to reach some of the clients. */
export const NODES_PER_STACK = 2

const FLOOD_KINDS: readonly FloodKind[] = ['raw-ping', 'socket.io-subscribe']

/**
 * The settings from the environment; an invalid value stops the process with exit code 2.
 * @example const settings = fanoutSettingsFromEnv() // BENCH_CLIENTS=100 BENCH_SECONDS=2 for a quick check
 */
export function fanoutSettingsFromEnv(): FanoutSettings {
  return {
    clients: positiveIntegerSetting('BENCH_CLIENTS', 1000),
    executions: positiveIntegerSetting('BENCH_EXECUTIONS', 4),
    seconds: positiveIntegerSetting('BENCH_SECONDS', 3),
    rates: ratesSetting('BENCH_RATES', [100, 200, 400]),
    repetitions: positiveIntegerSetting('BENCH_REPETITIONS', 3),
    drainSeconds: positiveIntegerSetting('BENCH_DRAIN_SECONDS', 15),
    flood: {
      clients: positiveIntegerSetting('BENCH_FLOOD_CLIENTS', 50),
      emitRate: positiveIntegerSetting('BENCH_FLOOD_EMIT_RATE', 200),
      messagesPerSecond: positiveIntegerSetting('BENCH_FLOOD_RATE', 1000),
      kind: floodKindSetting('BENCH_FLOOD_KIND'),
    },
    redisUrl: process.env.REDIS_URL || undefined,
    mongoUrl: process.env.MONGODB_URI || undefined,
  }
}

/**
 * How long a run may take before it is stopped: server and process startup, then every phase at
 * its longest (emitting, draining, subscribing). A hang is cut off; a slow machine is not.
 */
export function hardTimeoutMs(settings: FanoutSettings): number {
  const warmUps = 3
  const phases = warmUps + settings.repetitions * (2 * settings.rates.length + 2)
  const longestPhaseMs = (settings.seconds + settings.drainSeconds) * 1000 + 10_000
  return 120_000 + phases * longestPhaseMs
}

function ratesSetting(name: string, fallback: readonly number[]): readonly number[] {
  const value = process.env[name]
  if (value === undefined || value === '') return fallback
  const rates = value.split(',').map((part) => Number(part.trim()))
  if (rates.some((rate) => !Number.isInteger(rate) || rate < 1)) {
    console.error(`${name} must be comma-separated positive integers, got ${JSON.stringify(value)}`)
    process.exit(2)
  }
  return rates
}

function floodKindSetting(name: string): FloodKind {
  const value = process.env[name]
  if (value === undefined || value === '') return 'raw-ping'
  const kind = FLOOD_KINDS.find((known) => known === value)
  if (kind === undefined) {
    console.error(`${name} must be one of ${FLOOD_KINDS.join(', ')}, got ${JSON.stringify(value)}`)
    process.exit(2)
  }
  return kind
}
