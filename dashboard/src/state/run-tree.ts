import type { AgentNode, DepartmentNode, RunState, ToolCallNode } from './run-state.js'

/** The orchestration as a tree: departments, their agents (sub-agents nested), each agent's tool calls. */
export interface TreeDepartment {
  /** Undefined for the group of agents that named no department. */
  readonly department: DepartmentNode | undefined
  readonly agents: readonly TreeAgent[]
}

export interface TreeAgent {
  readonly agent: AgentNode
  readonly children: readonly TreeAgent[]
  readonly toolCalls: readonly ToolCallNode[]
}

/**
 * The tree of a run, in the order things appeared: department heads first within a department.
 * @example for (const { department, agents } of treeOf(state)) render(department, agents)
 */
export function treeOf(state: RunState): TreeDepartment[] {
  const childrenOf = new Map<string, AgentNode[]>()
  const roots: AgentNode[] = []
  for (const agentId of state.agentOrder) {
    const agent = state.agents[agentId]
    if (!agent) continue
    const parent = agent.parentAgentId === undefined ? undefined : state.agents[agent.parentAgentId]
    if (parent && parent.agentId !== agent.agentId) {
      childrenOf.set(parent.agentId, [...(childrenOf.get(parent.agentId) ?? []), agent])
    } else {
      roots.push(agent)
    }
  }
  const build = (agent: AgentNode, seen: ReadonlySet<string>): TreeAgent => ({
    agent,
    children: (childrenOf.get(agent.agentId) ?? [])
      .filter((child) => !seen.has(child.agentId))
      .map((child) => build(child, new Set([...seen, child.agentId]))),
    toolCalls: agent.toolCallIds.flatMap((id) => state.toolCalls[id] ?? []),
  })
  const headsFirst = (a: AgentNode, b: AgentNode): number =>
    Number(b.isDepartmentHead) - Number(a.isDepartmentHead)
  const departments: TreeDepartment[] = state.departmentOrder.flatMap((name) => {
    const department = state.departments[name]
    if (!department) return []
    const agents = roots.filter((agent) => agent.department === name).sort(headsFirst)
    return [{ department, agents: agents.map((agent) => build(agent, new Set([agent.agentId]))) }]
  })
  const unassigned = roots.filter((agent) => agent.department === undefined)
  if (unassigned.length > 0) {
    departments.push({
      department: undefined,
      agents: unassigned.map((agent) => build(agent, new Set([agent.agentId]))),
    })
  }
  return departments
}
