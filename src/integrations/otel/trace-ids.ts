import { createHash } from 'node:crypto'

/**
 * Trace and span ids derived from the execution id and our event ids, so that exporting an execution
 * again sends the same ids: a backend sees the same spans, not a second trace. SHA-256 truncated to the
 * W3C sizes (16 bytes for a trace, 8 for a span), never all zero (an invalid id).
 */

/**
 * The trace id of an execution: 32 lowercase hex digits.
 * @example traceIdOf('exec-123') // the same 32 hex digits on every call
 */
export function traceIdOf(executionId: string): string {
  return digest(`agent-events/trace\u0000${executionId}`, 16)
}

/**
 * The id of the span an event (or a fixed key such as `workflow`) opens in an execution: 16 hex digits.
 * @example spanIdOf('exec-123', agentStart.id)
 */
export function spanIdOf(executionId: string, key: string): string {
  return digest(`agent-events/span\u0000${executionId}\u0000${key}`, 8)
}

function digest(text: string, bytes: number): string {
  const hex = createHash('sha256')
    .update(text)
    .digest('hex')
    .slice(0, bytes * 2)
  // An all-zero id is invalid in W3C trace context; the odds are 2^-64 at worst, but never send one.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex
}
