import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { getEventEmitter } from '../src/index.js'

/**
 * Plays a realistic orchestration in a loop for the local stack: a master orchestrator runs three
 * departments; each head starts, thinks, calls tools, completes and is reviewed. Every execution
 * belongs to the conversation `demo-conversation`.
 */
const CONVERSATION_ID = 'demo-conversation'
const DEPARTMENTS = [
  { department: 'story', head: 'Story Department Head', tools: ['outline-builder', 'trope-search'] },
  { department: 'character', head: 'Character Department Head', tools: ['persona-db', 'voice-check'] },
  { department: 'dialogue', head: 'Dialogue Department Head', tools: ['line-polisher', 'tone-analyzer'] },
]
const STEPS = ['Reading the brief', 'Drafting an outline', 'Checking continuity', 'Polishing the result']
const PACE_MS = 250

const emitter = getEventEmitter()
await emitter.initialize()
let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (stopping = true))

while (!stopping) {
  const executionId = `exec-${randomUUID().slice(0, 8)}`
  console.log(`demo: starting execution ${executionId} in conversation ${CONVERSATION_ID}`)
  await emitter.emitOrchestrationStart(executionId, { prompt: 'Write a pilot episode' }, CONVERSATION_ID)
  for (const { department, head, tools } of DEPARTMENTS) {
    if (stopping) break
    const agentId = `${department}-head-001`
    await emitter.emitDepartmentStart(executionId, department, CONVERSATION_ID)
    await emitter.emitAgentStart(
      executionId,
      agentId,
      head,
      department,
      `Own the ${department}`,
      true,
      CONVERSATION_ID,
    )
    for (const [index, step] of STEPS.entries()) {
      if (stopping) break
      await delay(PACE_MS)
      await emitter.emitAgentThinking(
        executionId,
        agentId,
        step,
        ((index + 1) * 100) / STEPS.length,
        head,
        CONVERSATION_ID,
      )
      const tool = tools[index % tools.length] ?? 'search'
      await emitter.emitToolCall(executionId, agentId, tool, { step }, CONVERSATION_ID)
      await emitter.emitToolResult(
        executionId,
        agentId,
        tool,
        { ok: true },
        true,
        40 + index * 10,
        undefined,
        CONVERSATION_ID,
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
      CONVERSATION_ID,
    )
    await emitter.emitQualityCheck(executionId, score, score >= 80, agentId, department, CONVERSATION_ID)
    await emitter.emitReviewStatus(
      executionId,
      department,
      score >= 80 ? 'approved' : 'changes-requested',
      'Reviewed by the orchestrator',
      CONVERSATION_ID,
    )
    await emitter.emitDepartmentComplete(executionId, department, CONVERSATION_ID)
  }
  await emitter.emitOrchestrationComplete(
    executionId,
    { summary: 'Pilot drafted' },
    'completed',
    CONVERSATION_ID,
  )
  await delay(PACE_MS * 4)
}
await emitter.close()
