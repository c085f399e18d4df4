/**
 * The last seq delivered to one connection per execution, whichever subscription delivered it (an
 * execution's or a conversation's), and which conversation subscription follows each execution: a
 * live event at or below its execution's cursor is a duplicate, and a conversation resumes each of its
 * executions from its cursor.
 *
 * @example
 * if (!cursors.advance(event.executionId, event.seq)) return // sent already
 */
export class DeliveryCursors {
  private readonly seqs = new Map<string, number>()
  private readonly conversationOf = new Map<string, string>()

  /** The last seq delivered (or replayed past) in the execution. */
  get(executionId: string): number | undefined {
    return this.seqs.get(executionId)
  }

  /** Moves the cursor to `seq` and returns true, unless `seq` was delivered already. */
  advance(executionId: string, seq: number): boolean {
    if (seq <= (this.seqs.get(executionId) ?? 0)) return false
    this.seqs.set(executionId, seq)
    return true
  }

  /** Moves the cursor up to `seq` (never down): everything up to it counts as delivered. */
  raise(executionId: string, seq: number): void {
    this.seqs.set(executionId, Math.max(seq, this.seqs.get(executionId) ?? 0))
  }

  /** Notes that the execution belongs to a conversation the connection follows. */
  follow(executionId: string, conversationId: string): void {
    this.conversationOf.set(executionId, conversationId)
  }

  /** The cursors of the executions followed for a conversation: its `since` for a catch-up. */
  ofConversation(conversationId: string): Map<string, number> {
    const since = new Map<string, number>()
    for (const [executionId, followedFor] of this.conversationOf) {
      if (followedFor === conversationId) since.set(executionId, this.seqs.get(executionId) ?? 0)
    }
    return since
  }

  /** An execution subscription ended: its cursor goes unless a conversation still follows it. */
  forgetExecution(executionId: string): void {
    if (!this.conversationOf.has(executionId)) this.seqs.delete(executionId)
  }

  /** A conversation subscription ended: its executions' cursors go, but those of `keep`. */
  forgetConversation(conversationId: string, keep: (executionId: string) => boolean): void {
    for (const [executionId, followedFor] of this.conversationOf) {
      if (followedFor !== conversationId) continue
      this.conversationOf.delete(executionId)
      if (!keep(executionId)) this.seqs.delete(executionId)
    }
  }
}
