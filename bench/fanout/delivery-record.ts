import type { DeliveryReport } from './child-protocol.js'
import { LatencyRecorder, wallClockMs } from './latency-recorder.js'
import { receivedEventFields } from './timed-events.js'

/** One client's deliveries in the current phase. */
interface ClientDeliveries {
  readonly executionId: string
  lastSeq: number
  received: number
  outOfOrder: number
  disconnected: boolean
}

/**
 * The deliveries of one phase to every client of the fleet: per client, events received in seq
 * order, out of order, and whether it was disconnected; for all, latencies, stray events and errors.
 * @example
 * const record = new DeliveryRecord(['exec-a', 'exec-b']) // client 0 listens to exec-a, client 1 to exec-b
 * socket.on('event', (event) => record.received(0, event))
 * const report = record.report({ 'exec-a': 100, 'exec-b': 100 })
 */
export class DeliveryRecord {
  private readonly clients: ClientDeliveries[]
  private readonly latencies = new LatencyRecorder()
  private readonly errors = new Map<string, number>()
  private stray = 0
  private lastReceivedAt: number | null = null

  /** `executionOf[i]`: the execution client i listens to in this phase. */
  constructor(executionOf: readonly string[]) {
    this.clients = executionOf.map((executionId) => ({
      executionId,
      lastSeq: 0,
      received: 0,
      outOfOrder: 0,
      disconnected: false,
    }))
  }

  /** Client `index` received `event` now. */
  received(index: number, event: unknown): void {
    const receivedAt = wallClockMs()
    const fields = receivedEventFields(event)
    const client = this.clients[index]
    if (fields === undefined || client === undefined || fields.executionId !== client.executionId) {
      this.stray += 1
      return
    }
    this.latencies.add(receivedAt - fields.sentAt)
    this.lastReceivedAt = receivedAt
    if (fields.seq > client.lastSeq) {
      client.lastSeq = fields.seq
      client.received += 1
    } else {
      client.outOfOrder += 1
    }
  }

  /** The server sent client `index` an error outside of a reply. */
  serverError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1)
  }

  /** The server ended client `index`'s connection. */
  disconnected(index: number): void {
    const client = this.clients[index]
    if (client) client.disconnected = true
  }

  /** Deliveries still owed to connected clients, given the events emitted per execution. */
  outstanding(expected: Readonly<Record<string, number>>): number {
    let owed = 0
    for (const client of this.clients) {
      if (!client.disconnected) owed += Math.max(0, (expected[client.executionId] ?? 0) - client.received)
    }
    return owed
  }

  /** The phase's deliveries against the events emitted per execution. */
  report(expected: Readonly<Record<string, number>>): DeliveryReport {
    let owed = 0
    let delivered = 0
    let lost = 0
    let outOfOrder = 0
    for (const client of this.clients) {
      const wanted = expected[client.executionId] ?? 0
      owed += wanted
      delivered += client.received
      lost += Math.max(0, wanted - client.received)
      outOfOrder += client.outOfOrder
    }
    return {
      clients: this.clients.length,
      expected: owed,
      delivered,
      lost,
      outOfOrder,
      stray: this.stray,
      disconnected: this.clients.filter((client) => client.disconnected).length,
      errors: Object.fromEntries(this.errors),
      latency: this.latencies.summary(),
      lastReceivedAt: this.lastReceivedAt,
    }
  }
}
