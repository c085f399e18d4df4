/** How numbers and times read on the dashboard. */

const numberFormat = new Intl.NumberFormat('en-US')

/**
 * A duration for people: `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 01 min`.
 * @example formatDuration(65_000) // '1 min 05 s'
 */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60) return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/** A count with thousands separators: `12,345`. */
export function formatCount(value: number | undefined | null): string {
  return value === undefined || value === null ? '—' : numberFormat.format(value)
}

/** A quality score with one decimal, or a dash. */
export function formatScore(value: number | undefined | null): string {
  return value === undefined || value === null ? '—' : value.toFixed(1)
}

/** A ratio as a percentage: `12.5%`. */
export function formatPercent(ratio: number | undefined | null): string {
  return ratio === undefined || ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`
}

/** A time of day, `14:03:27`, from an ISO string. */
export function formatClock(iso: string | undefined): string {
  if (iso === undefined) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleTimeString('en-GB', { hour12: false })
}

/** A date and time, `2026-11-01 14:03`, from an ISO string. */
export function formatDateTime(iso: string | undefined): string {
  if (iso === undefined) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** A JSON value shortened for one line. */
export function preview(value: unknown, max = 160): string {
  if (value === undefined) return ''
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (text === undefined) return ''
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
