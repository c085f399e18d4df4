import { onTestFinished } from 'vitest'
import type { AgentEventEmitter } from '../../../src/emitter/agent-event-emitter.js'
import type { EmitResult } from '../../../src/emitter/event-emitter-core.js'
import { connectClient, PROTOCOLS, type TestClient } from '../../support/web-node-clients.js'
import { sampleEvent, seqsOf } from '../../support/web-node-stack.js'

/** What the bystanders saw once the producer stopped: how many events it emitted, and each one's seqs. */
export interface BystanderReport {
  readonly emitted: number
  readonly seqsPerClient: readonly (readonly number[])[]
}

export interface Bystanders {
  /** Stops the producer and resolves once every bystander has received every event it emitted. */
  finish(): Promise<BystanderReport>
}

const EVENTS_PER_TICK = 2
const TICK_MS = 20

/**
 * One client of each protocol subscribed to `executionId` on the node at `url`, and a producer emitting
 * into that execution at once and then every 20 ms until {@link Bystanders.finish}: hostile traffic on the same node must
 * not cost them a single event (their seqs stay 1..emitted, gapless and in order).
 *
 * @example
 * const bystanders = await startBystanders(node.url, emitter, `exec-bystanders-${id}`)
 * await attack()
 * const { emitted, seqsPerClient } = await bystanders.finish()
 * for (const seqs of seqsPerClient) expect(seqs).toEqual(range(1, emitted))
 */
export async function startBystanders(
  url: string,
  emitter: AgentEventEmitter,
  executionId: string,
): Promise<Bystanders> {
  const clients: TestClient[] = await Promise.all(PROTOCOLS.map((protocol) => connectClient(protocol, url)))
  onTestFinished(async () => void (await Promise.all(clients.map((client) => client.close()))))
  for (const client of clients) {
    const reply = await client.subscribe({ executionId })
    if (!reply.ok) throw new Error(`a bystander could not subscribe: ${JSON.stringify(reply)}`)
  }
  let produced = 0
  const emits: Promise<EmitResult>[] = []
  const produce = (): void => {
    for (let i = 0; i < EVENTS_PER_TICK; i += 1) {
      emits.push(emitter.emitAgentEvent(sampleEvent(executionId, produced)))
      produced += 1
    }
  }
  produce()
  const ticker = setInterval(produce, TICK_MS)
  return {
    async finish() {
      clearInterval(ticker)
      const refused = (await Promise.all(emits)).filter(
        (result) => result.status !== 'sent' && result.status !== 'queued',
      )
      if (refused.length > 0)
        throw new Error(`the producer's events were refused: ${JSON.stringify(refused[0])}`)
      if (!(await emitter.flush(15_000))) throw new Error('the producer did not drain its outbox')
      const seqsPerClient = await Promise.all(
        clients.map(async (client) => seqsOf(await client.waitForEvents(produced))),
      )
      return { emitted: produced, seqsPerClient }
    },
  }
}
