/** What to do with one message of a connection. */
export type RateVerdict = 'accept' | 'refuse' | 'disconnect'

export interface MessageRateLimits {
  /** Messages per second on average. */
  readonly messagesPerSecond: number
  /** Messages that may come at once before the rate applies. */
  readonly messageBurst: number
  /** A connection that keeps being refused for this many seconds is disconnected. */
  readonly disconnectAfterSeconds: number
}

/** Refusals further apart than this end a flood: the client slowed down. */
const FLOOD_GAP_MS = 1000

/**
 * The request rate of one connection: a token bucket that refuses messages beyond the rate (the
 * client is throttled and told so), and a verdict of `disconnect` for a client that keeps flooding
 * for `disconnectAfterSeconds` (refusals with no pause of a second between them), so that a flooder
 * costs the node a bounded amount of work.
 *
 * @example
 * const limiter = new MessageRateLimiter({ messagesPerSecond: 50, messageBurst: 100, disconnectAfterSeconds: 3 })
 * if (limiter.take() !== 'accept') refuse()
 */
export class MessageRateLimiter {
  private tokens: number
  private refilledAt: number
  private floodStartedAt: number | undefined
  private lastRefusedAt = Number.NEGATIVE_INFINITY

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
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 'accept'
    }
    if (this.floodStartedAt === undefined || now - this.lastRefusedAt > FLOOD_GAP_MS)
      this.floodStartedAt = now
    this.lastRefusedAt = now
    return now - this.floodStartedAt >= this.limits.disconnectAfterSeconds * 1000 ? 'disconnect' : 'refuse'
  }

  private refill(now: number): void {
    const elapsedSeconds = Math.max(now - this.refilledAt, 0) / 1000
    this.tokens = Math.min(
      this.limits.messageBurst,
      this.tokens + elapsedSeconds * this.limits.messagesPerSecond,
    )
    this.refilledAt = now
  }
}
