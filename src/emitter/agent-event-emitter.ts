import type { AgentEventInput, AgentEventOf, AgentEventType } from '../events/schemas.js'
import { EventEmitterCore, type EmitResult } from './event-emitter-core.js'

type TokenUsage = NonNullable<AgentEventOf<'agent-complete'>['tokenUsage']>

/** The optional fields added after the seed's signatures, given as one trailing object. */
type Extra<T extends AgentEventType, K extends keyof InputOf<T>> = Pick<InputOf<T>, K>
type InputOf<T extends AgentEventType> = Extract<AgentEventInput, { type: T }>

/**
 * The emitter with one positional helper per event type, in the seed's signatures. Optional
 * arguments left `undefined` are omitted from the event. Fields added later (`toolCallId`,
 * `parentAgentId`, `status`, `error`, `cost`) come in an optional last object.
 */
export class AgentEventEmitter extends EventEmitterCore {
  /** @example await emitter.emitOrchestrationStart('exec-1', { prompt: 'Write a pilot' }, 'conv-1') */
  emitOrchestrationStart(
    executionId: string,
    context?: unknown,
    conversationId?: string,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({ type: 'orchestration-start', executionId, context, conversationId })
  }

  /** @example await emitter.emitOrchestrationComplete('exec-1', { summary }, 'completed', 'conv-1') */
  emitOrchestrationComplete(
    executionId: string,
    result?: unknown,
    status?: string,
    conversationId?: string,
    extra?: Extra<'orchestration-complete', 'error'>,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'orchestration-complete',
      executionId,
      result,
      status,
      conversationId,
      ...extra,
    })
  }

  /** @example await emitter.emitDepartmentStart('exec-1', 'story', 'conv-1') */
  emitDepartmentStart(executionId: string, department: string, conversationId?: string): Promise<EmitResult> {
    return this.emitAgentEvent({ type: 'department-start', executionId, department, conversationId })
  }

  /** @example await emitter.emitDepartmentComplete('exec-1', 'story', 'conv-1', { status: 'completed' }) */
  emitDepartmentComplete(
    executionId: string,
    department: string,
    conversationId?: string,
    extra?: Extra<'department-complete', 'status' | 'error'>,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'department-complete',
      executionId,
      department,
      conversationId,
      ...extra,
    })
  }

  /**
   * @example
   * await emitter.emitAgentStart('exec-1', 'story-head-001', 'Story Department Head', 'story',
   *   'Analyze story structure', true, 'conv-1', { parentAgentId: 'orchestrator' })
   */
  emitAgentStart(
    executionId: string,
    agentId: string,
    agentName: string,
    department?: string,
    prompt = '',
    isDepartmentHead?: boolean,
    conversationId?: string,
    extra?: Extra<'agent-start', 'parentAgentId'>,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'agent-start',
      executionId,
      agentId,
      agentName,
      department,
      task: prompt,
      isDepartmentHead,
      conversationId,
      ...extra,
    })
  }

  /** @example await emitter.emitAgentThinking('exec-1', 'story-head-001', 'Outlining act two', 40) */
  emitAgentThinking(
    executionId: string,
    agentId: string,
    currentStep: string,
    progress?: number,
    agentName?: string,
    conversationId?: string,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'agent-thinking',
      executionId,
      agentId,
      currentStep,
      progress,
      agentName,
      conversationId,
    })
  }

  /**
   * @example
   * await emitter.emitAgentComplete('exec-1', 'story-head-001', 'Story Department Head', 'story', output,
   *   92, 5400, { input: 1200, output: 800, total: 2000 }, 'conv-1', { status: 'completed' })
   */
  emitAgentComplete(
    executionId: string,
    agentId: string,
    agentName: string,
    department?: string,
    output?: unknown,
    qualityScore?: number,
    executionTime?: number,
    tokenUsage?: TokenUsage,
    conversationId?: string,
    extra?: Extra<'agent-complete', 'status' | 'error' | 'cost'>,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'agent-complete',
      executionId,
      agentId,
      agentName,
      department,
      output,
      qualityScore,
      executionTime,
      tokenUsage,
      conversationId,
      ...extra,
    })
  }

  /**
   * @example
   * await emitter.emitToolCall('exec-1', 'story-head-001', 'web-search', { q: 'three-act' }, 'conv-1',
   *   { toolCallId: 'call-7' })
   */
  emitToolCall(
    executionId: string,
    agentId: string,
    toolName: string,
    input?: unknown,
    conversationId?: string,
    extra?: Extra<'tool-call', 'toolCallId'>,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'tool-call',
      executionId,
      agentId,
      toolName,
      input,
      conversationId,
      ...extra,
    })
  }

  /**
   * @example
   * await emitter.emitToolResult('exec-1', 'story-head-001', 'web-search', hits, true, 120, undefined, 'conv-1',
   *   { toolCallId: 'call-7' })
   */
  emitToolResult(
    executionId: string,
    agentId: string,
    toolName: string,
    result?: unknown,
    success?: boolean,
    duration?: number,
    error?: unknown,
    conversationId?: string,
    extra?: Extra<'tool-result', 'toolCallId'>,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'tool-result',
      executionId,
      agentId,
      toolName,
      result,
      success,
      duration,
      error,
      conversationId,
      ...extra,
    })
  }

  /** @example await emitter.emitQualityCheck('exec-1', 88, true, 'story-head-001', 'story') */
  emitQualityCheck(
    executionId: string,
    score: number,
    passed?: boolean,
    agentId?: string,
    department?: string,
    conversationId?: string,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'quality-check',
      executionId,
      score,
      passed,
      agentId,
      department,
      conversationId,
    })
  }

  /** @example await emitter.emitReviewStatus('exec-1', 'story', 'approved', 'Strong structure') */
  emitReviewStatus(
    executionId: string,
    department: string,
    status: string,
    feedback?: unknown,
    conversationId?: string,
  ): Promise<EmitResult> {
    return this.emitAgentEvent({
      type: 'review-status',
      executionId,
      department,
      status,
      feedback,
      conversationId,
    })
  }
}

let processEmitter: AgentEventEmitter | undefined

/**
 * The emitter of this process (one per process), configured from the environment.
 * @example
 * const emitter = getEventEmitter()
 * await emitter.initialize()
 */
export function getEventEmitter(): AgentEventEmitter {
  processEmitter ??= new AgentEventEmitter()
  return processEmitter
}
