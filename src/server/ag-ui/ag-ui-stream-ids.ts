/**
 * SSE ids of the AG-UI stream. One of our events becomes one or more AG-UI events (its parts); each
 * part has its own SSE id, `seq * PARTS_PER_EVENT + part`, so ids strictly increase along the stream
 * and `Last-Event-ID` names exactly the last part a client received, even inside one event. The
 * mapper makes at most `MAX_AG_UI_EVENTS_PER_EVENT` parts of one event, fewer than this.
 */
export const PARTS_PER_EVENT = 65_536

/**
 * The SSE id of the `part`-th AG-UI event (from 0) made from the event with this seq.
 * @example streamIdOf(3, 1) // 196609
 */
export function streamIdOf(seq: number, part: number): number {
  return seq * PARTS_PER_EVENT + part
}
