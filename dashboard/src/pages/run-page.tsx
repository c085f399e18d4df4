import { useEffect, useState } from 'react'
import type { ReplaySpeed } from 'agent-events/client'
import { getExecution, type ExecutionSummary } from '../api/executions.js'
import { ConnectionPanel } from '../components/connection-panel.js'
import { ReplayControls } from '../components/replay-controls.js'
import { RunOverview } from '../components/run-overview.js'
import { useDashboard } from '../context.js'
import { useReplay } from '../hooks/use-replay.js'
import { useRunStream } from '../hooks/use-run-stream.js'
import { hrefOf } from '../routing.js'

/** One execution, live or replayed, with a switch between the two. */
export function RunPage({ executionId, mode }: { executionId: string; mode: 'live' | 'replay' }) {
  const summary = useSummary(executionId)
  return (
    <>
      <div className="page-head">
        <h1>
          Run{' '}
          <span className="mono" data-testid="run-id">
            {executionId}
          </span>
        </h1>
        <span className="grow" />
        <nav className="segmented" aria-label="Mode">
          <a
            href={hrefOf({ page: 'run', executionId, mode: 'live' })}
            aria-current={mode === 'live' ? 'page' : undefined}
            data-testid="mode-live"
          >
            Live
          </a>
          <a
            href={hrefOf({ page: 'run', executionId, mode: 'replay' })}
            aria-current={mode === 'replay' ? 'page' : undefined}
            data-testid="mode-replay"
          >
            Replay
          </a>
        </nav>
      </div>
      {mode === 'live' ? (
        <LiveRun key={executionId} executionId={executionId} />
      ) : (
        <ReplayRun key={executionId} executionId={executionId} lastSeq={summary?.lastSeq ?? 0} />
      )}
    </>
  )
}

function LiveRun({ executionId }: { executionId: string }) {
  const { client, api } = useDashboard()
  const stream = useRunStream(client, api, executionId)
  return (
    <>
      <ConnectionPanel stream={stream} />
      <RunOverview view={stream.view} clock="wall" />
    </>
  )
}

function ReplayRun({ executionId, lastSeq }: { executionId: string; lastSeq: number }) {
  const { client } = useDashboard()
  const [speed] = useState<ReplaySpeed>(10)
  const replay = useReplay(client, executionId, speed)
  return (
    <>
      <ReplayControls replay={replay} lastSeq={lastSeq} />
      <RunOverview view={replay.view} clock="events" />
    </>
  )
}

/** The stored summary of the execution, when the node has one (for the conversation and the last seq). */
function useSummary(executionId: string): ExecutionSummary | undefined {
  const { api } = useDashboard()
  const [summary, setSummary] = useState<ExecutionSummary | undefined>(undefined)
  useEffect(() => {
    let active = true
    setSummary(undefined)
    getExecution(api, executionId).then(
      (found) => active && setSummary(found),
      () => undefined,
    )
    return () => {
      active = false
    }
  }, [api, executionId])
  return summary
}
