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

/**
 * The results as a markdown table: case | events | seconds | events/s | ratio to baseline | runs.
 * @example console.log(resultsTable([{ id: 'c', description: 'raw PUBLISH', measurement, baselines: [] }]))
 */
export function resultsTable(rows: readonly ResultRow[]): string {
  const rateOf = new Map(rows.map((row) => [row.id, eventsPerSecond(row.measurement)]))
  const lines = [
    '| case | events | seconds (median) | events/s | ratio to baseline | runs (s) |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  ]
  for (const row of rows) {
    const { events, seconds, samples } = row.measurement
    const rate = eventsPerSecond(row.measurement)
    const ratios = row.baselines.map(
      (id) => `${formatRatio(rate / (rateOf.get(id) ?? Number.NaN))} of (${id})`,
    )
    lines.push(
      [
        `(${row.id}) ${row.description}`,
        events.toLocaleString('en-US'),
        seconds.toFixed(3),
        Math.round(rate).toLocaleString('en-US'),
        ratios.length > 0 ? ratios.join(', ') : 'baseline',
        samples.map((sample) => sample.toFixed(3)).join(' / '),
      ].join(' | '),
    )
  }
  return lines.map((line) => (line.startsWith('|') ? line : `| ${line} |`)).join('\n')
}

function eventsPerSecond({ events, seconds }: Measurement): number {
  return events / seconds
}

function formatRatio(ratio: number): string {
  return `${ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2)}×`
}
