import { describe, expect, inject, it } from 'vitest'
import { browserForFile } from '../support/browser.js'
import { buildDashboard } from '../support/dashboard-build.js'
import { SCREEN_TIMEOUT_MS, testIdsOf } from '../support/dashboard-page.js'
import { eventually } from '../support/eventually.js'
import { uniqueName } from '../support/names.js'
import { emitInOrder, orchestrationEvents, scriptedOrchestration } from '../support/scripted-orchestration.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter } from '../support/web-node-stack.js'
import type { Page } from 'playwright-core'

/**
 * The runs list over `GET /api/executions`: by project, across conversations.
 */
const browser = browserForFile()
const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

const rowIds = async (page: Page): Promise<string[]> =>
  (await testIdsOf(page, '[data-testid^="run-row-"]')).map((id) => id.replace('run-row-', ''))

describe('the runs list by project', () => {
  it('lists a project’s runs of every conversation newest first, filters by status, and shows new runs without reload', async () => {
    const stack = names()
    const web = await startWebProcess(stack, { DASHBOARD_DIR: await buildDashboard() })
    await startWorkerProcess(stack)
    const emitter = await startTestEmitter(stack)
    const projectId = uniqueName('proj')
    const [first, second, failed, fresh] = ['a', 'b', 'c', 'd'].map((s) => `${uniqueName('exec')}-${s}`)
    if (!first || !second || !failed || !fresh) throw new Error('four ids')
    await emitInOrder(
      emitter,
      orchestrationEvents(scriptedOrchestration(first, uniqueName('conv'), projectId)),
    )
    await emitInOrder(
      emitter,
      orchestrationEvents(scriptedOrchestration(second, uniqueName('conv'), projectId)),
    )
    const failing = {
      ...scriptedOrchestration(failed, uniqueName('conv'), projectId),
      status: 'failed' as const,
    }
    await emitInOrder(emitter, orchestrationEvents(failing))
    await eventually(
      async () => {
        const body = (await (await fetch(`${web.url}/api/executions/${failed}`)).json()) as {
          execution?: { status: string }
        }
        return body.execution?.status === 'failed'
      },
      { what: 'the failed run to be stored' },
    )

    const { page, errors } = await browser.open(`${web.url}/#/runs?project=${projectId}`)

    await expect.poll(() => rowIds(page), { timeout: SCREEN_TIMEOUT_MS }).toEqual([failed, second, first])
    expect(await page.getByTestId(`run-row-${failed}`).getAttribute('data-status')).toBe('failed')

    await emitInOrder(
      emitter,
      orchestrationEvents(scriptedOrchestration(fresh, uniqueName('conv'), projectId)).slice(0, 4),
    )
    await expect
      .poll(() => rowIds(page), { timeout: SCREEN_TIMEOUT_MS })
      .toEqual([fresh, failed, second, first])

    await page.getByTestId('filter-status').selectOption('failed')
    await page.getByTestId('filter-apply').click()
    await expect.poll(() => rowIds(page), { timeout: SCREEN_TIMEOUT_MS }).toEqual([failed])

    const landing = await browser.open(`${web.url}/`)
    await expect
      .poll(
        async () => (await rowIds(landing.page)).filter((id) => [first, second, failed, fresh].includes(id)),
        {
          timeout: SCREEN_TIMEOUT_MS,
        },
      )
      .toEqual([fresh, failed, second, first])
    expect(errors).toEqual([])
    expect(landing.errors).toEqual([])
  }, 120_000)
})
