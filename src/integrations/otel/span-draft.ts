import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions'
import type { Attributes, SpanEvent, SpanStatus, TraceSpan } from './trace-model.js'

/** Span events kept per span (the OpenTelemetry SDKs' default limit); the rest are counted as dropped. */
export const MAX_EVENTS_PER_SPAN = 128

/** A span while the trace of an execution is being built: opened by one event, ended by another. */
export class SpanDraft {
  private attributes: Record<string, Attributes[string]>
  private readonly events: SpanEvent[] = []
  private dropped = 0
  private status: SpanStatus = { code: 'unset' }
  private endTimeMs: number | undefined

  constructor(
    readonly spanId: string,
    private readonly parentSpanId: string | undefined,
    private readonly name: string,
    private readonly startTimeMs: number,
    attributes: Attributes,
  ) {
    this.attributes = { ...attributes }
  }

  get isOpen(): boolean {
    return this.endTimeMs === undefined
  }

  setAttributes(attributes: Attributes): void {
    this.attributes = { ...this.attributes, ...attributes }
  }

  addEvent(event: SpanEvent): void {
    if (this.events.length >= MAX_EVENTS_PER_SPAN) this.dropped += 1
    else this.events.push(event)
  }

  /** Marks the span failed: `error.type` (low cardinality) and an error status with the message. */
  fail(errorType: string, message: string): void {
    this.setAttributes({ [ATTR_ERROR_TYPE]: errorType })
    this.status = { code: 'error', message }
  }

  end(timeMs: number): void {
    this.endTimeMs ??= Math.max(timeMs, this.startTimeMs)
  }

  /** The finished span; one never ended ends at `traceEndMs`, with `incompleteAttribute` set. */
  toSpan(traceId: string, traceEndMs: number, incompleteAttribute: string): TraceSpan {
    const incomplete = this.endTimeMs === undefined
    return {
      traceId,
      spanId: this.spanId,
      ...(this.parentSpanId === undefined ? {} : { parentSpanId: this.parentSpanId }),
      name: this.name,
      startTimeMs: this.startTimeMs,
      endTimeMs: this.endTimeMs ?? Math.max(traceEndMs, this.startTimeMs),
      attributes: incomplete ? { ...this.attributes, [incompleteAttribute]: true } : this.attributes,
      events: this.events,
      droppedEventsCount: this.dropped,
      status: this.status,
    }
  }
}
