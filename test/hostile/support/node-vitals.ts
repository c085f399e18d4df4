import type { AgentEventEmitter } from '../../../src/emitter/agent-event-emitter.js'
import { connectClient, type Protocol } from '../../support/web-node-clients.js'
import { emitSamples, seqsOf } from '../../support/web-node-stack.js'
import { sampleValue } from '../../support/prometheus-text.js'

/** The status `/healthz` answers with, or `undefined` when the node does not answer at all. */
export async function healthStatus(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })
    await response.arrayBuffer()
    return response.status
  } catch {
    return undefined
  }
}

/** The node's resident memory, as its `/metrics` reports it (`process_resident_memory_bytes`). */
export async function residentMemoryBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
  const bytes = sampleValue(text, 'process_resident_memory_bytes')
  if (bytes === undefined) throw new Error('/metrics has no process_resident_memory_bytes')
  return bytes
}

/**
 * Connects a new client of `protocol`, subscribes it to a new execution, emits three events into it and
 * resolves with the seqs the client received ([1, 2, 3] when the node serves new clients normally).
 */
export async function freshClientSeqs(
  url: string,
  protocol: Protocol,
  emitter: AgentEventEmitter,
  executionId: string,
): Promise<number[]> {
  const client = await connectClient(protocol, url)
  try {
    const reply = await client.subscribe({ executionId })
    if (!reply.ok) throw new Error(`a fresh ${protocol} client could not subscribe: ${JSON.stringify(reply)}`)
    await emitSamples(emitter, executionId, 3)
    return seqsOf(await client.waitForEvents(3, 10_000))
  } finally {
    await client.close()
  }
}
