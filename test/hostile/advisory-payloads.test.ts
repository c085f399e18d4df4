import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'
import { PROTOCOLS } from '../support/web-node-clients.js'
import { stackNames, type StackNames } from '../support/web-node-stack.js'
import type { FrameWire } from './support/frame-wire.js'
import { freshClientSeqs, healthStatus, residentMemoryBytes } from './support/node-vitals.js'
import { httpHead, rawRequest, WEBSOCKET_UPGRADE_HEADERS, writeThenReset } from './support/raw-http.js'
import { ackOf, firstArgument, isErrorEvent, openSocketIo } from './support/socket-io-packets.js'
import { startSharedWebProcess, type WebProcess } from './support/web-process.js'

/**
 * Published advisories of the libraries under both wire protocols (socket.io-parser, engine.io,
 * socket.io, ws), replayed with their published payloads at the protocol level against one real web
 * node process. After each: the process has not exited, `/healthz` answers, and new clients of both
 * protocols subscribe and receive events. Sources are cited next to each payload.
 */

const ALLOWED_ORIGIN = 'https://app.example'
const SOCKET_IO_UPGRADE_PATH = '/socket.io/?EIO=4&transport=websocket'
/**
 * Resident memory may grow this much over the whole run. The zero-attachment replay alone sends 144 MiB
 * of attachments (18 connections × 8 × 1 MiB): a parser that buffered them, as the vulnerable ones did,
 * would grow by at least that much. A node that drops them grew by 4 to 41 MiB of transient read buffers
 * in our runs, everything else included.
 */
const RSS_GROWTH_BOUND_BYTES = 96 * 1024 * 1024

let names: StackNames
let web: WebProcess
let emitter: AgentEventEmitter
let baselineRss: number
let freshExecutions = 0

beforeAll(async () => {
  names = stackNames(inject('redisUrl'), inject('mongoUrl'))
  web = await startSharedWebProcess(names, { ALLOWED_ORIGINS: ALLOWED_ORIGIN })
  emitter = new AgentEventEmitter({
    redisUrl: names.redisUrl,
    keyPrefix: names.keyPrefix,
  })
  await emitter.initialize()
  await expectStillServing()
  baselineRss = await residentMemoryBytes(web.url)
}, 60_000)

afterAll(async () => {
  await emitter?.close()
  await web?.stop()
})

/** The process is up, answers `/healthz`, and serves new clients of both protocols their events. */
async function expectStillServing(): Promise<void> {
  expect(web.hasExited(), web.process.output().slice(-2000)).toBe(false)
  expect(await healthStatus(web.url)).toBe(200)
  for (const protocol of PROTOCOLS) {
    const executionId = `exec-fresh-${(freshExecutions += 1)}-${names.keyPrefix}`
    expect(await freshClientSeqs(web.url, protocol, emitter, executionId)).toEqual([1, 2, 3])
  }
}

/** Sends Socket.IO packets (prefixed with the Engine.IO `4`) and binary frames on a new connection. */
async function sendPackets(frames: readonly (string | Buffer)[]): Promise<FrameWire> {
  const wire = await openSocketIo(web.url)
  for (const frame of frames) wire.send(typeof frame === 'string' ? `4${frame}` : frame)
  return wire
}

/** Resolves once the node has closed the connection (the wait fails after 10 s otherwise). */
async function expectClosedByNode(wire: FrameWire): Promise<void> {
  expect(await wire.next(() => false)).toMatchObject({ kind: 'closed' })
}

/** The node still acknowledges a harmless request on the connection: it is usable. */
async function expectUsable(wire: FrameWire, probeId: number): Promise<void> {
  wire.send(`42${probeId}["unsubscribe",{"executionId":"probe"}]`)
  const probe = await wire.next(ackOf(probeId))
  expect(probe.kind === 'frame' && firstArgument(probe.frame)).toEqual({ ok: true, executionId: 'probe' })
}

