import { describe, expect, it } from 'vitest'
import { MessageRateLimiter, type RateVerdict } from '../../src/server/message-rate-limiter.js'

/** A limiter on a clock the test moves. */
function limiterAt(limits = { messagesPerSecond: 10, messageBurst: 20, disconnectAfterSeconds: 3 }) {
  const clock = { now: 1_000_000 }
  return { limiter: new MessageRateLimiter(limits, () => clock.now), clock }
}

/** Sends `count` messages spread evenly over `ms`; returns the verdicts. */
function send(subject: ReturnType<typeof limiterAt>, count: number, ms: number): RateVerdict[] {
  return Array.from({ length: count }, () => {
    subject.clock.now += ms / count
    return subject.limiter.take()
  })
}

describe('message rate limiter', () => {
  it('accepts a burst, then the rate, and refuses the rest', () => {
    const subject = limiterAt()

    const burst = send(subject, 20, 0)
    const beyond = send(subject, 5, 0)
    const atRate = send(subject, 10, 1000)

    expect(burst.every((verdict) => verdict === 'accept')).toBe(true)
    expect(beyond.every((verdict) => verdict === 'refuse')).toBe(true)
    expect(atRate.every((verdict) => verdict === 'accept')).toBe(true)
  })

  it('disconnects a client refused without pause for disconnectAfterSeconds, not before', () => {
    const subject = limiterAt()
    send(subject, 20, 0)

    const firstSeconds = send(subject, 2900, 2900)
    const after = send(subject, 200, 200)

    expect(firstSeconds).not.toContain('disconnect')
    expect(after).toContain('disconnect')
  })

  it('forgives a client that pauses for a second between bursts over the rate', () => {
    const subject = limiterAt()
    const verdicts: RateVerdict[] = []
    for (let round = 0; round < 10; round += 1) {
      verdicts.push(...send(subject, 40, 10))
      subject.clock.now += 1500
    }

    expect(verdicts).toContain('refuse')
    expect(verdicts).not.toContain('disconnect')
  })
})
