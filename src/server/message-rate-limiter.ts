/** What to do with one message of a connection. */
export type RateVerdict = 'accept' | 'refuse' | 'disconnect'

export interface MessageRateLimits {
  /** Messages per second on average. */
  readonly messagesPerSecond: number
  /** Messages that may come at once before the rate applies. */
  readonly messageBurst: number
  /** A connection refused in this many consecutive seconds is disconnected. */
  readonly disconnectAfterSeconds: number
}

/**
 * The request rate of one connection: a token bucket that refuses messages beyond the rate (the
 * client is throttled and told so), and a verdict of `disconnect` for a client that keeps flooding
 * second after second, so that a flooder costs the node a bounded amount of work.
 *
 * @example
 * const limiter = new MessageRateLimiter({ messagesPerSecond: 50, messageBurst: 100, disconnectAfterSeconds: 3 })
 * if (limiter.take() !== 'accept') refuse()
 */
export class MessageRateLimiter {
  private tokens: number
  private refilledAt: number
  private currentSecond = -1
  private refusedThisSecond = false
  private floodedSeconds = 0

  constructor(
    private readonly limits: MessageRateLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limits.messageBurst
    this.refilledAt = now()
  }

  take(): RateVerdict {
    const now = this.now()
    this.refill(now)
    this.trackSecond(now)
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 'accept'
    }
    if (!this.refusedThisSecond) {
      this.refusedThisSecond = true
      this.floodedSeconds += 1
    }
    return this.floodedSeconds >= this.limits.disconnectAfterSeconds ? 'disconnect' : 'refuse'
  }

  private refill(now: number): void {
    const elapsedSeconds = Math.max(now - this.refilledAt, 0) / 1000
    this.tokens = Math.min(
      this.limits.messageBurst,
      this.tokens + elapsedSeconds * this.limits.messagesPerSecond,
    )
    this.refilledAt = now
  }

  /** Consecutive seconds with a refusal: a second without one (or skipped entirely) resets the count. */
  private trackSecond(now: number): void {
    const second = Math.floor(now / 1000)
    if (second === this.currentSecond) return
    const previousWasFlooded = this.refusedThisSecond && second === this.currentSecond + 1
    if (!previousWasFlooded) this.floodedSeconds = 0
    this.currentSecond = second
    this.refusedThisSecond = false
  }
}
