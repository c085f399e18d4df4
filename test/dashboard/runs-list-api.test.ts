import { describe, expect, it } from 'vitest'
import { listRuns, type ExecutionSummary } from '../../dashboard/src/api/executions.js'
import { ApiError, type ApiClient } from '../../dashboard/src/api/http-client.js'

/** An HTTP client that answers from a table of paths, as a node of a given version would. */
function nodeAnswering(routes: Record<string, (query: Record<string, unknown>) => unknown>): ApiClient & {
  asked: string[]
} {
  const asked: string[] = []
  return {
    asked,
    get<T>(path: string, query: Readonly<Record<string, string | number | undefined>> = {}): Promise<T> {
      asked.push(path)
      const route = routes[path]
      if (!route) return Promise.reject(new ApiError(404, 'not_found', 'There is no such API path'))
      return Promise.resolve(route(query) as T)
    },
  }
}

const summary = (
  executionId: string,
  startedAt: string,
  status: ExecutionSummary['status'],
): ExecutionSummary => ({
  executionId,
  conversationId: 'conv-1',
  status,
  startedAt,
  departments: [],
  agents: [],
  tokenUsage: { input: 0, output: 0, total: 0 },
  quality: { count: 0, sum: 0, passed: 0, failed: 0 },
  eventCount: 1,
  lastSeq: 1,
})

describe('the runs list data layer', () => {
  it('reads GET /api/executions with the query', async () => {
    const page = { executions: [summary('exec-2', '2026-01-02T00:00:00Z', 'running')], nextBefore: 'c1' }
    const node = nodeAnswering({ '/api/executions': () => page })

    expect(await listRuns(node, { projectId: 'p' })).toEqual(page)
  })

  it('passes failures on with their code', async () => {
    const node: ApiClient = {
      get: () => Promise.reject(new ApiError(401, 'token_missing', 'No access token was presented')),
    }

    await expect(listRuns(node, { conversationId: 'conv-1' })).rejects.toMatchObject({
      code: 'token_missing',
    })
  })
})
