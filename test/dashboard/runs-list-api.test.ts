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
  it('uses GET /api/executions when the node has it', async () => {
    const page = { executions: [summary('exec-2', '2026-01-02T00:00:00Z', 'running')], nextBefore: 'c1' }
    const node = nodeAnswering({ '/api/executions': () => page })

    expect(await listRuns(node, { projectId: 'p' })).toEqual({ ...page, source: 'list' })
  })

  it('falls back to the conversation listing of older nodes: newest first, filtered by status and id prefix', async () => {
    const node = nodeAnswering({
      '/api/conversations/conv-1/executions': () => ({
        executions: [
          summary('exec-1', '2026-01-01T00:00:00Z', 'completed'),
          summary('exec-2', '2026-01-02T00:00:00Z', 'completed'),
          summary('other-3', '2026-01-03T00:00:00Z', 'completed'),
          summary('exec-4', '2026-01-04T00:00:00Z', 'failed'),
        ],
        nextAfter: null,
      }),
    })

    const all = await listRuns(node, { conversationId: 'conv-1' })
    const some = await listRuns(node, { conversationId: 'conv-1', status: 'completed', q: 'exec-' })

    expect(all.executions.map((e) => e.executionId)).toEqual(['exec-4', 'other-3', 'exec-2', 'exec-1'])
    expect(all.source).toBe('conversation')
    expect(some.executions.map((e) => e.executionId)).toEqual(['exec-2', 'exec-1'])
    expect(node.asked).toEqual([
      '/api/executions',
      '/api/conversations/conv-1/executions',
      '/api/executions',
      '/api/conversations/conv-1/executions',
    ])
  })

  it('tells the page the list is unavailable when an older node is asked without a conversation', async () => {
    const node = nodeAnswering({})

    await expect(listRuns(node, { projectId: 'p' })).rejects.toMatchObject({
      status: 404,
      routeMissing: true,
    })
  })

  it('passes other failures on (a refused token is not an unavailable list)', async () => {
    const node: ApiClient = {
      get: () => Promise.reject(new ApiError(401, 'token_missing', 'No access token was presented')),
    }

    await expect(listRuns(node, { conversationId: 'conv-1' })).rejects.toMatchObject({
      code: 'token_missing',
      routeMissing: false,
    })
  })
})
