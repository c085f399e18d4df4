import { expect } from 'vitest'
import type { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import type { AgentEventInput, StampedAgentEvent } from '../../src/events/schemas.js'
import type { EventStore } from '../../src/store/event-store.js'
import { SECRET, secretBytes, signToken } from '../auth/tokens.js'
import type { SseEvent } from './ag-ui-checks.js'
import { openSseStream, type SseRequestOptions, type SseStream } from './sse-client.js'
import { until } from './web-node-stack.js'

/** The auth options of the nodes of the AG-UI tests. */
export const AUTH = { mode: 'hs256', secret: SECRET } as const

/** A token whose claims are these. */
export const tokenFor = (claims: Record<string, unknown>): Promise<string> =>
  signToken(claims, secretBytes(SECRET), 'HS256')

/** The stream path of an execution. */
export const streamPath = (executionId: string): string =>
  `/ag-ui/executions/${encodeURIComponent(executionId)}`

/** Emits the events one at a time (so that seq follows their order) and waits until Redis has them all. */
export async function emitInOrder(
  emitter: AgentEventEmitter,
  events: readonly AgentEventInput[],
): Promise<void> {
  for (const event of events) {
    const result = await emitter.emitAgentEvent(event)
    if (result.status !== 'sent' && result.status !== 'queued')
      throw new Error(`event not accepted: ${JSON.stringify(result)}`)
  }
  if (!(await emitter.flush(15_000))) throw new Error('the emitter did not drain its outbox')
}

/** The execution's events once the store holds all `count` of them. */
export async function storedEvents(
  store: EventStore,
  executionId: string,
  count: number,
): Promise<StampedAgentEvent[]> {
  await until(async () => (await store.countExecutionEvents(executionId)) === count, `${count} stored events`)
  return store.getExecutionEvents(executionId)
}

/** Reads a whole stream: it must answer 200, send events and end cleanly (the run finished). */
export async function readWholeStream(
  baseUrl: string,
  executionId: string,
  options: SseRequestOptions,
): Promise<SseEvent[]> {
  const stream = await openSseStream(baseUrl, streamPath(executionId), options)
  expect(stream.status).toBe(200)
  expect(await stream.ended).toBe('end')
  return stream.events
}

/**
 * Resumes the stream after every SSE id of `full` (and from none), alternating the header and the query
 * parameter: each resumed stream must be exactly the rest of `full`, and end.
 */
export async function expectResumableAtEveryCut(
  baseUrl: string,
  executionId: string,
  token: string,
  full: readonly SseEvent[],
): Promise<void> {
  const cuts = [0, ...full.map((event) => event.id)]
  for (const [index, lastEventId] of cuts.entries()) {
    const resumed = await readWholeStream(baseUrl, executionId, {
      token,
      tokenInQuery: index % 3 === 0,
      ...(lastEventId === 0 ? {} : { lastEventId, resumeInQuery: index % 2 === 0 }),
    })
    expect(resumed, `resumed after SSE id ${lastEventId}`).toEqual(full.slice(index))
  }
}

/** Opens a stream that must be accepted (200, text/event-stream). */
export async function openAcceptedStream(
  baseUrl: string,
  executionId: string,
  options: SseRequestOptions,
): Promise<SseStream> {
  const stream = await openSseStream(baseUrl, streamPath(executionId), options)
  expect(stream.status).toBe(200)
  expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8')
  return stream
}
