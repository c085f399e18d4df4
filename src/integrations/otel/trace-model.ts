/**
 * The trace of one execution, as the OTLP encoder takes it: spans with explicit ids and times (taken
 * from the events, never from the export), typed attributes and span events.
 */

/** An integer attribute (OTLP `intValue`). */
export interface IntValue {
  readonly int: number
}
/** A floating-point attribute (OTLP `doubleValue`), also for a score that happens to be whole. */
export interface DoubleValue {
  readonly double: number
}
export type AttributeValue = string | boolean | IntValue | DoubleValue
export type Attributes = Readonly<Record<string, AttributeValue>>

export interface SpanEvent {
  readonly name: string
  /** Milliseconds since the epoch: the timestamp of the event it records. */
  readonly timeMs: number
  readonly attributes: Attributes
}

export type SpanStatus =
  { readonly code: 'unset' } | { readonly code: 'ok' } | { readonly code: 'error'; readonly message?: string }

export interface TraceSpan {
  /** 32 hex digits. */
  readonly traceId: string
  /** 16 hex digits. */
  readonly spanId: string
  /** Absent for the root span. */
  readonly parentSpanId?: string
  readonly name: string
  /** Milliseconds since the epoch. */
  readonly startTimeMs: number
  readonly endTimeMs: number
  readonly attributes: Attributes
  readonly events: readonly SpanEvent[]
  /** Span events left out past the per-span limit. */
  readonly droppedEventsCount: number
  readonly status: SpanStatus
}

export interface ExecutionTrace {
  readonly executionId: string
  readonly traceId: string
  /** The root (`invoke_workflow`) first. */
  readonly spans: readonly TraceSpan[]
}

/** @example int(1200) */
export const int = (value: number): IntValue => ({ int: Math.round(value) })
/** @example double(0.82) */
export const double = (value: number): DoubleValue => ({ double: value })
