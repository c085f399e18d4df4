import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JWTPayload } from 'jose'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { tokenFromUpgradeRequest } from '../../src/auth/token-from-request.js'
import { createTokenVerifier } from '../../src/auth/verify-token.js'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import {
  createHttpApi,
  type ConversationExecutionsPage,
  type ExecutionAnswer,
  type ExecutionEventsPage,
  type HttpApiOptions,
} from '../../src/server/http-api.js'
import { EventStore } from '../../src/store/event-store.js'
import { epochSeconds, SECRET, secretBytes, signToken } from '../auth/tokens.js'
import { databaseUrl, uniqueName } from '../support/durable-stack.js'

/** Two tenants whose executions are stored interleaved; ids are unique to this run. */
const A = { project: uniqueName('proj-a'), conversation: uniqueName('conv-a') }
const B = { project: uniqueName('proj-b'), conversation: uniqueName('conv-b') }
const execA = uniqueName('exec-a')
const execB = uniqueName('exec-b')
const unknownExecution = uniqueName('exec-none')
const T0 = Date.UTC(2026, 0, 1)

interface ErrorReply {
  readonly error: { readonly code: string; readonly message: string }
}

/** What a request sees: a status, the headers and the JSON body (undefined when there is none). */
interface Answer<T> {
  readonly status: number
  readonly headers: Headers
  readonly body: T
}

let store: EventStore
let withStore: string
let withoutStore: string
const servers: Server[] = []
const verify = createTokenVerifier({ mode: 'hs256', secret: SECRET })
const authenticate: HttpApiOptions['authenticate'] = (request) => verify(tokenFromUpgradeRequest(request))

beforeAll(async () => {
  store = await EventStore.open(databaseUrl(inject('mongoUrl'), uniqueName('http_api').replace('-', '_')))
  withStore = await serve({ store, authenticate })
  withoutStore = await serve({ store: undefined, authenticate })

  // 250 events of tenant A's execution and 30 of tenant B's, in one interleaved batch.
  const a = Array.from({ length: 250 }, (_, i) => event(execA, i + 1, A))
  const b = Array.from({ length: 30 }, (_, i) => event(execB, i + 1, B))
  await store.persistBatch(a.flatMap((e, i) => (b[i] ? [e, b[i]] : [e])))
})
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  await store?.close()
})

/** Cycles through the event types: seq 1 starts the orchestration, tool calls every 5th seq. */
function event(
  executionId: string,
  seq: number,
  tenant: { project: string; conversation: string },
  startedAt = T0,
): StampedAgentEvent {
  const base = {
    id: `${executionId}-${seq}`,
    seq,
    executionId,
    conversationId: tenant.conversation,
    projectId: tenant.project,
    timestamp: new Date(startedAt + seq * 1000).toISOString(),
  }
  if (seq === 1) return { ...base, type: 'orchestration-start' }
  if (seq % 5 === 0)
    return { ...base, type: 'tool-call', agentId: 'agent-1', toolName: 'search', input: { q: seq } }
  if (seq % 5 === 1)
    return { ...base, type: 'tool-result', agentId: 'agent-1', toolName: 'search', success: true }
  return { ...base, type: 'agent-thinking', agentId: 'agent-1', currentStep: `step ${seq}` }
}

