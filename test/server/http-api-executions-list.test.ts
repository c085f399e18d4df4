import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import type { ExecutionsListPage } from '../../src/server/http-api.js'
import { apiToken, startApiNode, type ApiNode } from '../support/api-node.js'
import { uniqueName } from '../support/durable-stack.js'

const T0 = Date.UTC(2026, 1, 1)
const prefix = uniqueName('exec')
const A = { project: uniqueName('proj-a'), first: uniqueName('conv-a1'), second: uniqueName('conv-a2') }
const B = { project: uniqueName('proj-b'), conversation: uniqueName('conv-b') }
const loose = { conversation: uniqueName('conv-none') }

interface Seeded {
  readonly id: string
  readonly projectId?: string
  readonly conversationId: string
  /** Seconds after T0 of the start, the last event, and the end with its status. */
  readonly start: number
  readonly last: number
  readonly end?: { at: number; status: 'completed' | 'failed' }
}

/** Ids in the order the list must give them: newest start first, then the greater id. */
const E = {
  a6: { id: `${prefix}Xa6`, projectId: A.project, conversationId: A.second, start: 7, last: 8 },
  noProject: { id: `${prefix}-n1`, conversationId: loose.conversation, start: 6, last: 6 },
  a5: { id: `${prefix}.a5`, projectId: A.project, conversationId: A.second, start: 5, last: 9 },
  b1: {
    id: `${prefix}-b1`,
    projectId: B.project,
    conversationId: B.conversation,
    start: 4,
    last: 5,
    end: { at: 5, status: 'completed' },
  },
  a4: { id: `${prefix}-a4`, projectId: A.project, conversationId: A.second, start: 3, last: 4 },
  a3: {
    id: `${prefix}-a3`,
    projectId: A.project,
    conversationId: A.second,
    start: 3,
    last: 33,
    end: { at: 33, status: 'failed' },
  },
  a2: { id: `${prefix}-a2`, projectId: A.project, conversationId: A.first, start: 2, last: 12 },
  a1: {
    id: `${prefix}-a1`,
    projectId: A.project,
    conversationId: A.first,
    start: 1,
    last: 61,
    end: { at: 61, status: 'completed' },
  },
} satisfies Record<string, Seeded>

function eventsOf(seeded: Seeded): StampedAgentEvent[] {
  const base = (seq: number, at: number) => ({
    id: `${seeded.id.replace('.', '_')}-${seq}`,
    seq,
    executionId: seeded.id,
    conversationId: seeded.conversationId,
    ...(seeded.projectId === undefined ? {} : { projectId: seeded.projectId }),
    timestamp: new Date(T0 + at * 1000).toISOString(),
  })
  return [
    { ...base(1, seeded.start), type: 'orchestration-start' },
    { ...base(2, seeded.last), type: 'agent-thinking', agentId: 'writer', currentStep: 'drafting' },
    ...(seeded.end
      ? [{ ...base(3, seeded.end.at), type: 'orchestration-complete' as const, status: seeded.end.status }]
      : []),
  ]
}

let api: ApiNode
beforeAll(async () => {
  api = await startApiNode(inject('redisUrl'), inject('mongoUrl'))
  await api.store.persistBatch(Object.values(E).flatMap(eventsOf))
})
afterAll(async () => {
  await api?.close()
})

const ids = (page: ExecutionsListPage): string[] => page.executions.map((e) => e.executionId)
async function list(query: string, claims: Record<string, unknown>): Promise<ExecutionsListPage> {
  const { status, body } = await api.get<ExecutionsListPage>(
    `/api/executions${query}`,
    await apiToken(claims),
  )
  expect(status).toBe(200)
  return body
}

