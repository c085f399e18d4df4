/**
 * The IPC protocol between a fault-injection test and its sequenced producer process
 * (`sequenced-producer.ts`), declared once for both sides.
 *
 * test → producer: `start`, then `stop`. producer → test: `ready` (connected to Redis), then one
 * `report` after `stop`, once the producer has flushed its outbox.
 */

/** test → producer: begin emitting. */
export interface StartMessage {
  readonly type: 'start'
}

/** test → producer: stop emitting, flush and report. */
export interface StopMessage {
  readonly type: 'stop'
}

export type ProducerCommand = StartMessage | StopMessage

/** One event the broker took responsibility for. */
export interface AcknowledgedEvent {
  readonly id: string
  readonly executionId: string
  /** The producer's own counter, per execution, from 1: carried on the event as `n`. */
  readonly n: number
  /** Known when the emit resolved `sent`; an event acknowledged by the final flush has none here. */
  readonly seq?: number
}

/** producer → test: what became of every emit, after the final flush. */
export interface ProducerReport {
  readonly type: 'report'
  /** Emits accepted by the emitter (valid events). */
  readonly accepted: number
  /** Emit results by status (`sent`, `queued`, `dropped`, `rejected`). */
  readonly statuses: Readonly<Record<string, number>>
  /** Whether the final `flush()` resolved true: every `queued` event is in Redis. */
  readonly flushed: boolean
  /** `emitter.stats.dropped`: events accepted and then dropped from a full outbox. */
  readonly dropped: number
  /**
   * Every acknowledged event: resolved `sent`, or resolved `queued` and confirmed by the final flush
   * (only when nothing was dropped, since a dropped `queued` event cannot be told apart).
   */
  readonly acknowledged: readonly AcknowledgedEvent[]
}

export interface ReadyMessage {
  readonly type: 'ready'
}

const hasType = (message: unknown, type: string): boolean =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type

export const isReadyMessage = (message: unknown): message is ReadyMessage => hasType(message, 'ready')
export const isProducerReport = (message: unknown): message is ProducerReport => hasType(message, 'report')
export const isProducerCommand = (message: unknown): message is ProducerCommand =>
  hasType(message, 'start') || hasType(message, 'stop')
