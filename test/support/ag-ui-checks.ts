import { verifyEvents } from '@ag-ui/client'
import type { BaseEvent } from '@ag-ui/core'
import { EventSchemas } from '@ag-ui/core/schemas'
import { from, lastValueFrom, toArray } from 'rxjs'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { AgUiRunMapper, type AgUiEvent } from '../../src/server/ag-ui/ag-ui-mapper.js'
import { streamIdOf } from '../../src/server/ag-ui/ag-ui-stream-ids.js'

/** One Server-Sent Event of an AG-UI stream: its `id:` and its parsed `data:`. */
export interface SseEvent {
  readonly id: number
  readonly data: AgUiEvent
}

/** Throws naming the first AG-UI event that `@ag-ui/core`'s EventSchemas refuses. */
export function assertSchemaValid(events: readonly AgUiEvent[]): void {
  events.forEach((event, index) => {
    const parsed = EventSchemas.safeParse(event)
    if (!parsed.success)
      throw new Error(
        `AG-UI event ${index} (${event.type}) is invalid: ${JSON.stringify(parsed.error.issues)}`,
      )
  })
}

/** Runs the whole stream through `@ag-ui/client`'s verifyEvents; rejects with its error when a rule is broken. */
export async function verifyStream(events: readonly AgUiEvent[]): Promise<BaseEvent[]> {
  return lastValueFrom(from(events as BaseEvent[]).pipe(verifyEvents(), toArray()))
}

/** What the endpoint must send for these events from seq 1: the pure mapping, with its SSE ids. */
export function expectedStream(events: readonly StampedAgentEvent[]): SseEvent[] {
  const mapper = new AgUiRunMapper()
  return events.flatMap((event) =>
    mapper.map(event).map((data, part) => ({ id: streamIdOf(event.seq, part), data })),
  )
}
