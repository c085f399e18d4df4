import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { AnalyticsAnswer } from '../../src/server/http-api.js'
import { apiToken, startApiNode, type ApiNode } from '../support/api-node.js'
import { uniqueName } from '../support/durable-stack.js'
import {
  eventsOf,
  expectedGroups,
  generatedExecutions,
  readmePassRule,
  type ExecutionSpec,
} from '../support/run-scenarios.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 2, 1)
const A = uniqueName('proj-a')
const B = uniqueName('proj-b')
const window = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + HOUR).toISOString()}`
const seeded = (projectId: string, seed: number): ExecutionSpec[] =>
  generatedExecutions({
    count: 12,
    idPrefix: uniqueName('exec'),
    projectId,
    startAt: T0,
    spacingMs: 60_000,
    seed,
  })
const specsA = seeded(A, 1)
const specsB = seeded(B, 2)

let api: ApiNode
beforeAll(async () => {
  api = await startApiNode(inject('redisUrl'), inject('mongoUrl'))
  await api.store.persistBatch([...specsA, ...specsB].flatMap(eventsOf))
})
afterAll(async () => {
  await api?.close()
})

async function analytics(query: string, claims: Record<string, unknown>) {
  return api.get<AnalyticsAnswer>(`/api/analytics?${query}`, await apiToken(claims))
}

/** The groups without the labels the expectation does not compute. */
const numbersOf = (answer: AnalyticsAnswer) =>
  answer.groups.map(({ key, runs, failed, failureRate, durationMs, tokens, quality }) => ({
    key,
    runs,
    failed,
    failureRate,
    durationMs,
    tokens,
    quality,
  }))

describe('GET /api/analytics', () => {
  it.each(['agent', 'department'] as const)(
    'answers the statistics per %s of a project’s runs in the window',
    async (groupBy) => {
      const { status, body } = await analytics(`projectId=${A}&${window}&groupBy=${groupBy}`, {
        projects: [A],
      })
      expect(status).toBe(200)
      expect(body).toMatchObject({
        projectId: A,
        from: new Date(T0).toISOString(),
        to: new Date(T0 + HOUR).toISOString(),
        groupBy,
      })
      expect(numbersOf(body)).toEqual(expectedGroups(specsA, groupBy, readmePassRule))
      expect(body.scannedRuns).toBeGreaterThan(0)
    },
  )

  it('labels agent groups with the agent’s name and department', async () => {
    const { body } = await analytics(`projectId=${A}&${window}&groupBy=agent`, { projects: [A] })
    expect(
      body.groups.map(({ key, agentId, agentName, department }) => [key, agentId, agentName, department]),
    ).toEqual([
      ['analyst', 'analyst', 'Analyst', 'research'],
      ['scout', 'scout', 'Scout', 'research'],
      ['writer', 'writer', 'Writer', 'writing'],
    ])
  })

  it('applies passScore to scores without a verdict', async () => {
    const { body } = await analytics(`projectId=${A}&${window}&groupBy=department&passScore=0.5`, {
      projects: [A],
    })
    const strict = (score: number, passed: boolean | undefined) => passed ?? score >= 0.5
    expect(numbersOf(body)).toEqual(expectedGroups(specsA, 'department', strict))
  })

  it('gives every project’s runs without projectId, to a token that grants every project', async () => {
    const { status, body } = await analytics(`${window}&groupBy=department`, { projects: ['*'] })
    expect(status).toBe(200)
    expect(body.projectId).toBeNull()
    expect(numbersOf(body)).toEqual(expectedGroups([...specsA, ...specsB], 'department', readmePassRule))
  })

  it('defaults to agents over the last 7 days', async () => {
    const projectId = uniqueName('proj-recent')
    const now = Date.now()
    const [recent, old] = [now - HOUR, now - 8 * 24 * HOUR].map((startAt, index) =>
      generatedExecutions({
        count: 1,
        idPrefix: uniqueName('exec'),
        projectId,
        startAt,
        spacingMs: 0,
        seed: index,
      }),
    )
    await api.store.persistBatch([...(recent ?? []), ...(old ?? [])].flatMap(eventsOf))
    const { body } = await analytics(`projectId=${projectId}`, { projects: [projectId] })
    expect(body.groupBy).toBe('agent')
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(7 * 24 * HOUR)
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(now)
    expect(numbersOf(body)).toEqual(expectedGroups(recent ?? [], 'agent', readmePassRule))
  })

  it('requires a grant of the project: executions, conversations or another project are 403', async () => {
    const query = `projectId=${A}&${window}`
    for (const claims of [{ projects: [B] }, { executions: ['*'] }, { conversations: ['*'] }]) {
      const { status, body } = await api.get(`/api/analytics?${query}`, await apiToken(claims))
      expect([status, body.error.code]).toEqual([403, 'forbidden'])
    }
    expect((await analytics(query, { projects: ['*'] })).status).toBe(200)
  })

  it.each([
    ['', { projects: [A] }, '`projectId`'],
    [`projectId=${A}&from=yesterday`, { projects: [A] }, '`from`'],
    [`projectId=${A}&to=2026-03-01`, { projects: [A] }, '`to`'],
    [`projectId=${A}&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z`, { projects: [A] }, '`from`'],
    [`projectId=${A}&groupBy=team`, { projects: [A] }, '`groupBy`'],
    [`projectId=${A}&passScore=high`, { projects: [A] }, '`passScore`'],
    [`projectId=${A}&projectId=${B}`, { projects: ['*'] }, '`projectId`'],
  ])('answers %s with 400 invalid_request naming the parameter', async (query, claims, named) => {
    const { status, body } = await api.get(`/api/analytics?${query}`, await apiToken(claims))
    expect([status, body.error.code]).toEqual([400, 'invalid_request'])
    expect(body.error.message).toContain(named)
  })

  it('answers 401 without a token and 405 to a POST', async () => {
    const anonymous = await api.get(`/api/analytics?projectId=${A}`, undefined)
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'token_missing'])
    const posted = await api.get(`/api/analytics?projectId=${A}`, await apiToken({ projects: [A] }), {
      method: 'POST',
    })
    expect([posted.status, posted.headers.get('allow')]).toEqual([405, 'GET, HEAD'])
  })
})
