import { describe, expect, inject, it } from 'vitest'
import { SECRET, secretBytes, signToken } from '../auth/tokens.js'
import { browserForFile } from '../support/browser.js'
import { buildDashboard } from '../support/dashboard-build.js'
import {
  attributeOf,
  expectState,
  expectText,
  fragmentOf,
  SCREEN_TIMEOUT_MS,
  testIdsOf,
} from '../support/dashboard-page.js'
import { eventually } from '../support/eventually.js'
import { uniqueName } from '../support/names.js'
import {
  emitInOrder,
  orchestrationEvents,
  orchestrationTotals,
  scriptedOrchestration,
} from '../support/scripted-orchestration.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter, type StackNames } from '../support/web-node-stack.js'
import type { Page } from 'playwright-core'
import type { AgentEventEmitter } from '../../src/emitter/agent-event-emitter.js'

const browser = browserForFile()
const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

async function runStack(stack: StackNames, env: Record<string, string> = {}) {
  const web = await startWebProcess(stack, { DASHBOARD_DIR: await buildDashboard(), ...env })
  await startWorkerProcess(stack)
  return { web, emitter: await startTestEmitter(stack) }
}

/** Plays a whole run and waits until the worker has stored all of it. */
async function playStoredRun(
  emitter: AgentEventEmitter,
  url: string,
  executionId: string,
  conversationId: string,
  token?: string,
): Promise<void> {
  const plan = scriptedOrchestration(executionId, conversationId)
  await emitInOrder(emitter, orchestrationEvents(plan))
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {}
  await eventually(
    async () => {
      const answer = await fetch(`${url}/api/executions/${executionId}`, { headers })
      const body = (await answer.json()) as { execution?: { status: string } }
      return body.execution?.status === 'completed'
    },
    { what: `${executionId} to be stored` },
  )
}

const rowIds = async (page: Page): Promise<string[]> =>
  (await testIdsOf(page, '[data-testid^="run-row-"]')).map((id) => id.replace('run-row-', ''))

describe('the runs list', () => {
  it('lists a conversation’s runs newest first; a new run appears and finishes without reload; search by id', async () => {
    const { web, emitter } = await runStack(names())
    const conversationId = uniqueName('conv')
    const [older, newer, fresh] = ['a', 'b', 'c'].map((suffix) => `${uniqueName('exec')}-${suffix}`)
    if (!older || !newer || !fresh) throw new Error('three ids')
    await playStoredRun(emitter, web.url, older, conversationId)
    await playStoredRun(emitter, web.url, newer, conversationId)
    const totals = orchestrationTotals(scriptedOrchestration(fresh, conversationId))

    const { page, errors, failedResponses, requests } = await browser.open(
      `${web.url}/#/runs?conversation=${conversationId}`,
    )

    await expect.poll(() => rowIds(page), { timeout: SCREEN_TIMEOUT_MS }).toEqual([newer, older])
    expect(await attributeOf(page, `run-row-${older}`, 'data-status')).toBe('completed')
    expect(await page.getByTestId(`run-row-${older}`).getByTestId('cell-events').textContent()).toBe(
      String(totals.events),
    )

    const events = orchestrationEvents(scriptedOrchestration(fresh, conversationId))
    await emitInOrder(emitter, events.slice(0, 6))
    await expect.poll(() => rowIds(page), { timeout: SCREEN_TIMEOUT_MS }).toEqual([fresh, newer, older])
    await expect
      .poll(() => attributeOf(page, `run-row-${fresh}`, 'data-status'), { timeout: SCREEN_TIMEOUT_MS })
      .toBe('running')
    await emitInOrder(emitter, events.slice(6))
    await expect
      .poll(() => attributeOf(page, `run-row-${fresh}`, 'data-status'), { timeout: SCREEN_TIMEOUT_MS })
      .toBe('completed')

    await page.getByTestId('filter-search').fill(fresh.slice(0, -1))
    await page.getByTestId('filter-apply').click()
    await expect.poll(() => rowIds(page), { timeout: SCREEN_TIMEOUT_MS }).toEqual([fresh])
    expect(fragmentOf(page)).toContain(`q=${fresh.slice(0, -1)}`)

    await page.getByRole('link', { name: fresh }).click()
    await expectText(page, 'run-event-count', String(totals.events))
    expect(errors).toEqual([])
    expect(failedResponses).toEqual([])
    // Listed by the runs list API, not by the per-conversation listing older nodes have instead.
    const paths = requests.map((url) => new URL(url)).filter((url) => url.pathname.startsWith('/api/'))
    expect(
      paths
        .filter((url) => url.pathname === '/api/executions')
        .map((url) => url.searchParams.get('conversationId')),
    ).toContain(conversationId)
    expect(paths.map((url) => url.pathname).filter((path) => path.startsWith('/api/conversations/'))).toEqual(
      [],
    )
  }, 120_000)

  it('works with auth on: a token from #token= goes to Socket.IO auth and Authorization headers, never into a URL', async () => {
    const { web, emitter } = await runStack(names(), { AUTH_JWT_SECRET: SECRET })
    const conversationId = uniqueName('conv')
    const executionId = uniqueName('exec')
    const token = await signToken({ conversations: ['*'], executions: ['*'] }, secretBytes(SECRET), 'HS256')
    await playStoredRun(emitter, web.url, executionId, conversationId, token)

    const anonymous = await browser.open(`${web.url}/#/runs?conversation=${conversationId}`)
    await expect
      .poll(() => anonymous.page.getByTestId('auth-error').textContent(), { timeout: SCREEN_TIMEOUT_MS })
      .toContain('token_missing')
    expect(await anonymous.page.getByTestId('runs-error').textContent()).toContain('token_missing')
    await anonymous.page.getByTestId('token-input').fill(token)
    await anonymous.page.getByTestId('token-save').click()
    await expect.poll(() => rowIds(anonymous.page), { timeout: SCREEN_TIMEOUT_MS }).toEqual([executionId])

    const { page, requests, authorizations, errors } = await browser.open(
      `${web.url}/#/runs/${executionId}?token=${token}`,
    )
    await expectText(page, 'run-event-count', '44')
    await expectState(page, 'link-state', 'live')
    expect(fragmentOf(page)).toBe(`#/runs/${executionId}`)
    // Kept for the tab: a reload needs no token in the address.
    await page.reload()
    await expectText(page, 'run-event-count', '44')
    expect(requests.filter((url) => url.includes(token))).toEqual([])
    expect(requests.filter((url) => url.startsWith('ws://') && url.includes('/socket.io/'))).toHaveLength(2)
    expect(new Set(authorizations.values())).toEqual(new Set([`Bearer ${token}`]))
    expect(errors).toEqual([])
  }, 120_000)
})
