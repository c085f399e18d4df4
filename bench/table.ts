/** One measure of agent-events against its baseline measured in the same run. */
export interface Comparison {
  readonly measure: string
  readonly ours: number
  readonly baseline: number
  readonly baselineName: string
  /** The ratio ours / baseline that the measure aims for. */
  readonly goal: { readonly atLeast: number } | { readonly atMost: number }
}

/** A column of a markdown table: its title and whether its cells are right-aligned (numbers). */
export interface TableColumn {
  readonly title: string
  readonly numeric?: boolean
}

/**
 * The comparisons as a markdown table: measure | agent-events | baseline | ratio | goal | met.
 * @example console.log(comparisonTable([{ measure: 'emit, events/s', ours: 9000, baseline: 8000, baselineName: 'addBulk', goal: { atLeast: 1 } }]))
 */
export function comparisonTable(comparisons: readonly Comparison[]): string {
  const columns: TableColumn[] = [
    { title: 'measure' },
    { title: 'agent-events', numeric: true },
    { title: 'baseline', numeric: true },
    { title: 'ratio', numeric: true },
    { title: 'goal' },
    { title: 'met' },
    { title: 'baseline is' },
  ]
  const cells = comparisons.map(({ measure, ours, baseline, baselineName, goal }) => {
    const ratio = ours / baseline
    const met = 'atLeast' in goal ? ratio >= goal.atLeast : ratio <= goal.atMost
    return [
      measure,
      formatCount(ours),
      formatCount(baseline),
      formatRatio(ratio),
      'atLeast' in goal ? `≥ ${goal.atLeast.toFixed(1)}×` : `≤ ${goal.atMost.toFixed(1)}×`,
      Number.isFinite(ratio) ? (met ? 'yes' : 'no') : '–',
      baselineName,
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
