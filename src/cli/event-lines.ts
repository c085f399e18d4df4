import type { AgentEventType, StampedAgentEvent } from '../events/schemas.js'
import { paint } from './terminal.js'

type Style = Parameters<typeof paint>[0]

const TYPE_STYLES: Record<AgentEventType, Style> = {
  'orchestration-start': 'magenta',
  'orchestration-complete': 'magenta',
  'department-start': 'blue',
  'department-complete': 'blue',
  'agent-start': 'cyan',
  'agent-thinking': 'gray',
  'agent-complete': 'cyan',
  'tool-call': 'yellow',
  'tool-result': 'yellow',
  'quality-check': 'green',
  'review-status': 'green',
}
const TYPE_WIDTH = Math.max(...Object.keys(TYPE_STYLES).map((type) => type.length))

/**
 * One event as a line of `tail` and `replay`: its time (UTC), seq, execution, type and what it says.
 * @example eventLine(event) // '04:10:11.123  #12  exec-1  agent-thinking          Story Head: Drafting (50%)'
 */
export function eventLine(event: StampedAgentEvent): string {
  const time = event.timestamp.slice(11, 23)
  const type = paint(TYPE_STYLES[event.type], event.type.padEnd(TYPE_WIDTH))
  return `${paint('dim', time)}  ${`#${event.seq}`.padStart(6)}  ${event.executionId}  ${type}  ${detailsOf(event)}`
}

function detailsOf(event: StampedAgentEvent): string {
  switch (event.type) {
    case 'orchestration-start':
      return ''
    case 'orchestration-complete':
      return event.status ?? 'completed'
    case 'department-start':
    case 'department-complete':
      return event.department
    case 'agent-start':
      return `${event.agentName}${event.department ? ` (${event.department})` : ''}: ${event.task}`
    case 'agent-thinking':
      return `${event.agentName ?? event.agentId}: ${event.currentStep}${event.progress === undefined ? '' : ` (${Math.round(event.progress)}%)`}`
    case 'agent-complete': {
      const score = event.qualityScore === undefined ? '' : ` score ${event.qualityScore}`
      const tokens = event.tokenUsage ? ` ${event.tokenUsage.total} tokens` : ''
      return `${event.agentName}${score}${tokens}`
    }
    case 'tool-call':
      return `${event.agentId} → ${event.toolName}`
    case 'tool-result': {
      const outcome = event.success === false ? paint('red', 'failed') : 'ok'
      return `${event.agentId} ← ${event.toolName} ${outcome}${event.duration === undefined ? '' : ` ${event.duration} ms`}`
    }
    case 'quality-check':
      return `${event.score}${event.passed === undefined ? '' : event.passed ? ' passed' : paint('red', ' failed')}`
    case 'review-status':
      return `${event.department}: ${event.status}`
  }
}
