import type { OtlpTraceRequest } from './otlp-json.js'

/** Where and how traces are sent. */
export interface OtlpTarget {
  /** The full traces URL, e.g. `http://collector:4318/v1/traces`. */
  readonly url: string
  /** Sent with every request (authentication of a hosted backend). */
  readonly headers: Readonly<Record<string, string>>
  /** A request without an answer after this long is abandoned (and retried). */
  readonly timeoutMs: number
}

export type SendOutcome =
  | { readonly ok: true; readonly rejectedSpans: number }
  | { readonly ok: false; readonly retryable: boolean; readonly reason: string }

/** The statuses OTLP/HTTP names as retryable; any other failure status is permanent. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504])

/**
 * Posts one export request as OTLP/HTTP JSON. Never throws: a network failure, a timeout and the
 * retryable statuses are `retryable`; any other refusal is permanent. A partial success reports the
 * spans the backend rejected.
 * @example const outcome = await sendTraceRequest(target, encodeTraceRequest(spans, 'agent-events'))
 */
export async function sendTraceRequest(target: OtlpTarget, request: OtlpTraceRequest): Promise<SendOutcome> {
  let response: Response
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: { ...target.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(target.timeoutMs),
    })
  } catch (error) {
    return { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) }
  }
  const body = await response.text().catch(() => '')
  if (response.ok) return { ok: true, rejectedSpans: rejectedSpansOf(body) }
  return {
    ok: false,
    retryable: RETRYABLE_STATUSES.has(response.status),
    reason: `the OTLP endpoint answered ${response.status} ${body.slice(0, 200)}`.trim(),
  }
}

function rejectedSpansOf(body: string): number {
  try {
    const parsed: unknown = JSON.parse(body)
    const rejected = (parsed as { partialSuccess?: { rejectedSpans?: unknown } } | null)?.partialSuccess
      ?.rejectedSpans
    const count = Number(rejected ?? 0)
    return Number.isFinite(count) ? count : 0
  } catch {
    return 0
  }
}
