import type { Timeline } from '../state/timeline.js'
import { formatDuration } from '../state/format.js'

const ROW = 20
const LABEL_WIDTH = 210
const WIDTH = 1000
const AXIS = 22
const INDENT = 12

/**
 * The Gantt chart of a run: one row per department, agent and tool call, a bar from its start to its
 * end (or to now while it runs), coloured by state. Pure SVG; sizes scale with the container.
 */
export function TimelineChart({ timeline }: { timeline: Timeline }) {
  const { start, end, bars } = timeline
  if (bars.length === 0) return <p className="empty">Nothing to draw yet.</p>
  const span = Math.max(end - start, 1)
  const plot = WIDTH - LABEL_WIDTH - 10
  const x = (time: number): number => LABEL_WIDTH + ((time - start) / span) * plot
  const height = AXIS + bars.length * ROW + 4
  const ticks = Array.from({ length: 6 }, (_, i) => start + (span * i) / 5)
  return (
    <div className="timeline" data-testid="timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={`Timeline of ${bars.length} bars over ${formatDuration(span)}`}
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line className="gridline" x1={x(tick)} x2={x(tick)} y1={AXIS - 4} y2={height} />
            <text className="axis" x={x(tick)} y={12} textAnchor="middle">
              +{formatDuration(tick - start)}
            </text>
          </g>
        ))}
        {bars.map((bar, index) => {
          const y = AXIS + index * ROW
          const left = x(bar.start)
          const width = Math.max(x(bar.end) - left, 2)
          return (
            <g key={bar.id} data-testid={`timeline-bar-${bar.id}`} data-state={bar.state}>
              <text className="label" x={4 + bar.depth * INDENT} y={y + 14}>
                {bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label}
              </text>
              <rect
                className={`bar-${bar.state} bar-${bar.kind}`}
                x={left}
                y={y + 4}
                width={width}
                height={bar.kind === 'tool' ? ROW - 10 : ROW - 6}
                rx={3}
              >
                <title>
                  {bar.kind} {bar.label}: {bar.state}, {formatDuration(bar.end - bar.start)}
                </title>
              </rect>
            </g>
          )
        })}
      </svg>
    </div>
  )
}
