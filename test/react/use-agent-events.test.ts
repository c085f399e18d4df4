import { createElement } from 'react'
import { act, create, type ReactTestRenderer } from 'react-test-renderer'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { AgentEventsClient } from '../../src/client/index.js'
import { useAgentEvents, type AgentEventsState, type AgentEventsTarget } from '../../src/react/index.js'
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

/** Renders a component that only calls the hook, and exposes its latest state. */
function renderHook(client: AgentEventsClient, target: AgentEventsTarget) {
  const latest: { state: AgentEventsState | undefined } = { state: undefined }
  function Probe(props: { target: AgentEventsTarget }) {
    latest.state = useAgentEvents(client, props.target)
    return null
  }
  let renderer: ReactTestRenderer | undefined
  act(() => {
    renderer = create(createElement(Probe, { target }))
  })
  onTestFinished(() => {
    act(() => renderer?.unmount())
  })
  return {
    latest,
    retarget: (next: AgentEventsTarget) =>
      act(() => renderer?.update(createElement(Probe, { target: next }))),
  }
}

describe('useAgentEvents', () => {
  it('renders the events of the target as they arrive, and starts over for a new target', async () => {
    const stack = stackNames(inject('redisUrl'), inject('mongoUrl'))
    const node = await startTestNode(stack)
    const client = new AgentEventsClient({ url: node.url })
    onTestFinished(() => client.close())
    const emitter = await startTestEmitter(stack)

    const hook = renderHook(client, { executionId: 'exec-react' })
    await until(() => hook.latest.state?.subscribed, 'the subscription')
    await act(() => emitSamples(emitter, 'exec-react', 20))
    await until(() => hook.latest.state?.events.length === 20, 'the events in state')
    expect(seqsOf(hook.latest.state?.events ?? [])).toEqual(range(1, 20))

    hook.retarget({ conversationId: 'conv-react' })
    await until(() => hook.latest.state?.subscribed, 'the new subscription')
    await act(() => emitSamples(emitter, 'exec-react', 5))
    await act(() => emitSamples(emitter, 'exec-in-conversation', 3, 'conv-react'))
    await until(() => hook.latest.state?.events.length === 3, 'the conversation events')
    expect(hook.latest.state?.events.every((event) => event.conversationId === 'conv-react')).toBe(true)
  })
})
