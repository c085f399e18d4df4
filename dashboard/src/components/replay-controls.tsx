import { useState } from 'react'
import type { ReplaySpeed } from 'agent-events/client'
import type { ReplayState } from '../hooks/use-replay.js'
import { StateBadge } from './common.js'

const SPEEDS: readonly { readonly speed: ReplaySpeed; readonly label: string }[] = [
  { speed: 1, label: '1×' },
  { speed: 10, label: '10×' },
  { speed: 'max', label: 'max' },
]

/**
 * Play, pause, speed and a seek slider over the seqs of the execution (up to `lastSeq`, the stored
 * summary's, or further as the replay learns of more). The slider shows the replay's position (a
 * seek's target until the node answers it), except while it is being moved; it seeks when released
 * (pointer up, key up, leaving it).
 */
export function ReplayControls({ replay, lastSeq }: { replay: ReplayState; lastSeq: number }) {
  const [moving, setMoving] = useState<number | undefined>(undefined)
  const shown = replay.view.state.lastSeq
  const max = Math.max(lastSeq, replay.lastSeq, replay.position, 1)
  // Only a move seeks: a key that changes nothing (Tab onto the slider) must not.
  const release = (): void => {
    if (moving === undefined) return
    setMoving(undefined)
    replay.seek(moving)
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
        value={Math.min(moving ?? replay.position, max)}
        onChange={(change) => setMoving(Number(change.target.value))}
        onPointerUp={release}
        onKeyUp={release}
        onBlur={release}
        disabled={replay.phase === 'failed'}
        data-testid="replay-seek"
      />
      <span className="mono" data-testid="replay-position">
        seq {shown} / {max}
      </span>
      {replay.error ? (
        <span className="badge failed">
          {replay.error.code}: {replay.error.message}
        </span>
      ) : null}
    </div>
  )
}
