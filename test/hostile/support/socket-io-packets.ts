import { FrameWire } from './frame-wire.js'

/**
 * Socket.IO spoken at the packet level over a {@link FrameWire}: Engine.IO packet `4` (message) carrying
 * a Socket.IO packet (`0` connect, `2` event, `3` ack, `5` binary event), e.g. `42["subscribe",{...}]`,
 * or `421[...]` to ask for the acknowledgement of id 1 (`431[...]`).
 */

/** Opens an Engine.IO WebSocket connection (`query` replaces the default) and awaits its open packet. */
export async function openEngineIo(url: string, query = 'EIO=4&transport=websocket'): Promise<FrameWire> {
  const wire = await FrameWire.open(`${url.replace(/^http/, 'ws')}/socket.io/?${query}`, {
    answerPings: true,
  })
  const opened = await wire.next((frame) => frame.startsWith('0{'))
  if (opened.kind === 'closed') throw new Error(`the node closed the Engine.IO connection (${opened.code})`)
  return wire
}

/** Opens an Engine.IO connection and joins the default namespace (`40`), as a Socket.IO client does. */
export async function openSocketIo(url: string): Promise<FrameWire> {
  const wire = await openEngineIo(url)
  wire.send('40')
  const joined = await wire.next((frame) => frame.startsWith('40'))
  if (joined.kind === 'closed') throw new Error('the node closed the connection instead of admitting it')
  return wire
}

/** Matches the acknowledgement frame of ack id `id`: `43<id>[...]`. */
export const ackOf =
  (id: number) =>
  (frame: string): boolean =>
    frame.startsWith(`43${id}[`)

/** Matches an `error` event sent without an ack: `42["error",{...}]`. */
export const isErrorEvent = (frame: string): boolean => frame.startsWith('42["error",')

/** The first argument of an ack or event frame: `431[arg]` → arg, `42["error",arg]` → arg. */
export function firstArgument(frame: string): unknown {
  const args = JSON.parse(frame.slice(frame.indexOf('['))) as unknown[]
  return frame.startsWith('42') ? args[1] : args[0]
}
