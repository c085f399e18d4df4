import { randomUUID } from 'node:crypto'
import type { AgentEventInput } from '../events/schemas.js'
import { emitSafely, sinkOf } from '../instrumentation/event-sink.js'
import { getInstrumentationContext } from '../instrumentation/instrumentation-context.js'
import type { ScopeOptions } from '../instrumentation/scope-options.js'
import { getLogger } from '../logger.js'
import type { CodebuffClientLike, CodebuffRunOptions } from './codebuff-client.js'
import { CodebuffEventMapper } from './codebuff-event-mapper.js'

export interface CodebuffEventsOptions extends ScopeOptions {
  /** Our id of the agent the run runs. @default `codebuff-<agent>-<8 random hex digits>` */
  readonly agentId?: string
  /** @default the agent definition's `displayName`, else the agent id given to `run()` */
  readonly agentName?: string
  /** The department of every agent of the run. @default the enclosing department */
  readonly department?: string
  /** The agent that starts the run. @default the enclosing agent */
  readonly parentAgentId?: string
  /** `orchestration-start`'s `context` when the run is a whole execution. @default `{ agent, prompt }` */
  readonly context?: unknown
}

const log = getLogger('codebuff')

/**
 * Runs `client.run(runOptions)` of `@codebuff/sdk` and emits its agent events as it runs (see
 * `CodebuffEventMapper`), then resolves with what `run()` resolved, or rejects with what it
 * rejected, unchanged. Your own `handleEvent` and `handleStreamChunk` still receive every callback.
 * Inside `orchestrate` (and `withDepartment`, `withAgent`) the run joins that execution as one
 * more agent; given an `executionId` outside them, it is a whole execution, between
 * `orchestration-start` and `orchestration-complete`. The SDK does not wait for its callbacks, so
 * events are mapped and queued synchronously, in callback order, and the sending is awaited once
 * the run has ended. The broker's failures never reach the run.
 * @example
 * import { CodebuffClient } from '@codebuff/sdk'
 * import { runWithAgentEvents } from 'agent-events/codebuff'
 *
 * const client = new CodebuffClient({ apiKey: process.env.CODEBUFF_API_KEY })
 * const state = await runWithAgentEvents(client, { agent: 'base', prompt: 'Add a health check' },
 *   { executionId: 'exec-42', conversationId: 'conv-7' })
 */
export async function runWithAgentEvents<R>(
  client: CodebuffClientLike<R>,
  runOptions: CodebuffRunOptions,
  options: CodebuffEventsOptions = {},
): Promise<R> {
  const mapper = mapperFor(runOptions, options)
  if (!mapper) return client.run(runOptions)
  const { sink } = mapper
  const sending = new Set<Promise<void>>()
  const emit = (map: () => readonly AgentEventInput[]): void => {
    for (const event of mapped(map)) {
      const sent = emitSafely(sink, event)
      sending.add(sent)
      void sent.then(() => sending.delete(sent))
    }
  }
  const drain = async (): Promise<void> => {
    await Promise.all([...sending])
    if (mapper.events.ignored > 0 || mapper.events.droppedThoughts > 0)
      log.debug(
        { ignored: mapper.events.ignored, droppedThoughts: mapper.events.droppedThoughts },
        'run mapped',
      )
  }

  emit(() => mapper.events.begin())
  let state: R
  try {
    state = await client.run({
      ...runOptions,
      handleEvent: (event) => {
        emit(() => mapper.events.onEvent(event))
        return runOptions.handleEvent?.(event)
      },
      handleStreamChunk: (chunk) => {
        emit(() => mapper.events.onStreamChunk(chunk))
        return runOptions.handleStreamChunk?.(chunk)
      },
    })
  } catch (error) {
    emit(() => mapper.events.fail(error))
    await drain()
    throw error
  }
  emit(() => mapper.events.complete(state))
  await drain()
  return state
}

/** The events `map` returns; none, and a log line, if it throws: the run must never see our failures. */
function mapped(map: () => readonly AgentEventInput[]): readonly AgentEventInput[] {
  try {
    return map()
  } catch (error) {
    log.error({ err: error }, 'mapping a codebuff callback failed')
    return []
  }
}

function mapperFor(
  runOptions: CodebuffRunOptions,
  options: CodebuffEventsOptions,
): { events: CodebuffEventMapper; sink: ReturnType<typeof sinkOf> } | undefined {
  const enclosing = getInstrumentationContext()
  const executionId = options.executionId ?? enclosing?.executionId
  if (executionId === undefined) {
    log.warn('runWithAgentEvents outside orchestrate() without an executionId: the run has no events')
    return undefined
  }
  const joined = enclosing?.executionId === executionId ? enclosing : undefined
  // Read defensively: a caller without types may pass anything, and only `run()` may refuse it.
  const agent: unknown = runOptions.agent
  const definition = (typeof agent === 'object' && agent !== null ? agent : {}) as Record<string, unknown>
  const agentKey =
    typeof agent === 'string' ? agent : typeof definition.id === 'string' ? definition.id : 'agent'
  const displayName = typeof definition.displayName === 'string' ? definition.displayName : undefined
  const agentName = options.agentName ?? displayName ?? agentKey
  const events = new CodebuffEventMapper({
    executionId,
    conversationId: options.conversationId ?? joined?.conversationId,
    projectId: options.projectId ?? joined?.projectId,
    department: options.department ?? joined?.department,
    agentId: options.agentId ?? `codebuff-${agentKey}-${randomUUID().slice(0, 8)}`,
    agentName,
    task: typeof runOptions.prompt === 'string' ? runOptions.prompt : '',
    parentAgentId: options.parentAgentId ?? joined?.agent?.agentId,
    orchestration: joined === undefined,
    context: options.context ?? { agent: agentKey, prompt: runOptions.prompt },
  })
  return { events, sink: options.emitter ?? joined?.sink ?? sinkOf(undefined) }
}
