import { describe, expect, inject, it } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import type { BrokerStats } from '../../src/server/operations-api.js'
import { SECRET, secretBytes, signToken } from '../auth/tokens.js'
import type { NodeProcess } from '../support/child-process.js'
import { runCli, runCliToEnd } from '../support/cli-process.js'
import { damageSummary } from '../support/damaged-summary.js'
import { eventually } from '../support/eventually.js'
import { startIsolatedLocalStack } from '../support/local-stack-process.js'
import { uniqueName } from '../support/names.js'
import { startWebProcess, startWorkerProcess } from '../support/stack-processes.js'
import { stackNames, startTestEmitter } from '../support/web-node-stack.js'

/** `04:10:11.123  #12  exec-1  agent-thinking  …`: time, seq, execution, type. */
const EVENT_LINE = /^\d\d:\d\d:\d\d\.\d{3}\s+#(\d+)\s+(\S+)\s+(\S+)/

/** `npm start`'s stack on the test's servers, and its web node's address. */
async function startLocalStack(): Promise<{ stack: NodeProcess; url: string }> {
  const stack = startIsolatedLocalStack()
  const line = await stack.waitForLine(/web node\s+http:\/\/localhost:\d+/, 60_000)
  return { stack, url: /(http:\/\/localhost:\d+)/.exec(line)?.[1] ?? '' }
}

/** Per execution, the seqs of the parsed lines, in the order printed. */
function seqsByExecution(lines: readonly string[]): Map<string, number[]> {
  const seqs = new Map<string, number[]>()
  for (const line of lines) {
    const match = EVENT_LINE.exec(line)
    if (!match) continue
    const [, seq = '', executionId = ''] = match
    seqs.set(executionId, [...(seqs.get(executionId) ?? []), Number(seq)])
  }
  return seqs
}

const consecutive = (seqs: readonly number[]): boolean =>
  seqs.every((seq, index) => index === 0 || seq === (seqs[index - 1] ?? 0) + 1)

describe('agent-events, the command line, through its built binary', () => {
  it('tails the npm start demo live, replays a finished run, shows stats', async () => {
    const { stack, url } = await startLocalStack()
    const follow = runCli(['tail', '--conversation', 'demo-conversation', '--url', url])
    await eventually(() => follow.lines().filter((line) => EVENT_LINE.test(line)).length >= 20, {
      timeoutMs: 30_000,
      what: '20 event lines',
    })
    expect(await follow.kill('SIGINT')).toBe(0)
    const printed = seqsByExecution(follow.lines())
    expect(printed.size).toBeGreaterThan(0)
    for (const seqs of printed.values()) expect(consecutive(seqs)).toBe(true)

    const started = await stack.waitForLine(/^demo: starting execution exec-/, 10_000)
    const executionId = /(exec-\S+)/.exec(started)?.[1] ?? ''
    const whole = await runCliToEnd(
      ['tail', executionId, '--until-complete', '--json', '--url', url],
      {},
      60_000,
    )
    expect(whole.code).toBe(0)
    const tailed = whole.lines.map((line) => JSON.parse(line) as StampedAgentEvent)
    expect(tailed.map((event) => event.seq)).toEqual(tailed.map((_, index) => index + 1))
    expect(tailed.at(-1)?.type).toBe('orchestration-complete')

    const stored = await eventually(async () => {
      const answer = (await (await fetch(`${url}/api/executions/${executionId}/events`)).json()) as {
        events?: StampedAgentEvent[]
      }
      return answer.events?.length === tailed.length ? answer.events : undefined
    })
    const replayed = await runCliToEnd(['replay', executionId, '--speed', 'max', '--json', '--url', url])
    expect(replayed.code).toBe(0)
    expect(replayed.lines.map((line) => (JSON.parse(line) as StampedAgentEvent).id)).toEqual(
      stored.map((event) => event.id),
    )

    const stats = await runCliToEnd(['stats', '--json', '--url', url])
    expect(stats.code).toBe(0)
    const answer = JSON.parse(stats.lines.join('\n')) as BrokerStats
    expect(answer.nodes).toHaveLength(1)
    expect(answer.nodes[0]?.url).toBe(url.replace('localhost', '127.0.0.1'))
    expect(answer.persistence.failed).toBe(0)
    const human = await runCliToEnd(['stats', '--url', url])
    expect(human.lines.find((line) => line.startsWith('web nodes'))).toMatch(
      /^web nodes\s+1 · \d+ connections/,
    )
  }, 180_000)

  it('counts, lists and re-drives dead letters for an admin token, and refuses any other', async () => {
    const names = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const { url } = await startWebProcess(names, { AUTH_JWT_SECRET: SECRET })
    await startWorkerProcess(names, { PERSIST_ATTEMPTS: '2', PERSIST_BACKOFF_MS: '50' })
    const admin = await signToken({ sub: 'ops', admin: true }, secretBytes(SECRET), 'HS256')
    const watcher = await signToken({ sub: 'user', executions: ['*'] }, secretBytes(SECRET), 'HS256')
    const cli = (token: string, ...args: string[]) =>
      runCliToEnd(args, { AGENT_EVENTS_URL: url, AGENT_EVENTS_TOKEN: token })
    const executionId = uniqueName('exec')
    // Counting into this summary fails on every attempt, for a reason that is not an outage.
    const damaged = await damageSummary(names.mongoUri, executionId)
    const emitter = await startTestEmitter(names)
    await Promise.all(Array.from({ length: 10 }, (_, i) => emitter.emitDepartmentStart(executionId, `d${i}`)))
    expect(await emitter.flush()).toBe(true)

    await eventually(async () => (await cli(admin, 'dlq', 'count')).lines[0] === '1', { timeoutMs: 30_000 })
    const listed = await cli(admin, 'dlq', 'list')
    expect(listed.code).toBe(0)
    expect(listed.lines[0]).toMatch(
      new RegExp(`shard 0  10 event\\(s\\) ${executionId} #1 department-start  attempts 2`),
    )
    const refused = await cli(watcher, 'dlq', 'count')
    expect(refused.code).toBe(1)
    expect(refused.output).toMatch(/forbidden: This needs an access token with admin: true/)
    expect((await cli(watcher, 'stats')).code).toBe(1)

    await damaged.repair()
    const redriven = await cli(admin, 'dlq', 'redrive')
    expect(redriven.code).toBe(0)
    expect(redriven.lines).toEqual(['re-driven: 1'])
    await eventually(async () => (await damaged.eventCount()) === 10)
    expect((await cli(admin, 'dlq', 'count')).lines).toEqual(['0'])
  }, 90_000)

  it('answers usage errors with the usage and exit code 2, an unreachable node with exit code 1', async () => {
    const unknown = await runCliToEnd(['tial', 'exec-1'])
    expect(unknown.code).toBe(2)
    expect(unknown.output).toMatch(/unknown command "tial"/)
    const badSpeed = await runCliToEnd(['replay', 'exec-1', '--speed', 'fast'])
    expect(badSpeed.code).toBe(2)
    expect(badSpeed.output).toMatch(/--speed takes max or a factor/)
    const badType = await runCliToEnd(['tail', 'exec-1', '--types', 'agent-dance'])
    expect(badType.code).toBe(2)
    const help = await runCliToEnd(['dlq', '--help'])
    expect(help.code).toBe(0)
    expect(help.lines[0]).toMatch(/^Usage: agent-events dlq list/)
    const unreachable = await runCliToEnd(['stats', '--url', 'http://127.0.0.1:9'])
    expect(unreachable.code).toBe(1)
    expect(unreachable.output).toMatch(/could not be reached/)
  })
})
