import type { RunStream } from '../hooks/use-run-stream.js'
import { gapsOf } from '../state/event-log.js'
import { Notice, StateBadge } from './common.js'

const LINK_LABELS = {
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  resuming: 'resuming',
  live: 'live',
} as const

/**
 * Where the live stream stands: live, reconnecting or resuming (with how far the replay has come),
 * how often it resumed, and every range of seqs the node could not replay, with what the stored
 * history gave for it. Such a range is never hidden: a run with a hole says so.
 */
export function ConnectionPanel({ stream }: { stream: RunStream }) {
  const { link, resumes, ackLastSeq, missing, error, view } = stream
  const gaps = gapsOf(view.events, ackLastSeq)
  return (
    <>
      <div className="page-head">
        <StateBadge state={link} label={LINK_LABELS[link]} testId="link-state" />
        {link === 'resuming' && ackLastSeq !== undefined ? (
          <span className="step" data-testid="resume-progress">
            {view.state.lastSeq} of {ackLastSeq} events
          </span>
        ) : null}
        <span className="step" data-testid="resume-count">
          {resumes === 0 ? 'no reconnection' : `resumed ${resumes} ${resumes === 1 ? 'time' : 'times'}`}
        </span>
      </div>
      {error ? (
        <Notice kind="error" testId="stream-error">
          The node refused to stream this run: {error.code} ({error.message})
        </Notice>
      ) : null}
      {missing.map((range) => (
        <Notice key={`${range.from}-${range.to}`} testId="missing-range">
          Events {range.from}–{range.to} could not be replayed by the node.{' '}
          {range.status === 'fetching' && 'Fetching them from the stored history…'}
          {range.status === 'recovered' && `All ${range.recovered} were recovered from the stored history.`}
          {range.status === 'incomplete' &&
            `${range.recovered} of ${range.to - range.from + 1} are in the stored history so far; looking again…`}
          {range.status === 'failed' &&
            `The stored history could not be read (${range.error ?? 'error'}); trying again…`}
          {range.status === 'refused' &&
            `The stored history refused to give them (${range.error ?? 'error'}).`}
        </Notice>
      ))}
      {gaps.length > 0 && link === 'live' ? (
        <Notice testId="gaps">
          Missing now:{' '}
          {gaps.map((gap) => (gap.from === gap.to ? `${gap.from}` : `${gap.from}–${gap.to}`)).join(', ')}
        </Notice>
      ) : null}
    </>
  )
}
