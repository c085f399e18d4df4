import { getLogger } from '../logger.js'
import { sinkOf, type AgentEventSink } from './event-sink.js'
import { getInstrumentationContext, type InstrumentationContext } from './instrumentation-context.js'

/** Where a helper's events go and what they belong to, where no enclosing helper says it already. */
export interface ScopeOptions {
  /** Where the events go. @default the enclosing helper's, else the process's `getEventEmitter()` */
  readonly emitter?: AgentEventSink
  /** Required outside `orchestrate`. @default the enclosing helper's */
  readonly executionId?: string
  /** @default the enclosing helper's */
  readonly conversationId?: string
  /** @default the enclosing helper's */
  readonly projectId?: string
}

const log = getLogger('instrumentation')

/**
 * The context a helper runs in: its options over the enclosing context. Undefined (and a warning)
 * when no execution is known: the helper then runs the work without events.
 */
export function contextFor(helper: string, options: ScopeOptions): InstrumentationContext | undefined {
  const enclosing = getInstrumentationContext()
  const executionId = options.executionId ?? enclosing?.executionId
  if (executionId === undefined) {
    log.warn(
      { helper },
      `${helper} outside orchestrate() without an executionId: the work runs without events`,
    )
    return undefined
  }
  const sameExecution = enclosing?.executionId === executionId
  return {
    sink: options.emitter ?? enclosing?.sink ?? sinkOf(undefined),
    executionId,
    conversationId: options.conversationId ?? enclosing?.conversationId,
    projectId: options.projectId ?? enclosing?.projectId,
    ...(sameExecution && enclosing.department !== undefined ? { department: enclosing.department } : {}),
    ...(sameExecution && enclosing.agent !== undefined ? { agent: enclosing.agent } : {}),
  }
}

/** The fields every event of a context carries. */
export function commonFields(context: InstrumentationContext): {
  executionId: string
  conversationId?: string
  projectId?: string
} {
  return {
    executionId: context.executionId,
    ...(context.conversationId === undefined ? {} : { conversationId: context.conversationId }),
    ...(context.projectId === undefined ? {} : { projectId: context.projectId }),
  }
}
