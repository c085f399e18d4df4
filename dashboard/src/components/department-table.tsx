import type { RunState } from '../state/run-state.js'
import { formatCount, formatScore, preview } from '../state/format.js'
import { StateBadge } from './common.js'

/** Per department: its state, agents, outputs, quality scores, review status and tokens. */
export function DepartmentTable({ state }: { state: RunState }) {
  if (state.departmentOrder.length === 0) return <p className="empty">No department yet.</p>
  return (
    <table data-testid="department-table">
      <thead>
        <tr>
          <th>department</th>
          <th>state</th>
          <th>outputs</th>
          <th>quality</th>
          <th>review</th>
          <th className="num">tokens</th>
        </tr>
      </thead>
      <tbody>
        {state.departmentOrder.map((name) => {
          const department = state.departments[name]
          if (!department) return null
          const agents = department.agentIds.flatMap((id) => state.agents[id] ?? [])
          const outputs = agents.filter((agent) => agent.output !== undefined)
          return (
            <tr key={name} data-testid={`department-row-${name}`}>
              <td>{name}</td>
              <td>
                <StateBadge state={department.state} />
              </td>
              <td className="mono">
                {outputs.length === 0
                  ? '—'
                  : outputs.map((agent) => (
                      <div key={agent.agentId} title={preview(agent.output, 2000)}>
                        {agent.agentName}: {preview(agent.output, 80)}
                      </div>
                    ))}
              </td>
              <td data-testid={`department-quality-${name}`}>
                {department.qualityChecks.length === 0
                  ? '—'
                  : department.qualityChecks.map((check) => (
                      <span
                        key={check.seq}
                        className={`badge ${check.passed === false ? 'failed' : 'completed'}`}
                      >
                        {formatScore(check.score)}
                        {check.passed === undefined ? '' : check.passed ? ' passed' : ' failed'}
                      </span>
                    ))}
              </td>
              <td data-testid={`department-review-status-${name}`}>{department.review?.status ?? '—'}</td>
              <td className="num" data-testid={`department-tokens-${name}`}>
                {formatCount(department.tokens.total)}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