describe('GET /api/executions: the runs list', () => {
  it('lists a project’s executions newest first, page by page through nextBefore', async () => {
    const pages: string[][] = []
    let before: string | null = ''
    while (before !== null) {
      const query: string = before === '' ? '?limit=2' : `?limit=2&before=${before}`
      const page = await list(query, { projects: [A.project] })
      pages.push(ids(page))
      before = page.nextBefore
    }
    expect(pages).toEqual([[E.a6.id, E.a5.id], [E.a4.id, E.a3.id], [E.a2.id, E.a1.id], []])
  })

  it('answers the stored summaries with their duration: to the end, or to the last event while running', async () => {
    const page = await list(`?q=${encodeURIComponent(`${prefix}-a`)}`, { projects: [A.project] })
    expect(ids(page)).toEqual([E.a4.id, E.a3.id, E.a2.id, E.a1.id])
    expect(page.executions.find((e) => e.executionId === E.a1.id)).toMatchObject({
      status: 'completed',
      projectId: A.project,
      conversationId: A.first,
      eventCount: 3,
      startedAt: new Date(T0 + 1000).toISOString(),
      completedAt: new Date(T0 + 61_000).toISOString(),
      durationMs: 60_000,
    })
    expect(page.executions.find((e) => e.executionId === E.a2.id)).toMatchObject({
      status: 'running',
      durationMs: 10_000,
    })
    expect(page.executions[0]).not.toHaveProperty('ledger')
    expect(page.nextBefore).toBeNull()
  })

  it('filters by project, conversation, status and id prefix (taken literally)', async () => {
    const everything = { executions: ['*'] }
    expect(ids(await list(`?conversationId=${A.second}`, everything))).toEqual([
      E.a6.id,
      E.a5.id,
      E.a4.id,
      E.a3.id,
    ])
    expect(ids(await list(`?projectId=${B.project}`, everything))).toEqual([E.b1.id])
    expect(ids(await list('?status=failed', everything))).toEqual([E.a3.id])
    expect(
      ids(await list(`?status=running&projectId=${A.project}&conversationId=${A.first}`, everything)),
    ).toEqual([E.a2.id])
    expect(ids(await list(`?q=${encodeURIComponent(`${prefix}.`)}`, everything))).toEqual([E.a5.id])
  })

  it('lists only what the token may watch: by id, conversation or project, * for all; nothing without a grant', async () => {
    expect(ids(await list('', { executions: [E.a1.id, E.b1.id] }))).toEqual([E.b1.id, E.a1.id])
    expect(ids(await list('', { conversations: [A.first] }))).toEqual([E.a2.id, E.a1.id])
    expect(ids(await list('', { projects: [B.project], executions: [E.a4.id] }))).toEqual([E.b1.id, E.a4.id])
    const everyProject = ids(await list('', { projects: ['*'] }))
    expect(everyProject).toEqual(
      Object.values(E)
        .filter((e) => 'projectId' in e)
        .map((e) => e.id),
    )
    expect(ids(await list('', { conversations: ['*'] }))).toEqual(Object.values(E).map((e) => e.id))
    expect(ids(await list(`?projectId=${B.project}`, { projects: [A.project] }))).toEqual([])
    expect(await list('', { sub: 'nobody' })).toEqual({ executions: [], nextBefore: null })
  })

  it.each([
    ['status=paused', '`status`'],
    ['limit=0', '`limit`'],
    ['limit=1001', '`limit`'],
    ['before=bm9wZQ', '`before`'],
    ['q=', '`q`'],
    [`projectId=${'p'.repeat(201)}`, '`projectId`'],
    ['conversationId=a&conversationId=b', '`conversationId`'],
  ])('answers %s with 400 invalid_request naming it', async (query, named) => {
    const { status, body } = await api.get(`/api/executions?${query}`, await apiToken({ executions: ['*'] }))
    expect([status, body.error.code]).toEqual([400, 'invalid_request'])
    expect(body.error.message).toContain(named)
  })

  it('answers 401 without a token, and CORS headers to a browser page', async () => {
    const anonymous = await api.get('/api/executions', undefined)
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'token_missing'])
    const origin = 'http://dashboard.example'
    const fromPage = await api.get('/api/executions', await apiToken({ executions: ['*'] }), {
      headers: { Origin: origin },
    })
    expect(fromPage.headers.get('access-control-allow-origin')).toBe(origin)
    expect(fromPage.headers.get('cache-control')).toBe('no-store')
  })

  it('answers 503 store_unavailable on a node without a store', async () => {
    const storeless = await startApiNode(inject('redisUrl'), inject('mongoUrl'), false)
    try {
      const { status, body } = await storeless.get('/api/executions', await apiToken({ executions: ['*'] }))
      expect([status, body.error.code]).toEqual([503, 'store_unavailable'])
    } finally {
      await storeless.close()
    }
  })
})
