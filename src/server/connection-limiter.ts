/**
 * Counts open connections per client address, across both protocols, and refuses those past the
 * limit: one address cannot take every file descriptor of a node.
 */
export class ConnectionLimiter {
  private readonly open = new Map<string, number>()

  /** @param maxPerAddress 0 for no limit */
  constructor(private readonly maxPerAddress: number) {}

  /** Whether one more connection from the address would be admitted. */
  hasRoom(address: string): boolean {
    return this.maxPerAddress === 0 || (this.open.get(address) ?? 0) < this.maxPerAddress
  }

  /**
   * Counts a connection of the address; returns the function that releases it (idempotent).
   * @example const release = limiter.acquire('10.0.0.7'); socket.once('close', release)
   */
  acquire(address: string): () => void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const remaining = (this.open.get(address) ?? 1) - 1
      if (remaining <= 0) this.open.delete(address)
      else this.open.set(address, remaining)
    }
  }
}