describe('published advisory payloads, replayed against a web node process', () => {
  // GHSA-qm95-pgcg-qqfq (socket.io-parser < 4.2.1): "decoder.add('51-[\"hello\",{\"_placeholder\":true,
  // \"num\":\"splice\"}]')" put a function where a Buffer goes; `"num":10` (out of bounds) was the other
  // published example. https://github.com/advisories/GHSA-qm95-pgcg-qqfq
  it('CVE-2022-2421: placeholders naming a function or a missing attachment end the connection; a Buffer as the id is invalid_request', async () => {
    for (const num of ['"splice"', '"__proto__"', '10', '-1']) {
      const wire = await sendPackets([
        `51-0["subscribe",{"_placeholder":true,"num":${num}}]`,
        Buffer.from('stellar'),
      ])
      await expectClosedByNode(wire)
    }
    const wire = await sendPackets([
      '51-7["subscribe",{"executionId":{"_placeholder":true,"num":0}}]',
      Buffer.from('exec-1'),
    ])
    const ack = await wire.next(ackOf(7))
    expect(ack.kind === 'frame' && firstArgument(ack.frame)).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })
    await expectUsable(wire, 8)
    await wire.close()
    await expectStillServing()
  })

  // GHSA-cqmj-92xf-r6r9 (socket.io-parser < 4.2.3, "check the format of the event name"): an event name
  // that is an object made the server throw "Cannot convert object to primitive value". Payloads from
  // the fix's tests: https://github.com/socketio/socket.io/blob/main/packages/socket.io-parser/test/parser.js
  it('CVE-2023-32695: event names that are objects, booleans, null or reserved end the connection, and nothing else', async () => {
    const packets = ['2[{"toString":"foo"}]', '20[{"toString":"foo"}]', '2[true,"foo"]', '2[null,"bar"]']
    for (const packet of [...packets, '2["connect"]', '2["disconnect","123"]']) {
      await expectClosedByNode(await sendPackets([packet]))
    }
    await expectStillServing()
  })

  // GHSA-677m-j7p3-52f9 (socket.io-parser < 4.2.6, CVE-2026-33151): a packet announcing an unbounded number
  // of binary attachments made the parser buffer every binary frame that followed.
  it('CVE-2026-33151: announcing more than 10 attachments ends the connection before any is buffered', async () => {
    const eleven = Array.from({ length: 11 }, (_, num) => ({ _placeholder: true, num }))
    for (const packet of [
      `511-0${JSON.stringify(['subscribe', ...eleven])}`,
      '5999999999-1["subscribe",{}]',
    ]) {
      await expectClosedByNode(await sendPackets([packet]))
    }
    await expectStillServing()
  })

  // GHSA-2m8v-j782-fhvr (socket.io-parser < 4.2.7, CVE-2026-69185, the floor PLATFORM.md names): a packet
  // announcing zero attachments left a reconstructor that never completed, buffering every binary frame.
  it('CVE-2026-69185: announcing zero (or a malformed number of) attachments ends the connection', async () => {
    const attachments = Array.from({ length: 8 }, () => Buffer.alloc(1024 * 1024, 1))
    for (const packet of [
      '50-0["subscribe",{"executionId":"exec-1"}]',
      '5-1-["subscribe",{}]',
      '51.5-["subscribe",{}]',
    ]) {
      for (let connection = 0; connection < 6; connection += 1) {
        await expectClosedByNode(await sendPackets([packet, ...attachments]))
      }
    }
    await expectStillServing()
  })

  it('nested binary placeholders are reassembled and refused as invalid_request; the connection stays', async () => {
    const nested =
      '{"executionId":"exec-1","a":{"_placeholder":true,"num":0},"b":[[[{"_placeholder":true,"num":1}]]]}'
    const wire = await sendPackets([`52-3["subscribe",${nested}]`, Buffer.from('one'), Buffer.from('two')])
    const ack = await wire.next(ackOf(3))
    expect(ack.kind === 'frame' && firstArgument(ack.frame)).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })
    await expectUsable(wire, 4)
    await wire.close()
    await expectStillServing()
  })

  // GHSA-25hc-qcg6-38wj (socket.io < 4.6.2): `server.send('42["error"]')` from a client made the server
  // emit an unhandled 'error' event and exit. PoC: the advisory's reporter's replication repository.
  it('CVE-2024-38355: an "error" event from the client is answered with invalid_request, with or without an ack', async () => {
    const wire = await sendPackets(['2["error"]', '25["error","foo"]'])
    const unacked = await wire.next(isErrorEvent)
    const acked = await wire.next(ackOf(5))
    expect(unacked.kind === 'frame' && firstArgument(unacked.frame)).toMatchObject({
      code: 'invalid_request',
    })
    expect(acked.kind === 'frame' && firstArgument(acked.frame)).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })
    await expectUsable(wire, 6)
    await wire.close()
    await expectStillServing()
  })

  // GHSA-r7qp-cfhv-p84w (engine.io < 6.2.1): an HTTP/2 cleartext upgrade aborted with a TCP reset raised an
  // unhandled ECONNRESET ('error' on the upgrade socket). PoC: socketio/socket.io#3564 (Python, SO_LINGER 0).
  it('CVE-2022-41940: h2c and WebSocket upgrades reset by the client, refused or not, do not crash the node', async () => {
    const h2c = (path: string, origin?: string): string =>
      httpHead(`HEAD ${path} HTTP/1.1`, [
        ['Host', '127.0.0.1'],
        ['Connection', 'Upgrade, HTTP2-Settings'],
        ['Upgrade', 'h2c'],
        ['HTTP2-Settings', 'AAMAAABkAARAAAAAAAIAAAAA'],
        ...(origin === undefined ? [] : [['Origin', origin] as const]),
      ])
    const websocket = (path: string, origin: string): string =>
      httpHead(`GET ${path} HTTP/1.1`, [...WEBSOCKET_UPGRADE_HEADERS, ['Origin', origin]])
    const requests = [
      h2c('/'),
      h2c(SOCKET_IO_UPGRADE_PATH),
      h2c('/events', 'https://evil.example'),
      websocket('/events', 'https://evil.example'),
      websocket(SOCKET_IO_UPGRADE_PATH, 'https://evil.example'),
    ]

    for (const request of requests) {
      await Promise.all(Array.from({ length: 40 }, () => writeThenReset(web.port, request)))
    }
    const answers = await Promise.all(requests.map((request) => rawRequest(web.port, request)))

    // ws allows GET only (405); engine.io refuses a HEAD handshake (400), and any refused upgrade with 400.
    expect(answers.map((answer) => answer.status)).toEqual([405, 400, 403, 403, 400])
    await expectStillServing()
  })

  // GHSA-q9mw-68c2-j6m5 (engine.io < 6.4.2): a request naming `__proto__` as its transport threw
  // "Cannot read properties of undefined (reading 'handlesUpgrades')". Payloads from engine.io's tests
  // ("should disallow `__proto__` as transport"). https://github.com/socketio/engine.io/commit/fc480b4
  it('CVE-2023-31125: __proto__ and constructor as the transport are refused with 400, polling and upgrade alike', async () => {
    const answers = []
    for (const transport of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const path = `/socket.io/?EIO=4&transport=${transport}`
      answers.push(await rawRequest(web.port, httpHead(`GET ${path} HTTP/1.1`, WEBSOCKET_UPGRADE_HEADERS)))
      answers.push(await rawRequest(web.port, httpHead(`GET ${path} HTTP/1.1`, [['Host', '127.0.0.1']])))
    }

    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400, 400])
    await expectStillServing()
  })

  // GHSA-273r-mgr4-v34f (engine.io < 6.1.1): bytes that are no valid frame right after the upgrade request
  // ("RangeError: Invalid WebSocket frame: RSV2 and RSV3 must be clear") were thrown, uncaught.
  it('CVE-2022-21676: invalid frame data right behind the upgrade request closes only that connection', async () => {
    for (const path of [SOCKET_IO_UPGRADE_PATH, '/events']) {
      const answer = await rawRequest(
        web.port,
        httpHead(`GET ${path} HTTP/1.1`, WEBSOCKET_UPGRADE_HEADERS) + 'test',
      )
      expect(answer.status).toBe(101)
    }
    await expectStillServing()
  })

  // GHSA-3h5v-q93c-6h6q (ws < 8.17.1): 2,000 headers before the WebSocket ones push those past
  // `server.maxHeadersCount`, and ws read `undefined.trim()`. PoC: the advisory's script, 2,000 two-letter
  // headers, then Connection, Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Version.
  it('CVE-2024-37890: an upgrade whose WebSocket headers lie past maxHeadersCount is refused with 400', async () => {
    const chars = "!#$%&'*+-.0123456789abcdefghijklmnopqrstuvwxyz^_`|~".split('')
    const filler = chars.flatMap((a) => chars.map((b) => [a + b, 'x'] as const)).slice(0, 2000)
    const answers = []
    for (const path of ['/events', SOCKET_IO_UPGRADE_PATH]) {
      answers.push(
        await rawRequest(
          web.port,
          httpHead(`GET ${path} HTTP/1.1`, [...filler, ...WEBSOCKET_UPGRADE_HEADERS]),
        ),
      )
    }

    expect(answers.map((answer) => answer.status)).toEqual([400, 400])
    await expectStillServing()
  })

  // GHSA-6fc8-4gx4-v693 (ws < 7.4.6): `'b' + ' '.repeat(length) + 'x'` as Sec-WebSocket-Protocol took
  // quadratic time in `value.trim().split(/ *, */)` (about 80 ms per request at 15,000 spaces here).
  it('CVE-2021-32640: 32 upgrades with a Sec-WebSocket-Protocol of 15,000 spaces are refused about as fast as plain ones', async () => {
    const upgrade = (protocolHeader: string): string =>
      httpHead(`GET /events HTTP/1.1`, [
        ...WEBSOCKET_UPGRADE_HEADERS,
        ['Sec-WebSocket-Protocol', protocolHeader],
      ])
    const timed = async (request: string): Promise<{ ms: number; statuses: (number | undefined)[] }> => {
      const started = performance.now()
      const answers = await Promise.all(Array.from({ length: 32 }, () => rawRequest(web.port, request)))
      return { ms: performance.now() - started, statuses: answers.map((answer) => answer.status) }
    }

    const plain = await timed(upgrade('b x'))
    const redos = await timed(upgrade(`b${' '.repeat(15_000)}x`))

    expect(new Set([...plain.statuses, ...redos.statuses])).toEqual(new Set([400]))
    // Vulnerable: 32 × 80 ms one after another on the event loop. Fixed: as fast as the plain batch.
    expect(redos.ms).toBeLessThan(plain.ms * 4 + 250)
    await expectStillServing()
  })

  // The ws advisory of November 2017 (ws < 3.3.1): `Sec-WebSocket-Extensions: constructor` (or `,;constructor`)
  // named an Object.prototype property and crashed the server. PoC from the advisory, via facebook/react-devtools#1035.
  it('Sec-WebSocket-Extensions naming Object.prototype properties are ignored, and do not crash the node', async () => {
    for (const path of ['/events', SOCKET_IO_UPGRADE_PATH]) {
      for (const extensions of ['constructor', ',;constructor', 'permessage-deflate; __proto__=1']) {
        const headers = [...WEBSOCKET_UPGRADE_HEADERS, ['Sec-WebSocket-Extensions', extensions] as const]
        const answer = await rawRequest(web.port, httpHead(`GET ${path} HTTP/1.1`, headers))
        // Accepted: the node negotiates no extension, so the offer is ignored, not parsed into an object.
        expect(answer.status).toBe(101)
      }
    }
    await expectStillServing()
  })

  it(`keeps its resident memory within ${RSS_GROWTH_BOUND_BYTES / 1024 / 1024} MiB of where it started`, async () => {
    const rss = await residentMemoryBytes(web.url)
    expect(rss - baselineRss).toBeLessThan(RSS_GROWTH_BOUND_BYTES)
  })
})
