import { randomUUID } from 'node:crypto'
import { expect, inject } from 'vitest'
import type { AgentEventEmitter } from '../../../src/emitter/agent-event-emitter.js'
import type { WebNode, WebNodeOptions } from '../../../src/server/web-node.js'
import { range, stackNames, startTestEmitter, startTestNode } from '../../support/web-node-stack.js'
import { startBystanders, type Bystanders } from './bystanders.js'
import { PrototypeGuard } from './prototype-guard.js'

/** An in-process web node under attack, with bystanders watching one execution and a prototype guard. */
export interface HostileStack {
  readonly node: WebNode
  readonly emitter: AgentEventEmitter
  readonly bystanders: Bystanders
  readonly guard: PrototypeGuard
}

/**
 * Limits for property runs: a rate no property run reaches (rate limiting has its own tests in
 * test/server/connection-limits.test.ts), and requests of up to 256 KiB (transport cut-off at 4 MiB).
 */
export const HOSTILE_NODE_OPTIONS = {
  messagesPerSecond: 100_000,
  messageBurst: 100_000,
  maxMessageBytes: 262_144,
} as const satisfies WebNodeOptions

/** Starts a {@link HostileStack}; everything is closed when the test ends. */
export async function startHostileStack(
  options: WebNodeOptions = HOSTILE_NODE_OPTIONS,
): Promise<HostileStack> {
  const guard = PrototypeGuard.snapshot()
  const names = stackNames(inject('redisUrl'), inject('mongoUrl'))
  const node = await startTestNode(names, options)
  const emitter = await startTestEmitter(names)
  // Unique: every node on the test Redis hears every execution's broadcasts, whatever its key prefix.
  const bystanders = await startBystanders(node.url, emitter, `exec-bystanders-${randomUUID()}`)
  return { node, emitter, bystanders, guard }
}

/**
 * Asserts that the attack left no trace outside the attacker's own connections: the bystanders received
 * every event emitted meanwhile, gapless; the node listens to their room only; no shared prototype changed.
 */
export async function expectUndisturbed(stack: HostileStack): Promise<void> {
  const { emitted, seqsPerClient } = await stack.bystanders.finish()
  expect(emitted).toBeGreaterThan(0)
  for (const seqs of seqsPerClient) expect(seqs).toEqual(range(1, emitted))
  expect(stack.node.stats().rooms).toBe(1)
  expect(stack.guard.changes()).toEqual([])
}
