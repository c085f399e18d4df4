import { describe, expect, it } from 'vitest'
import { hrefOf, routeOf, splitFragment, type Route } from '../../dashboard/src/routing.js'

describe('dashboard routes', () => {
  const routes: Route[] = [
    { page: 'runs', conversationId: 'conv 1', projectId: 'p', status: 'failed', q: 'exec-' },
    { page: 'runs' },
    { page: 'run', executionId: 'exec/1?x', mode: 'live' },
    { page: 'run', executionId: 'exec-1', mode: 'replay' },
    { page: 'conversation', conversationId: 'demo-conversation' },
    { page: 'analytics', projectId: 'proj-1', range: '30d', groupBy: 'agent' },
  ]

  it('round-trips every route through its fragment', () => {
    for (const route of routes) expect(routeOf(hrefOf(route))).toEqual(expect.objectContaining(route))
  })

  it('takes anything unknown, and an empty fragment, for the runs list', () => {
    expect(routeOf('')).toMatchObject({ page: 'runs' })
    expect(routeOf('#/nowhere')).toMatchObject({ page: 'runs' })
    expect(routeOf('#/runs?status=bogus')).toEqual({ page: 'runs' })
  })

  it('reads parameters of a fragment with or without a path, such as #token=', () => {
    expect(splitFragment('#token=abc').params.get('token')).toBe('abc')
    expect(splitFragment('#/runs/e?token=abc')).toMatchObject({ path: '/runs/e' })
    expect(splitFragment('#/runs/e?token=abc').params.get('token')).toBe('abc')
  })
})
