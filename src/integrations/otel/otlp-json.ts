import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import type { AttributeValue, Attributes, SpanStatus, TraceSpan } from './trace-model.js'

/**
 * The OTLP/HTTP JSON encoding of spans (`ExportTraceServiceRequest`, opentelemetry-proto
 * `collector/trace/v1`): ids as hex strings, 64-bit integers as decimal strings, enums as numbers.
 */

export type OtlpAnyValue =
  | { readonly stringValue: string }
  | { readonly boolValue: boolean }
  | { readonly intValue: string }
  | { readonly doubleValue: number }

export interface OtlpKeyValue {
  readonly key: string
  readonly value: OtlpAnyValue
}

export interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  /** `SPAN_KIND_INTERNAL` (1): every span of an execution is work inside the agent system. */
  readonly kind: number
  readonly startTimeUnixNano: string
  readonly endTimeUnixNano: string
  readonly attributes: readonly OtlpKeyValue[]
  readonly events: readonly {
    readonly timeUnixNano: string
    readonly name: string
    readonly attributes: readonly OtlpKeyValue[]
  }[]
  readonly droppedEventsCount: number
  /** `code`: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message?: string }
}

export interface OtlpTraceRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly OtlpKeyValue[] }
    readonly scopeSpans: readonly {
      readonly scope: { readonly name: string }
      readonly spans: readonly OtlpSpan[]
    }[]
  }[]
}

/** The instrumentation scope of the spans. */
export const SCOPE_NAME = 'agent-events'
const SPAN_KIND_INTERNAL = 1
const STATUS_CODES: Record<SpanStatus['code'], number> = { unset: 0, ok: 1, error: 2 }

/**
 * One export request for these spans, from a service of this name.
 * @example await fetch(url, { method: 'POST', body: JSON.stringify(encodeTraceRequest(trace.spans, 'agent-events')) })
 */
export function encodeTraceRequest(spans: readonly TraceSpan[], serviceName: string): OtlpTraceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues({ [ATTR_SERVICE_NAME]: serviceName }) },
        scopeSpans: [{ scope: { name: SCOPE_NAME }, spans: spans.map(encodeSpan) }],
      },
    ],
  }
}

function encodeSpan(span: TraceSpan): OtlpSpan {
  const { status } = span
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
    name: span.name,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: nanos(span.startTimeMs),
    endTimeUnixNano: nanos(span.endTimeMs),
    attributes: keyValues(span.attributes),
    events: span.events.map((event) => ({
      timeUnixNano: nanos(event.timeMs),
      name: event.name,
      attributes: keyValues(event.attributes),
    })),
    droppedEventsCount: span.droppedEventsCount,
    status:
      status.code === 'error' && status.message !== undefined
        ? { code: STATUS_CODES.error, message: status.message }
        : { code: STATUS_CODES[status.code] },
  }
}

function keyValues(attributes: Attributes): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }))
}

function anyValue(value: AttributeValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  return 'int' in value ? { intValue: String(value.int) } : { doubleValue: value.double }
}

/** Milliseconds since the epoch as the decimal string of nanoseconds. */
function nanos(ms: number): string {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString()
}
