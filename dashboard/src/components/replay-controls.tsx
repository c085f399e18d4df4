import { useEffect, useState } from 'react'
import type { ReplaySpeed } from '../api/replay.js'
import type { ReplayState } from '../hooks/use-replay.js'
import { Notice, StateBadge } from './common.js'

const SPEEDS: readonly { readonly speed: ReplaySpeed; readonly label: string }[] = [
  { speed: 1, label: '1×' },
  { speed: 10, label: '10×' },
  { speed: 'max', label: 'max' },
]

/**
 * Play, pause, speed and a seek slider over the seqs of the execution (up to `lastSeq`, the stored
 * summary's, or further as events come).
 */
export function ReplayControls({ replay, lastSeq }: { replay: ReplayState; lastSeq: number }) {
  const position = replay.view.state.lastSeq
  const [target, setTarget] = useState(position)
  const [dragging, setDragging] = useState(false)
  useEffect(() => {
    if (!dragging) setTarget(position)
  }, [position, dragging])
  const max = Math.max(lastSeq, position, 1)
  if (replay.phase === 'unavailable') {
    return (
      <Notice testId="replay-unavailable">
        Replay is unavailable: this dashboard's client or the node it is connected to has no replay. The live
        view shows the whole run from its first event.
      </Notice>
    )
  }
  const playing = replay.phase === 'playing' || replay.phase === 'starting'
  return (
    <div className="panel replay-bar" data-testid="replay-controls">
      <StateBadge
        state={replay.phase === 'failed' ? 'failed' : 'running'}
        label={replay.phase}
        testId="replay-phase"
      />
      <button
        type="button"
        className="primary"
        onClick={() =>
          playing ? replay.pause() : replay.phase === 'ended' ? replay.restart() : replay.resume()
        }
        disabled={replay.phase === 'following' || replay.phase === 'failed'}
        data-testid="replay-toggle"
      >
        {playing ? 'Pause' : replay.phase === 'ended' ? 'Play again' : 'Play'}
      </button>
      <div className="segmented" role="group" aria-label="Speed">
        {SPEEDS.map(({ speed, label }) => (
          <button
            key={label}
            type="button"
            aria-pressed={replay.speed === speed}
            onClick={() => replay.setSpeed(speed)}
            data-testid={`replay-speed-${label}`}
          >
            {label}
          </button>
        ))}
      </div>
      <label className="visually-hidden" htmlFor="replay-seek">
        Position (seq)
      </label>
      <input
        id="replay-seek"
        type="range"
        min={0}
        max={max}
        value={Math.min(target, max)}
        onChange={(change) => {
          setDragging(true)
          setTarget(Number(change.target.value))
        }}
        onPointerUp={(release) => {
          setDragging(false)
          replay.seek(Number(release.currentTarget.value))
        }}
        onKeyUp={(key) => {
          setDragging(false)
          replay.seek(Number(key.currentTarget.value))
        }}
        data-testid="replay-seek"
      />
      <span className="mono" data-testid="replay-position">
        seq {position} / {max}
      </span>
      {replay.error ? (
        <span className="badge failed">
          {replay.error.code}: {replay.error.message}
        </span>
      ) : null}
    </div>
  )
}
