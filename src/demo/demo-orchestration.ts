import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { AgentEventEmitter } from '../emitter/agent-event-emitter.js'

/** The conversation every demo execution belongs to. */
export const DEMO_CONVERSATION = 'demo-conversation'

export interface DemoOptions {
  /** Pause between two agent steps, in ms. @default 250 */
  readonly paceMs?: number
  /** Executions to play; none: until `signal` aborts. */
  readonly executions?: number
  /** Ends the demo after the step in progress. */
  readonly signal?: AbortSignal
  /** Told of each execution as it starts. */
  readonly onExecution?: (executionId: string) => void
}

const DEPARTMENTS = [
  { department: 'story', head: 'Story Department Head', tools: ['outline-builder', 'trope-search'] },
  { department: 'character', head: 'Character Department Head', tools: ['persona-db', 'voice-check'] },
  { department: 'dialogue', head: 'Dialogue Department Head', tools: ['line-polisher', 'tone-analyzer'] },
]
const STEPS = ['Reading the brief', 'Drafting an outline', 'Checking continuity', 'Polishing the result']

/**
 * Plays realistic orchestrations through an emitter: a master orchestrator runs three departments;
 * each head starts, thinks, calls tools, completes and is reviewed. For the local stack, the CLI's
 * `demo` and the tests.
 * @example await playDemo(emitter, { executions: 1 })
 */
export async function playDemo(emitter: AgentEventEmitter, options: DemoOptions = {}): Promise<number> {
  const paceMs = options.paceMs ?? 250
  const stopped = (): boolean => options.signal?.aborted === true
  let played = 0
  while (!stopped() && (options.executions === undefined || played < options.executions)) {
    const executionId = `exec-${randomUUID().slice(0, 8)}`
    options.onExecution?.(executionId)
    await playExecution(emitter, executionId, paceMs, stopped)
    played += 1
    if (options.executions === undefined || played < options.executions)
      await pause(paceMs * 4, options.signal)
  }
  return played
}

async function playExecution(
  emitter: AgentEventEmitter,
  executionId: string,
  paceMs: number,
  stopped: () => boolean,
): Promise<void> {
  const conversation = DEMO_CONVERSATION
  await emitter.emitOrchestrationStart(executionId, { prompt: 'Write a pilot episode' }, conversation)
  for (const { department, head, tools } of DEPARTMENTS) {
    if (stopped()) break
    const agentId = `${department}-head-001`
    await emitter.emitDepartmentStart(executionId, department, conversation)
    await emitter.emitAgentStart(
      executionId,
      agentId,
      head,
      department,
      `Own the ${department}`,
      true,
      conversation,
    )
    for (const [index, step] of STEPS.entries()) {
      if (stopped()) break
      await delay(paceMs)
      await emitter.emitAgentThinking(
        executionId,
        agentId,
        step,
        ((index + 1) * 100) / STEPS.length,
        head,
        conversation,
      )
      const tool = tools[index % tools.length] ?? 'search'
      await emitter.emitToolCall(executionId, agentId, tool, { step }, conversation)
      await emitter.emitToolResult(
        executionId,
        agentId,
        tool,
        { ok: true },
        true,
        40 + index * 10,
        undefined,
        conversation,
      )
    }
    const score = 75 + Math.round(Math.random() * 20)
    const usage = { input: 900 + score, output: 400 + score, total: 1300 + 2 * score }
    await emitter.emitAgentComplete(
      executionId,
      agentId,
      head,
      department,
      `${department} done`,
      score,
      1800,
      usage,
      conversation,
    )
    await emitter.emitQualityCheck(executionId, score, score >= 80, agentId, department, conversation)
    const verdict = score >= 80 ? 'approved' : 'changes-requested'
    await emitter.emitReviewStatus(
      executionId,
      department,
      verdict,
      'Reviewed by the orchestrator',
      conversation,
    )
    await emitter.emitDepartmentComplete(executionId, department, conversation)
  }
  await emitter.emitOrchestrationComplete(
    executionId,
    { summary: 'Pilot drafted' },
    'completed',
    conversation,
  )
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, { signal }).catch(() => undefined)
}
