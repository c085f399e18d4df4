import type { Measurement } from './measure.js'

/** One row of the results table. */
export interface ResultRow {
  /** Short id the other rows name as their baseline, e.g. `c`. */
  readonly id: string
  readonly description: string
  readonly measurement: Measurement
  /** Ids of the rows this one is compared with; none for a baseline. */
  readonly baselines: readonly string[]
}

/** A column of a markdown table: its title and whether its cells are right-aligned (numbers). */
export interface TableColumn {
  readonly title: string
  readonly numeric?: boolean
}

/**
 * The results as a markdown table: case | events | seconds | events/s | ratio to baseline | runs.
 * @example console.log(resultsTable([{ id: 'c', description: 'raw PUBLISH', measurement, baselines: [] }]))
 */
export function resultsTable(rows: readonly ResultRow[]): string {
  const rateOf = new Map(rows.map((row) => [row.id, eventsPerSecond(row.measurement)]))
  const columns: TableColumn[] = [
    { title: 'case' },
    { title: 'events', numeric: true },
    { title: 'seconds (median)', numeric: true },
    { title: 'events/s', numeric: true },
    { title: 'ratio to baseline' },
    { title: 'runs (s)' },
  ]
  const cells = rows.map((row) => {
    const { events, seconds, samples } = row.measurement
    const rate = eventsPerSecond(row.measurement)
    const ratios = row.baselines.map(
      (id) => `${formatRatio(rate / (rateOf.get(id) ?? Number.NaN))} of (${id})`,
    )
    return [
      `(${row.id}) ${row.description}`,
      formatCount(events),
      seconds.toFixed(3),
      formatCount(rate),
      ratios.length > 0 ? ratios.join(', ') : 'baseline',
      samples.map((sample) => sample.toFixed(3)).join(' / '),
    ]
  })
  return markdownTable(columns, cells)
}

/**
 * A markdown table with one line per row; cells are written as given.
 * @example markdownTable([{ title: 'case' }, { title: 'events/s', numeric: true }], [['(a) burst', '5,992']])
 */
export function markdownTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  return [
    line(columns.map((column) => column.title)),
    line(columns.map((column) => (column.numeric === true ? '---:' : '---'))),
    ...rows.map(line),
  ].join('\n')
}

/** A ratio as `0.080×` below 0.1, `1.23×` above; `–` when a side was unknown or zero. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–'
  return `${ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2)}×`
}

/** A count or rate rounded to an integer with thousands separators: `75,238`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

function eventsPerSecond({ events, seconds }: Measurement): number {
  return events / seconds
}
