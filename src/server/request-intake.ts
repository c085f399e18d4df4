import { MessageRateLimiter, type MessageRateLimits } from './message-rate-limiter.js'
import { wireError, type WireError } from './protocol.js'

export interface RequestIntakeLimits extends MessageRateLimits {
  /** Largest request accepted, in bytes. */
  readonly maxMessageBytes: number
}

/** The verdict on one request of a connection. */
export type IntakeVerdict =
  | { readonly ok: true }
  /** Refused with `error`; `disconnect` when the connection must be closed too (sustained flooding). */
  | { readonly ok: false; readonly error: WireError; readonly disconnect: boolean }

/**
 * The limits every request of one connection passes before it is handled, the same for both
 * protocols: its size, then the connection's request rate.
 * @example if (!intake.admit(bytes).ok) return refuse()
 */
export class RequestIntake {
  private readonly rate: MessageRateLimiter

  constructor(private readonly limits: RequestIntakeLimits) {
    this.rate = new MessageRateLimiter(limits)
  }

  admit(bytes: number): IntakeVerdict {
    const verdict = this.rate.take()
    if (verdict === 'disconnect') {
      return {
        ok: false,
        error: wireError('rate_limited', 'Disconnected for sending too many messages'),
        disconnect: true,
      }
    }
    if (verdict === 'refuse') {
      const rate = `${this.limits.messagesPerSecond} messages per second`
      return { ok: false, error: wireError('rate_limited', `Refused: more than ${rate}`), disconnect: false }
    }
    if (bytes > this.limits.maxMessageBytes) {
      const limit = `the limit is ${this.limits.maxMessageBytes} bytes`
      return {
        ok: false,
        error: wireError('message_too_large', `The message is ${bytes} bytes; ${limit}`),
        disconnect: false,
      }
    }
    return { ok: true }
  }
}

/** A transport frame past this multiple of the request limit is cut off before it is read whole. */
export const HARD_FRAME_LIMIT_FACTOR = 16