async function serve(options: HttpApiOptions): Promise<string> {
  const api = createHttpApi(options)
  const server: Server = createServer((request, response) => {
    void api(request, response).then((answered) => {
      if (!answered) response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not the API')
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function get<T = ErrorReply>(
  path: string,
  token: string | undefined,
  init: { method?: string; base?: string } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${init.base ?? withStore}${path}`, {
    method: init.method ?? 'GET',
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  }
}

const token = (claims: JWTPayload): Promise<string> => signToken(claims, secretBytes(SECRET), 'HS256')
const seqs = (events: readonly { seq: number }[]): number[] => events.map((e) => e.seq)
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)
const eventsPath = (executionId: string, query = ''): string =>
  `/api/executions/${encodeURIComponent(executionId)}/events${query}`
const executionPath = (executionId: string): string => `/api/executions/${encodeURIComponent(executionId)}`
const conversationPath = (conversationId: string, query = ''): string =>
  `/api/conversations/${encodeURIComponent(conversationId)}/executions${query}`

describe('GET /api/executions/:id/events', () => {
  it('pages through 250 events 100 at a time: three pages in seq order, no overlap, the last with nextAfter null', async () => {
    const tenantA = await token({ projects: [A.project] })
    const pages: number[][] = []
    let after: number | null = 0
    while (after !== null) {
      const { status, body }: Answer<ExecutionEventsPage> = await get(
        eventsPath(execA, `?after=${after}&limit=100`),
        tenantA,
      )
      expect(status).toBe(200)
      expect(body.executionId).toBe(execA)
      pages.push(seqs(body.events))
      after = body.nextAfter
    }
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50])
    expect(pages.flat()).toEqual(range(1, 250))
  })

  it('answers 100 events after seq 0 by default, each as it was emitted', async () => {
    const { body } = await get<ExecutionEventsPage>(eventsPath(execA), await token({ projects: [A.project] }))
    expect(seqs(body.events)).toEqual(range(1, 100))
    expect(body.nextAfter).toBe(100)
    expect(body.events[4]).toEqual(event(execA, 5, A))
  })

  it('points a full last page at an empty one', async () => {
    const tenantA = await token({ projects: [A.project] })
    const full = await get<ExecutionEventsPage>(eventsPath(execA, '?after=150&limit=100'), tenantA)
    expect([full.body.events.length, full.body.nextAfter]).toEqual([100, 250])
    const empty = await get<ExecutionEventsPage>(eventsPath(execA, '?after=250&limit=100'), tenantA)
    expect(empty.body).toEqual({ executionId: execA, events: [], nextAfter: null })
  })

  it('answers only the requested types, in seq order, paging by the seq of the last one', async () => {
    const tenantA = await token({ projects: [A.project] })
    const first = await get<ExecutionEventsPage>(
      eventsPath(execA, '?types=tool-call,tool-result&limit=60'),
      tenantA,
    )
    const toolSeqs = range(2, 250).filter((seq) => seq % 5 === 0 || seq % 5 === 1)
    expect(seqs(first.body.events)).toEqual(toolSeqs.slice(0, 60))
    expect(first.body.nextAfter).toBe(toolSeqs[59])
    const rest = await get<ExecutionEventsPage>(
      eventsPath(execA, `?types=tool-call,tool-result&limit=60&after=${first.body.nextAfter}`),
      tenantA,
    )
    expect(seqs(rest.body.events)).toEqual(toolSeqs.slice(60))
    expect(rest.body.nextAfter).toBeNull()
    const starts = await get<ExecutionEventsPage>(eventsPath(execA, '?types=orchestration-start'), tenantA)
    expect(starts.body.events.map((e) => e.type)).toEqual(['orchestration-start'])
  })

  it('decodes a percent-encoded execution id', async () => {
    const executionId = `${uniqueName('exec')}/with space`
    await store.persistBatch([event(executionId, 1, { ...A, conversation: uniqueName('conv') })])
    const { status, body } = await get<ExecutionEventsPage>(
      eventsPath(executionId),
      await token({ executions: [executionId] }),
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({ executionId, events: [{ seq: 1, executionId }], nextAfter: null })
  })
})

describe('GET /api/executions/:id', () => {
  it('answers the execution summary with ISO timestamps', async () => {
    const { status, body } = await get<ExecutionAnswer>(
      executionPath(execA),
      await token({ executions: [execA] }),
    )
    expect(status).toBe(200)
    expect(body.execution).toMatchObject({
      executionId: execA,
      conversationId: A.conversation,
      projectId: A.project,
      status: 'running',
      eventCount: 250,
      lastSeq: 250,
      agents: ['agent-1'],
      startedAt: new Date(T0 + 1000).toISOString(),
      lastEventAt: new Date(T0 + 250_000).toISOString(),
    })
    expect(body.execution).not.toHaveProperty('ledger')
    expect(body.execution).not.toHaveProperty('_id')
  })
})

describe('GET /api/conversations/:id/executions', () => {
  const conversation = { project: A.project, conversation: uniqueName('conv-list') }
  // Two start at the same time: the execution id orders them.
  const starts = [
    ['exec-3', T0 + 3000],
    ['exec-1', T0 + 1000],
    ['exec-2b', T0 + 2000],
    ['exec-2a', T0 + 2000],
    ['exec-4', T0 + 4000],
  ] as const
  beforeAll(async () => {
    await store.persistBatch(
      starts.map(([id, at]) => event(`${conversation.conversation}-${id}`, 1, conversation, at)),
    )
  })

  it('lists the summaries by startedAt, then execution id, page by page', async () => {
    const reader = await token({ conversations: [conversation.conversation] })
    const pages: string[][] = []
    let after: string | null = ''
    while (after !== null) {
      const query: string = after === '' ? '?limit=2' : `?limit=2&after=${encodeURIComponent(after)}`
      const { status, body } = await get<ConversationExecutionsPage>(
        conversationPath(conversation.conversation, query),
        reader,
      )
      expect(status).toBe(200)
      expect(body.conversationId).toBe(conversation.conversation)
      pages.push(body.executions.map((e) => e.executionId))
      after = body.nextAfter
    }
    const expected = ['exec-1', 'exec-2a', 'exec-2b', 'exec-3', 'exec-4'].map(
      (id) => `${conversation.conversation}-${id}`,
    )
    expect(pages).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4)])
  })

  it('answers whole summaries, with ISO timestamps', async () => {
    const { body } = await get<ConversationExecutionsPage>(
      conversationPath(A.conversation),
      await token({ projects: [A.project] }),
    )
    expect(body.executions).toHaveLength(1)
    expect(body.executions[0]).toMatchObject({
      executionId: execA,
      eventCount: 250,
      startedAt: new Date(T0 + 1000).toISOString(),
    })
    expect(body.nextAfter).toBeNull()
  })

  it('answers an empty list for a conversation without stored executions, to a token that grants it', async () => {
    const conversationId = uniqueName('conv-empty')
    const { status, body } = await get<ConversationExecutionsPage>(
      conversationPath(conversationId),
      await token({ conversations: [conversationId] }),
    )
    expect(status).toBe(200)
    expect(body).toEqual({ conversationId, executions: [], nextAfter: null })
  })
})

describe('invalid requests are 400 invalid_request naming what is wrong', () => {
  it.each([
    ['after below 0', eventsPath(execA, '?after=-1'), '`after`'],
    ['after not an integer', eventsPath(execA, '?after=1.5'), '`after`'],
    ['after empty', eventsPath(execA, '?after='), '`after`'],
    ['after given twice', eventsPath(execA, '?after=1&after=2'), '`after`'],
    ['limit 0', eventsPath(execA, '?limit=0'), '`limit`'],
    ['limit above 1000', eventsPath(execA, '?limit=1001'), '`limit`'],
    ['limit not a number', eventsPath(execA, '?limit=ten'), '`limit`'],
    ['an unknown type', eventsPath(execA, '?types=agent-start,agent-dance'), '`types`'],
    ['an empty type', eventsPath(execA, '?types=agent-start,,tool-call'), '`types`'],
    [
      'a conversation cursor not made by the API',
      conversationPath(A.conversation, '?after=bm9wZQ'),
      '`after`',
    ],
    ['a conversation page limit above 1000', conversationPath(A.conversation, '?limit=5000'), '`limit`'],
    ['an execution id of 201 characters', executionPath('x'.repeat(201)), 'execution id'],
    ['an empty execution id', '/api/executions//events', 'execution id'],
    ['an execution id that is not percent-encoding', '/api/executions/%E0%A4%A', 'execution id'],
    ['a conversation id of 201 characters', conversationPath('c'.repeat(201)), 'conversation id'],
  ])('%s', async (_, path, named) => {
    const { status, body } = await get(path, await token({ executions: ['*'], conversations: ['*'] }))
    expect(status).toBe(400)
    expect(body.error.code).toBe('invalid_request')
    expect(body.error.message).toContain(named)
  })

  it('accepts ids of 200 characters', async () => {
    const { status } = await get(executionPath('x'.repeat(200)), await token({ executions: ['*'] }))
    expect(status).toBe(404)
  })
})

describe('authentication', () => {
  it.each([
    ['no token', async () => undefined, 'token_missing'],
    ['an expired token', () => token({ executions: [execA], exp: epochSeconds(-60) }), 'token_expired'],
    [
      'a token signed with another secret',
      () => signToken({ executions: [execA] }, secretBytes('x'.repeat(32)), 'HS256'),
      'token_invalid',
    ],
    ['a malformed token', async () => 'not-a-jwt', 'token_invalid'],
  ])('answers %s with 401 and its code, on every route', async (_, makeToken, code) => {
    const presented = await makeToken()
    for (const path of [eventsPath(execA), executionPath(execA), conversationPath(A.conversation)]) {
      const { status, headers, body } = await get(path, presented)
      expect([status, body.error.code]).toEqual([401, code])
      expect(headers.get('www-authenticate')).toMatch(/^Bearer/)
    }
  })

  it('accepts the token as ?token=', async () => {
    const presented = await token({ executions: [execA] })
    const { status } = await get(`${executionPath(execA)}?token=${presented}`, undefined)
    expect(status).toBe(200)
  })
})

describe('two tenants: a token never reads the other tenant’s data', () => {
  const forbidden = { error: { code: 'forbidden', message: expect.any(String) } }

  it('a project grant reads its own executions and conversations, and nothing of the other tenant', async () => {
    const tenantA = await token({ projects: [A.project] })
    for (const path of [eventsPath(execA), executionPath(execA), conversationPath(A.conversation)])
      expect((await get(path, tenantA)).status).toBe(200)
    for (const path of [eventsPath(execB), executionPath(execB), conversationPath(B.conversation)])
      expect(await get(path, tenantA)).toMatchObject({ status: 403, body: forbidden })
  })

  it('a conversation grant reads that conversation’s executions only', async () => {
    const conversationA = await token({ conversations: [A.conversation] })
    expect((await get(eventsPath(execA), conversationA)).status).toBe(200)
    expect((await get(conversationPath(A.conversation), conversationA)).status).toBe(200)
    for (const path of [eventsPath(execB), executionPath(execB), conversationPath(B.conversation)])
      expect((await get(path, conversationA)).status).toBe(403)
  })

  it('an execution grant reads that execution, not its conversation', async () => {
    const executionA = await token({ executions: [execA] })
    expect((await get(eventsPath(execA), executionA)).status).toBe(200)
    expect((await get(conversationPath(A.conversation), executionA)).status).toBe(403)
    expect((await get(eventsPath(execB), executionA)).status).toBe(403)
  })

  it('a conversation whose executions name both tenants’ projects needs both projects granted', async () => {
    const shared = { conversation: uniqueName('conv-shared') }
    await store.persistBatch([
      event(uniqueName('exec-a'), 1, { ...shared, project: A.project }),
      event(uniqueName('exec-b'), 1, { ...shared, project: B.project }),
    ])
    const path = conversationPath(shared.conversation)
    expect((await get(path, await token({ projects: [A.project] }))).status).toBe(403)
    expect((await get(path, await token({ projects: [A.project, B.project] }))).status).toBe(200)
    expect((await get(path, await token({ conversations: [shared.conversation] }))).status).toBe(200)
  })

  it('answers an unknown execution 404 to a token that grants it, and the same 403 as an existing one otherwise', async () => {
    const granted = await get(
      executionPath(unknownExecution),
      await token({ executions: [unknownExecution] }),
    )
    expect(granted).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    const grantedEvents = await get(
      eventsPath(unknownExecution),
      await token({ executions: [unknownExecution] }),
    )
    expect(grantedEvents.status).toBe(404)

    const tenantA = await token({ projects: [A.project], conversations: [A.conversation] })
    const unknown = await get(executionPath(unknownExecution), tenantA)
    const existing = await get(executionPath(execB), tenantA)
    expect(unknown).toMatchObject({ status: 403, body: forbidden })
    expect(unknown.body).toEqual(existing.body)
  })
})

describe('HTTP semantics', () => {
  it('answers JSON that is never cached', async () => {
    const reader = await token({ executions: [execA] })
    for (const path of [executionPath(execA), executionPath(execB), '/api/nothing-here']) {
      const { headers } = await get(path, reader)
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(headers.get('cache-control')).toBe('no-store')
    }
  })

  it('answers HEAD like GET, without a body', async () => {
    const { status, headers, body } = await get(executionPath(execA), await token({ executions: [execA] }), {
      method: 'HEAD',
    })
    expect(status).toBe(200)
    expect(Number(headers.get('content-length'))).toBeGreaterThan(0)
    expect(body).toBeUndefined()
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow', async (method) => {
    const { status, headers, body } = await get(executionPath(execA), await token({ executions: [execA] }), {
      method,
    })
    expect([status, body.error.code]).toEqual([405, 'method_not_allowed'])
    expect(headers.get('allow')).toBe('GET, HEAD')
  })

  it('answers an unknown path under /api/ with 404 not_found, and leaves other paths alone', async () => {
    for (const path of [
      '/api',
      '/api/executions/x/events/more',
      '/api/conversations/x',
      '/api/analytics/x',
    ]) {
      expect(await get(path, undefined)).toMatchObject({
        status: 404,
        body: { error: { code: 'not_found' } },
      })
    }
    const other = await fetch(`${withStore}/apiary`)
    expect([other.status, await other.text()]).toEqual([404, 'not the API'])
  })
})

describe('without a store', () => {
  it('answers every route 503 store_unavailable', async () => {
    const reader = await token({ executions: ['*'], conversations: ['*'], projects: ['*'] })
    for (const path of [eventsPath(execA), executionPath(execA), conversationPath(A.conversation)]) {
      const { status, body } = await get(path, reader, { base: withoutStore })
      expect([status, body.error.code]).toEqual([503, 'store_unavailable'])
    }
  })

  it('answers 503 store_unavailable when the store fails', async () => {
    const closed = await EventStore.open(
      databaseUrl(inject('mongoUrl'), uniqueName('http_api').replace('-', '_')),
    )
    await closed.close()
    const base = await serve({ store: closed, authenticate })
    const { status, body } = await get(executionPath(execA), await token({ executions: [execA] }), { base })
    expect([status, body.error.code]).toEqual([503, 'store_unavailable'])
  })
})
