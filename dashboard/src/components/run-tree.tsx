import type { RunState, ToolCallNode } from '../state/run-state.js'
import { treeOf, type TreeAgent } from '../state/run-tree.js'
import { formatDuration, formatScore } from '../state/format.js'
import { Progress, StateBadge } from './common.js'

/**
 * The orchestration as a tree: departments → agents (sub-agents nested) → tool calls, each with its
 * live state; an agent shows its progress and current step. Nodes fold with the keyboard (summary).
 */
export function RunTree({ state }: { state: RunState }) {
  const departments = treeOf(state)
  if (departments.length === 0) return <p className="empty">No department or agent yet.</p>
  return (
    <ul className="tree" data-testid="run-tree">
      {departments.map(({ department, agents }) => {
        const name = department?.name ?? '(no department)'
        return (
          <li key={name} data-testid={`department-${name}`} data-state={department?.state ?? 'running'}>
            <details open>
              <summary className="node">
                <span className="kind">department</span>
                <span className="name">{name}</span>
                {department ? (
                  <StateBadge state={department.state} testId={`department-state-${name}`} />
                ) : null}
                {department?.review ? (
                  <span className="step" data-testid={`department-review-${name}`}>
                    review: {department.review.status}
                  </span>
                ) : null}
              </summary>
              <ul>
                {agents.map((agent) => (
                  <AgentItem key={agent.agent.agentId} node={agent} />
                ))}
              </ul>
            </details>
          </li>
        )
      })}
    </ul>
  )
}

function AgentItem({ node }: { node: TreeAgent }) {
  const { agent, children, toolCalls } = node
  const id = agent.agentId
  return (
    <li data-testid={`agent-${id}`} data-state={agent.state}>
      <details open={agent.state === 'running' || agent.state === 'failed'}>
        <summary className="node">
          <span className="kind">{agent.isDepartmentHead ? 'head' : 'agent'}</span>
          <span className="name">{agent.agentName}</span>
          <StateBadge state={agent.state} testId={`agent-state-${id}`} />
          {agent.progress === undefined ? null : (
            <Progress
              value={agent.progress}
              label={`${agent.agentName} progress`}
              testId={`agent-progress-${id}`}
            />
          )}
          {agent.state === 'running' && agent.currentStep ? (
            <span className="step" data-testid={`agent-step-${id}`}>
              {agent.currentStep}
            </span>
          ) : null}
          {agent.qualityScore === undefined ? null : (
            <span className="step" data-testid={`agent-quality-${id}`}>
              quality {formatScore(agent.qualityScore)}
            </span>
          )}
          <span className="step" data-testid={`agent-tool-count-${id}`}>
            {toolCalls.length} tool {toolCalls.length === 1 ? 'call' : 'calls'}
          </span>
        </summary>
        <ul>
          {toolCalls.map((call) => (
            <ToolItem key={call.id} call={call} />
          ))}
          {children.map((child) => (
            <AgentItem key={child.agent.agentId} node={child} />
          ))}
        </ul>
        {agent.error ? <p className="notice error">{agent.error}</p> : null}
      </details>
    </li>
  )
}

function ToolItem({ call }: { call: ToolCallNode }) {
  return (
    <li className="node tool" data-testid={`tool-${call.id}`} data-state={call.state}>
      <span className="kind">tool</span>
      <span className="mono">{call.toolName}</span>
      <StateBadge state={call.state} />
      {call.durationMs === undefined ? null : <span className="step">{formatDuration(call.durationMs)}</span>}
    </li>
  )
}
