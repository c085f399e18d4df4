/** Tool calls remembered at once while they wait for their results; the oldest is forgotten past it. */
export const MAX_PENDING_TOOL_CALLS = 10_000

/**
 * Pairs tool results with their calls. A result that names its `toolCallId` is paired by it; one that
 * does not is paired with the oldest unanswered call of the same agent and tool (the order a runner
 * that calls one tool at a time produces). Bounded: past {@link MAX_PENDING_TOOL_CALLS} unanswered
 * calls, the oldest is forgotten.
 *
 * @example
 * pairing.called('writer', 'search', 'call-1')
 * pairing.answered('writer', 'search', undefined) // 'call-1'
 */
export class ToolCallPairing {
  private readonly byTool = new Map<string, string[]>()
  /** Every pending call id, oldest first, with the key of its list. */
  private readonly pending = new Map<string, string>()

  /** Records a call awaiting its result. */
  called(agentId: string, toolName: string, toolCallId: string): void {
    if (this.pending.has(toolCallId)) return
    if (this.pending.size >= MAX_PENDING_TOOL_CALLS) {
      const [oldest] = this.pending.keys()
      if (oldest !== undefined) this.forget(oldest)
    }
    const key = keyOf(agentId, toolName)
    this.pending.set(toolCallId, key)
    const calls = this.byTool.get(key) ?? []
    calls.push(toolCallId)
    this.byTool.set(key, calls)
  }

  /**
   * The call a result answers: `toolCallId` when the result names one (known or not), else the oldest
   * pending call of the agent and tool; undefined when there is none. The call stops being pending.
   */
  answered(agentId: string, toolName: string, toolCallId: string | undefined): string | undefined {
    if (toolCallId !== undefined) {
      this.forget(toolCallId)
      return toolCallId
    }
    const oldest = this.byTool.get(keyOf(agentId, toolName))?.[0]
    if (oldest !== undefined) this.forget(oldest)
    return oldest
  }

  private forget(toolCallId: string): void {
    const key = this.pending.get(toolCallId)
    if (key === undefined) return
    this.pending.delete(toolCallId)
    const calls = this.byTool.get(key) ?? []
    const index = calls.indexOf(toolCallId)
    if (index !== -1) calls.splice(index, 1)
    if (calls.length === 0) this.byTool.delete(key)
  }
}

function keyOf(agentId: string, toolName: string): string {
  return JSON.stringify([agentId, toolName])
}
