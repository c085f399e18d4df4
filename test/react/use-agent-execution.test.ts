import { createElement } from 'react'
import { act, create, type ReactTestRenderer } from 'react-test-renderer'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { AgentEventsClient } from '../../src/client/index.js'
import {
  useAgentExecution,
  useExecutionReplay,
  type AgentExecutionState,
  type ExecutionReplayState,
  type UseAgentExecutionOptions,
} from '../../src/react/index.js'
import {
  emitSamples,
  range,
  seqsOf,
  stackNames,
  startTestEmitter,
  startTestNode,
  until,
} from '../support/web-node-stack.js'

// React warns unless it is told that this environment is a test renderer's.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

/** Renders a component that calls `hook` and shows its result as text; exposes the latest result. */
function render<T>(hook: () => T, text: (value: T) => string) {
  const latest: { value: T | undefined } = { value: undefined }
  function Probe() {
    const value = hook()
    latest.value = value
    return createElement('p', null, text(value))
  }
  let renderer: ReactTestRenderer | undefined
  act(() => {
    renderer = create(createElement(Probe))
  })
  const unmount = (): void => {
    act(() => renderer?.unmount())
  }
  onTestFinished(unmount)
  return { latest, shown: () => JSON.stringify(renderer?.toJSON()), unmount }
}

const showExecution = ({ events, isConnected }: AgentExecutionState) =>
  `${isConnected ? 'live' : 'offline'}: ${events.length} events`

describe('useAgentExecution', () => {
  it('renders the events of an execution and isConnected, with a client of its own closed on unmount', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    const options: UseAgentExecutionOptions = { url: node.url }

    const hook = render(() => useAgentExecution('exec-hook', options), showExecution)
    await until(() => hook.latest.value?.isConnected && hook.latest.value.subscribed, 'the connection')
    await act(() => emitSamples(emitter, 'exec-hook', 12))
    await until(() => hook.latest.value?.events.length === 12, 'the events in state')

    expect(seqsOf(hook.latest.value?.events ?? [])).toEqual(range(1, 12))
    expect(hook.shown()).toContain('live: 12 events')
    expect(node.stats().socketIoClients).toBe(1)
    hook.unmount()
    await until(() => node.stats().socketIoClients === 0, 'the hook to close its client')
  })

  it('uses a shared client, and shows isConnected false while the node is gone', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const node = await startTestNode(stack)
    const client = new AgentEventsClient({ url: node.url })
    onTestFinished(() => client.close())
    const emitter = await startTestEmitter(stack)

    const hook = render(() => useAgentExecution('exec-shared', { client }), showExecution)
    await until(() => hook.latest.value?.subscribed, 'the subscription')
    await act(() => emitSamples(emitter, 'exec-shared', 3))
    await until(() => hook.latest.value?.events.length === 3, 'the events')
    await act(() => node.close())
    await until(() => hook.latest.value?.isConnected === false, 'the disconnection')

    expect(hook.shown()).toContain('offline: 3 events')
    expect(hook.latest.value?.subscribed).toBe(false)
  })
})

describe('useExecutionReplay', () => {
  it('plays an execution into state and rebuilds it on a seek', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const node = await startTestNode(stack)
    const emitter = await startTestEmitter(stack)
    await emitSamples(emitter, 'exec-replay-hook', 30)

    const hook = render(
      () => useExecutionReplay('exec-replay-hook', { url: node.url, speed: 'max' }),
      ({ state, position, events }: ExecutionReplayState) => `${state} at ${position}: ${events.length}`,
    )
    await until(() => hook.latest.value?.end, 'the end of the replay')
    const played = seqsOf(hook.latest.value?.events ?? [])
    await act(async () => void (await hook.latest.value?.controls.seek(7)))

    expect(played).toEqual(range(1, 30))
    expect(hook.latest.value?.end).toEqual({ lastSeq: 30, reason: 'finished' })
    expect(seqsOf(hook.latest.value?.events ?? [])).toEqual(range(1, 7))
    expect(hook.shown()).toContain('paused at 7: 7')
  })
})
