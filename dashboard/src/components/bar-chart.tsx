export interface BarSeries {
  readonly name: string
  /** `primary`, `secondary`, `good` or `bad`: the bar's colour. */
  readonly tone: 'primary' | 'secondary' | 'good' | 'bad'
}

export interface BarRow {
  readonly key: string
  readonly label: string
  /** One value per series; null draws no bar (no data). */
  readonly values: readonly (number | null)[]
}

const WIDTH = 640
const LABEL_WIDTH = 170
const VALUE_WIDTH = 80
const BAR = 12
const GAP = 3
const ROW_GAP = 10

/**
 * Horizontal bars, one group of bars per row (one bar per series), each labelled with its value. SVG
 * without a chart library: the figures stay readable at a glance and in a screen reader (a title per bar).
 * @example <BarChart title="Runs" series={[{ name: 'runs', tone: 'primary' }]} rows={rows} format={formatCount} />
 */
export function BarChart({
  title,
  series,
  rows,
  format,
  max,
  testId,
}: {
  title: string
  series: readonly BarSeries[]
  rows: readonly BarRow[]
  format: (value: number) => string
  /** The value of a full bar. @default the largest value */
  max?: number
  testId: string
}) {
  const largest = max ?? Math.max(0, ...rows.flatMap((row) => row.values.map((value) => value ?? 0)))
  const scale = (value: number): number =>
    largest <= 0 ? 0 : (value / largest) * (WIDTH - LABEL_WIDTH - VALUE_WIDTH)
  const rowHeight = series.length * (BAR + GAP) + ROW_GAP
  const height = Math.max(rows.length * rowHeight, rowHeight)
  return (
    <figure className="chart panel" data-testid={testId}>
      <h3>{title}</h3>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={title}>
        {rows.map((row, rowIndex) => {
          const top = rowIndex * rowHeight
          return (
            <g key={row.key} data-testid={`${testId}-row-${row.key}`}>
              <text x={0} y={top + (series.length * (BAR + GAP)) / 2 + 4}>
                {row.label.length > 24 ? `${row.label.slice(0, 23)}…` : row.label}
              </text>
              {series.map((one, index) => {
                const value = row.values[index] ?? null
                const y = top + index * (BAR + GAP)
                return (
                  <g key={one.name}>
                    {value === null ? null : (
                      <rect
                        className={`bar ${one.tone}`}
                        x={LABEL_WIDTH}
                        y={y}
                        width={Math.max(scale(value), 1)}
                        height={BAR}
                        rx={2}
                      >
                        <title>
                          {row.label} {one.name}: {format(value)}
                        </title>
                      </rect>
                    )}
                    <text
                      className="value-label"
                      x={LABEL_WIDTH + (value === null ? 0 : scale(value)) + 6}
                      y={y + BAR - 2}
                      data-testid={`${testId}-value-${row.key}-${index}`}
                    >
                      {value === null ? 'no data' : format(value)}
                    </text>
                  </g>
                )
              })}
            </g>
          )
        })}
      </svg>
      {series.length > 1 ? (
        <figcaption className="legend">
          {series.map((one) => (
            <span key={one.name}>
              <span className={`swatch ${one.tone}`} />
              {one.name}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  )
}
