import type { ReactNode } from 'react'

/** A state as a coloured pill: `running`, `completed`, `failed`, `pending`, `live`, `resuming`, ... */
export function StateBadge({ state, label, testId }: { state: string; label?: string; testId?: string }) {
  return (
    <span className={`badge ${state}`} data-state={state} data-testid={testId}>
      {label ?? state}
    </span>
  )
}

/** One figure of a stats row. */
export function Stat({
  label,
  value,
  sub,
  testId,
}: {
  label: string
  value: ReactNode
  sub?: ReactNode
  testId: string
}) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {value}
      </div>
      {sub === undefined ? null : <div className="sub">{sub}</div>}
    </div>
  )
}

/** A message above the content: `warn` (default), `error` or `info`. */
export function Notice({
  kind = 'warn',
  testId,
  children,
}: {
  kind?: 'warn' | 'error' | 'info'
  testId?: string
  children: ReactNode
}) {
  return (
    <div
      className={`notice ${kind === 'warn' ? '' : kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid={testId}
    >
      {children}
    </div>
  )
}

/** A progress bar (0..100) that screen readers announce; no inline style, so the CSP holds. */
export function Progress({ value, label, testId }: { value: number; label: string; testId?: string }) {
  const clamped = Math.max(0, Math.min(100, value))
  return (
    <progress max={100} value={clamped} aria-label={label} data-testid={testId} data-value={clamped}>
      {clamped}%
    </progress>
  )
}

/** The message of a failure for people: the catalogue code and message when there is one. */
export function failureText(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    return `${String(error.code)}: ${String(error.message)}`
  }
  return error instanceof Error ? error.message : String(error)
}
