import { describe, expect, inject, it, onTestFinished } from 'vitest'
import type { StampedAgentEvent } from '../../src/events/schemas.js'
import { SECRET, secretBytes, signToken } from '../auth/tokens.js'
import { connectClient, PROTOCOLS, type Protocol, type TestClient } from '../support/web-node-clients.js'
import {
  stackNames,
  startTestEmitter,
  startTestNode,
  startTestWorker,
  until,
  type StackNames,
} from '../support/web-node-stack.js'
import type { WebNode } from '../../src/server/web-node.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))
const auth = { mode: 'hs256', secret: SECRET } as const
const tokenFor = (claims: Record<string, unknown>) => signToken(claims, secretBytes(SECRET), 'HS256')

/** Two tenants' executions, interleaved in one stream of emits; each tenant's events carry its project. */
const TENANTS = {
  a: { executions: ['exec-a1', 'exec-a2'], conversation: 'conv-a', project: 'proj-a' },
  b: { executions: ['exec-b1', 'exec-b2'], conversation: 'conv-b', project: 'proj-b' },
} as const

async function emitInterleaved(stack: StackNames, rounds: number): Promise<void> {
  const emitter = await startTestEmitter(stack)
  for (let round = 0; round < rounds; round += 1) {
    for (const index of [0, 1] as const) {
      for (const tenant of [TENANTS.a, TENANTS.b]) {
        const executionId = tenant.executions[index]
        await emitter.emitAgentEvent({
          type: 'agent-thinking',
          executionId,
          conversationId: tenant.conversation,
          projectId: tenant.project,
          agentId: 'writer',
          currentStep: `round ${round}`,
        })
      }
    }
  }
  expect(await emitter.flush()).toBe(true)
}

async function client(
  protocol: Protocol,
  node: WebNode,
  claims: Record<string, unknown>,
): Promise<TestClient> {
  const connected = await connectClient(protocol, node.url, { token: await tokenFor(claims) })
  onTestFinished(() => connected.close())
  return connected
}

const tenantOf = (event: StampedAgentEvent) => (event.projectId === 'proj-a' ? 'a' : 'b')

describe.each(PROTOCOLS)('authorization over %s', (protocol) => {
  it('refuses a subscription the token does not grant with forbidden, and keeps the connection', async () => {
    const node = await startTestNode(names(), { auth })
    const viewer = await client(protocol, node, { executions: ['exec-a1'], conversations: ['conv-a'] })

    const refused = await viewer.subscribe({ executionId: 'exec-b1' })
    const refusedConversation = await viewer.subscribe({ conversationId: 'conv-b' })
    const granted = await viewer.subscribe({ executionId: 'exec-a1' })

    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(refusedConversation).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(granted).toMatchObject({ ok: true, executionId: 'exec-a1' })
  })

  it("never delivers another tenant's events, live or replayed, with two tenants interleaved", async () => {
    const stack = names()
    const store = await startTestWorker(stack)
    const node = await startTestNode(stack, { auth, mongoUri: stack.mongoUri })
    const byExecution = await client(protocol, node, { executions: ['exec-a1'] })
    const byConversation = await client(protocol, node, { conversations: ['conv-a'] })
    const otherTenant = await client(protocol, node, { executions: ['exec-b2'] })
    await byExecution.subscribe({ executionId: 'exec-a1' })
    await byConversation.subscribe({ conversationId: 'conv-a' })
    await otherTenant.subscribe({ executionId: 'exec-b2' })

    await emitInterleaved(stack, 25)
    await until(async () => (await store.getExecution('exec-a2'))?.eventCount === 25, 'tenant a stored')
    // A project grant is resolved from what is known of the target: the buffer, then the store.
    const byProject = await client(protocol, node, { projects: ['proj-a'] })
    const projectReplies = await Promise.all([
      byProject.subscribe({ executionId: 'exec-a2' }),
      byProject.subscribe({ conversationId: 'conv-a' }),
      byProject.subscribe({ executionId: 'exec-b1' }),
      byProject.subscribe({ conversationId: 'conv-b' }),
    ])
    await emitInterleaved(stack, 5)

    await byExecution.waitForEvents(30)
    await byConversation.waitForEvents(60)
    await otherTenant.waitForEvents(30)
    expect(projectReplies.map((reply) => reply.ok)).toEqual([true, true, false, false])
    expect(projectReplies[0]).toMatchObject({ replayed: 25 })
    // exec-a2 replayed and live, and exec-a1 live through conv-a; exec-a2 comes once though in both.
    await byProject.waitForEvents(25 + 5 + 5)
    for (const viewer of [byExecution, byConversation, byProject]) {
      expect(viewer.events.every((event) => tenantOf(event) === 'a')).toBe(true)
    }
    expect(otherTenant.events.every((event) => tenantOf(event) === 'b')).toBe(true)
    expect(byExecution.events.every((event) => event.executionId === 'exec-a1')).toBe(true)
  })
})
