/**
 * Child process of the fan-out bench: many Socket.IO clients in one process, subscribed through the
 * agent-events protocol, recording every delivery. Kept apart from the producer so that receiving
 * does not delay emitting (and the emit timestamps stay honest).
 */
import { setTimeout as delay } from 'node:timers/promises'
import { io, type Socket } from 'socket.io-client'
import { SOCKET_IO_EVENTS } from '../../src/server/protocol.js'
import { serveCommands } from './child-rpc.js'
import type { DeliveryReport, FleetCommands } from './child-protocol.js'
import { DeliveryRecord } from './delivery-record.js'

/** Connections opened at once: a thousand simultaneous handshakes would time out on a small machine. */
const CONNECT_CONCURRENCY = 100
const CONNECT_TIMEOUT_MS = 30_000
const REQUEST_TIMEOUT_MS = 30_000
const COLLECT_POLL_MS = 20
/** Refusals listed in a `subscribe` result; the rest are counted only. */
const REFUSALS_SHOWN = 5

interface FleetClient {
  readonly socket: Socket
  executionId: string | undefined
}

/** The clients of one stack under test, and the record of their current phase. */
interface ClientGroup {
  readonly nodeCount: number
  readonly clients: FleetClient[]
  record: DeliveryRecord
}

const groups = new Map<string, ClientGroup>()

serveCommands<FleetCommands>(
  {
    connect: async ({ group: name, urls, clients: count }) => {
      if (groups.has(name)) throw new Error(`group ${name} is connected already`)
      const group: ClientGroup = { nodeCount: urls.length, clients: [], record: new DeliveryRecord([]) }
      groups.set(name, group)
      for (let first = 0; first < count; first += CONNECT_CONCURRENCY) {
        const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - first) }, (_, offset) => {
          const index = first + offset
          return connectClient(group, index, urls[index % urls.length] ?? '')
        })
        group.clients.push(...(await Promise.all(batch)))
      }
      return { connected: group.clients.length }
    },
    subscribe: async ({ group: name, executionIds }) => {
      const group = groupNamed(name)
      const executionOf = group.clients.map(
        (_, index) => executionIds[Math.floor(index / group.nodeCount) % executionIds.length] ?? '',
      )
      group.record = new DeliveryRecord(executionOf)
      const refusals = await Promise.all(
        group.clients.map((client, index) => moveClient(client, executionOf[index] ?? '')),
      )
      const refused = refusals.filter((refusal) => refusal !== undefined)
      return {
        subscribed: group.clients.length - refused.length,
        refused: [...refused.slice(0, REFUSALS_SHOWN), ...moreCount(refused.length)],
      }
    },
    collect: async ({ group: name, expected, timeoutMs }): Promise<DeliveryReport> => {
      const { record } = groupNamed(name)
      const deadline = performance.now() + timeoutMs
      while (record.outstanding(expected) > 0 && performance.now() < deadline) await delay(COLLECT_POLL_MS)
      return record.report(expected)
    },
    disconnect: async ({ group: name }) => {
      const group = groups.get(name)
      groups.delete(name)
      for (const client of group?.clients ?? []) client.socket.disconnect()
      return { disconnected: group?.clients.length ?? 0 }
    },
  },
  async () => {
    for (const group of groups.values()) for (const client of group.clients) client.socket.disconnect()
    groups.clear()
  },
)

function groupNamed(name: string): ClientGroup {
  const group = groups.get(name)
  if (group === undefined) throw new Error(`no client group ${name}`)
  return group
}

function connectClient(group: ClientGroup, index: number, url: string): Promise<FleetClient> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  })
  // `group.record` is read at each call: every phase records into its own.
  socket.on(SOCKET_IO_EVENTS.event, (event: unknown) => group.record.received(index, event))
  socket.on(SOCKET_IO_EVENTS.error, (error: unknown) => group.record.serverError(errorCode(error)))
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') group.record.disconnected(index)
  })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, executionId: undefined }))
    socket.once('connect_error', (error) =>
      reject(new Error(`client ${index} could not connect to ${url}: ${error.message}`)),
    )
  })
}

/** Unsubscribes the client from its execution and subscribes it to `executionId`; a refusal's text, if any. */
async function moveClient(client: FleetClient, executionId: string): Promise<string | undefined> {
  if (!client.socket.connected) return 'the client was disconnected'
  try {
    if (client.executionId !== undefined) {
      await request(client.socket, SOCKET_IO_EVENTS.unsubscribe, client.executionId)
      client.executionId = undefined
    }
    await request(client.socket, SOCKET_IO_EVENTS.subscribe, executionId)
    client.executionId = executionId
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

async function request(socket: Socket, name: string, executionId: string): Promise<void> {
  const ack: unknown = await socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck(name, { executionId })
  const ok = typeof ack === 'object' && ack !== null && 'ok' in ack && ack.ok === true
  if (!ok) throw new Error(`${name} ${executionId} refused: ${JSON.stringify(ack)}`)
}

function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  return typeof code === 'string' ? code : 'unknown'
}

function moreCount(refused: number): string[] {
  return refused > REFUSALS_SHOWN ? [`… and ${refused - REFUSALS_SHOWN} more`] : []
}
