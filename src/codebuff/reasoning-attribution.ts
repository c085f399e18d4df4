/**
 * Codebuff tags reasoning with the run id of the agent that reasons (and the run ids of its
 * ancestors), while everything else names the agent id: nothing in the stream says which run id
 * is which agent's. This module binds run ids to agents where the stream leaves one possibility,
 * buffers each run's reasoning into whole thoughts, and drops rather than guesses when sibling
 * sub-agents run in parallel and cannot be told apart.
 */

/** What the mapper knows of the agents of the run. */
export interface AgentTopology {
  readonly mainAgentId: string
  /** Agents started and not finished, whose parent is `parentAgentId`. */
  runningChildrenOf(parentAgentId: string): string[]
  /** Running agents at this depth (the main agent is at 0). */
  runningAtDepth(depth: number): string[]
  isRunning(agentId: string): boolean
}

/** A run's reasoning, ready to become one `agent-thinking`. */
export interface Thought {
  readonly agentId: string
  readonly text: string
  /** When its last chunk arrived. */
  readonly at: Date
}

interface Buffer {
  readonly runId: string
  text: string
  at: Date
  /** The agents this run may be, while it is not bound. */
  candidates: Set<string>
}

/** A thought is sent once this long, even in the middle of reasoning. */
const MAX_THOUGHT_CHARS = 4000

export class ReasoningAttribution {
  /** Thoughts dropped: not attributable to one agent, or their agent had finished. */
  dropped = 0
  private readonly agentOfRun = new Map<string, string>()
  private readonly buffers = new Map<string, Buffer>()

  constructor(private readonly topology: AgentTopology) {}

  /** Adds a chunk; returns the run's thought when it has grown long enough to be sent now. */
  add(runId: string, ancestorRunIds: readonly string[], text: string, at: Date): Thought[] {
    const [mainRunId] = ancestorRunIds
    if (mainRunId !== undefined && !this.agentOfRun.has(mainRunId))
      this.bind(mainRunId, this.topology.mainAgentId)
    let buffer = this.buffers.get(runId)
    if (!buffer) {
      buffer = { runId, text: '', at, candidates: this.candidatesOf(runId, ancestorRunIds) }
      this.buffers.set(runId, buffer)
    }
    buffer.text = (buffer.text + text).slice(0, MAX_THOUGHT_CHARS)
    buffer.at = at
    return buffer.text.length >= MAX_THOUGHT_CHARS ? this.release(buffer, false) : []
  }

  /** The thoughts that can be attributed now; ambiguous ones wait (or are dropped when `final`). */
  flush(final = false): Thought[] {
    return [...this.buffers.values()].flatMap((buffer) => this.release(buffer, final))
  }

  private release(buffer: Buffer, final: boolean): Thought[] {
    const agentId = this.resolve(buffer)
    if (agentId === undefined && !final && buffer.candidates.size > 1) return []
    this.buffers.delete(buffer.runId)
    const text = buffer.text.trim()
    if (text === '') return []
    if (agentId === undefined || !this.topology.isRunning(agentId)) {
      this.dropped += 1
      return []
    }
    return [{ agentId, text, at: buffer.at }]
  }

  private resolve(buffer: Buffer): string | undefined {
    const bound = this.agentOfRun.get(buffer.runId)
    if (bound !== undefined) return bound
    const taken = new Set(this.agentOfRun.values())
    buffer.candidates = new Set([...buffer.candidates].filter((agentId) => !taken.has(agentId)))
    const [only] = buffer.candidates
    if (buffer.candidates.size !== 1 || only === undefined) return undefined
    this.bind(buffer.runId, only)
    return only
  }

  private candidatesOf(runId: string, ancestorRunIds: readonly string[]): Set<string> {
    const bound = this.agentOfRun.get(runId)
    if (bound !== undefined) return new Set([bound])
    if (ancestorRunIds.length === 0) {
      this.bind(runId, this.topology.mainAgentId)
      return new Set([this.topology.mainAgentId])
    }
    const parentRunId = ancestorRunIds[ancestorRunIds.length - 1] ?? ''
    const parent = this.agentOfRun.get(parentRunId)
    const running =
      parent === undefined
        ? this.topology.runningAtDepth(ancestorRunIds.length)
        : this.topology.runningChildrenOf(parent)
    const taken = new Set(this.agentOfRun.values())
    const candidates = new Set(running.filter((agentId) => !taken.has(agentId)))
    const [only] = candidates
    if (candidates.size === 1 && only !== undefined) this.bind(runId, only)
    return candidates
  }

  private bind(runId: string, agentId: string): void {
    this.agentOfRun.set(runId, agentId)
  }
}
