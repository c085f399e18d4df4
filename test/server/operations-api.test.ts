import { describe, expect, inject, it } from 'vitest'
import type { BrokerStats } from '../../src/server/operations-api.js'
import { QUEUE_BOARD_PATH } from '../../src/server/queue-board.js'
import { SECRET, secretBytes, signToken } from '../auth/tokens.js'
import { stackNames, startTestNode } from '../support/web-node-stack.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const auth = { mode: 'hs256', secret: SECRET } as const
const tokenFor = (claims: Record<string, unknown>) => signToken(claims, secretBytes(SECRET), 'HS256')
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
const basic = (token: string) => ({
  Authorization: `Basic ${Buffer.from(`ops:${token}`).toString('base64')}`,
})

async function errorCodeOf(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code
}

describe('the operations API', () => {
  it('answers only a token with admin: true, with precise codes for everything else', async () => {
    const node = await startTestNode(names(), { auth })
    const admin = await tokenFor({ admin: true })
    const watcher = await tokenFor({ executions: ['*'], conversations: ['*'], projects: ['*'] })

    const missing = await fetch(`${node.url}/api/stats`)
    expect([missing.status, await errorCodeOf(missing)]).toEqual([401, 'token_missing'])
    const forbidden = await fetch(`${node.url}/api/stats`, { headers: bearer(watcher) })
    expect([forbidden.status, await errorCodeOf(forbidden)]).toEqual([403, 'forbidden'])
    const wrongMethod = await fetch(`${node.url}/api/dead-letters/redrive`, { headers: bearer(admin) })
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'POST'])
    const badLimit = await fetch(`${node.url}/api/dead-letters?limit=0`, { headers: bearer(admin) })
    expect([badLimit.status, await errorCodeOf(badLimit)]).toEqual([400, 'invalid_request'])
    for (const body of ['not json', '{"jobIds":"batch-1"}', '{"all":true}']) {
      const refused = await fetch(`${node.url}/api/dead-letters/redrive`, {
        method: 'POST',
        headers: { ...bearer(admin), 'Content-Type': 'application/json' },
        body,
      })
      expect([refused.status, await errorCodeOf(refused)]).toEqual([400, 'invalid_request'])
    }
    const listed = await fetch(`${node.url}/api/dead-letters`, { headers: bearer(admin) })
    expect(await listed.json()).toEqual({ deadLetters: [], total: 0 })
    const redriven = await fetch(`${node.url}/api/dead-letters/redrive`, {
      method: 'POST',
      headers: bearer(admin),
      body: '{}',
    })
    expect(await redriven.json()).toEqual({ redriven: 0 })
  })

  it('reports every web node of the deployment with its clients, and forgets one that stops', async () => {
    const stack = names()
    const first = await startTestNode(stack)
    const second = await startTestNode(stack)
    const statsOf = async (): Promise<BrokerStats> =>
      (await fetch(`${first.url}/api/stats`)).json() as Promise<BrokerStats>
    const both = await statsOf()
    expect(new Set(both.nodes.map((node) => node.url))).toEqual(new Set([first.url, second.url]))
    expect(both.persistence).toMatchObject({ waiting: 0, failed: 0, inboxEntries: 0 })
    expect(both.nodes.every((node) => node.pid === process.pid)).toBe(true)

    await second.close()
    const after = await statsOf()
    expect(after.nodes.map((node) => node.url)).toEqual([first.url])
  })
})

describe('the queue board at /admin/queues', () => {
  it('asks for HTTP Basic credentials, is read-only without admin, full with it, and never framed', async () => {
    const node = await startTestNode(names(), { auth })
    const admin = await tokenFor({ admin: true })
    const watcher = await tokenFor({ executions: ['*'] })

    const anonymous = await fetch(`${node.url}${QUEUE_BOARD_PATH}`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="agent-events queues"/)
    const page = await fetch(`${node.url}${QUEUE_BOARD_PATH}`, { headers: basic(watcher) })
    expect(page.status).toBe(200)
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(await page.text()).toMatch(/<html/i)

    const queuesOf = async (token: string) => {
      const response = await fetch(`${node.url}${QUEUE_BOARD_PATH}/api/queues`, { headers: basic(token) })
      return ((await response.json()) as { queues: { name: string; readOnlyMode: boolean }[] }).queues
    }
    expect((await queuesOf(watcher)).map((queue) => queue.readOnlyMode)).toEqual([true])
    expect((await queuesOf(admin)).map((queue) => queue.readOnlyMode)).toEqual([false])

    const [queue] = await queuesOf(admin)
    const retryAll = `${node.url}${QUEUE_BOARD_PATH}/api/queues/${encodeURIComponent(queue?.name ?? '')}/retry/failed`
    const readOnly = await fetch(retryAll, { method: 'PUT', headers: basic(watcher) })
    expect(readOnly.status).toBe(405)
    const crossSite = await fetch(retryAll, {
      method: 'PUT',
      headers: { ...basic(admin), Origin: 'https://evil.example' },
    })
    expect(crossSite.status).toBe(403)
    const sameSite = await fetch(retryAll, { method: 'PUT', headers: basic(admin) })
    expect(sameSite.status).toBe(200)
  })
})
