import type { AgentTopology } from './reasoning-attribution.js'

/** An agent of a codebuff run, as the mapper tracks it. */
export interface AgentRecord {
  readonly agentId: string
  readonly agentName: string
  readonly parentAgentId?: string
  /** 0 for the main agent, its parent's plus one for a sub-agent. */
  readonly depth: number
  /** When it started, on the monotonic clock. */
  readonly startedAt: number
  /** The end of its streamed text: its output. */
  text: string
  running: boolean
}

/**
 * The agents of one run: the main agent, which codebuff names by its type or by an id it never
 * announces, and the sub-agents it announces with `subagent_start`.
 */
export class RunAgents {
  readonly main: AgentRecord
  private readonly subAgents = new Map<string, AgentRecord>()

  constructor(main: { agentId: string; agentName: string; parentAgentId?: string }, startedAt: number) {
    this.main = { ...main, depth: 0, startedAt, text: '', running: true }
  }

  /** Records a sub-agent started by `parentId` (any id never announced is the main agent); undefined if known already. */
  start(
    agentId: string,
    agentName: string,
    parentId: string | undefined,
    startedAt: number,
  ): AgentRecord | undefined {
    if (this.subAgents.has(agentId)) return undefined
    const parent = this.of(parentId)
    const agent = {
      agentId,
      agentName,
      parentAgentId: parent.agentId,
      depth: parent.depth + 1,
      startedAt,
      text: '',
      running: true,
    }
    this.subAgents.set(agentId, agent)
    return agent
  }

  /** The running sub-agent `agentId`, if any. */
  running(agentId: string): AgentRecord | undefined {
    const agent = this.subAgents.get(agentId)
    return agent?.running ? agent : undefined
  }

  /** The agent codebuff names `agentId`: a sub-agent it announced, else the main agent. */
  of(agentId: string | undefined): AgentRecord {
    return (agentId === undefined ? undefined : this.subAgents.get(agentId)) ?? this.main
  }

  /** Sub-agents started and not finished, in the order they started. */
  runningSubAgents(): AgentRecord[] {
    return [...this.subAgents.values()].filter((agent) => agent.running)
  }

  topology(): AgentTopology {
    return {
      mainAgentId: this.main.agentId,
      runningChildrenOf: (parent) =>
        this.runningSubAgents()
          .filter((agent) => agent.parentAgentId === parent)
          .map((agent) => agent.agentId),
      runningAtDepth: (depth) =>
        this.runningSubAgents()
          .filter((agent) => agent.depth === depth)
          .map((agent) => agent.agentId),
      isRunning: (agentId) =>
        agentId === this.main.agentId ? this.main.running : this.running(agentId) !== undefined,
    }
  }
}
