import type { CodebuffRunOutput, CodebuffToolOutputPart } from './print-mode-events.js'

/** The most text kept of an agent's streamed output (its end: where the answer is). */
export const MAX_OUTPUT_CHARS = 16_000

/** What a `tool-result` says of a codebuff tool's output parts. */
export interface ToolOutcome {
  readonly result: unknown
  readonly success: boolean
  readonly error?: string
}

/**
 * A tool's output as a `tool-result`: the value of a single JSON part, else the parts, with media
 * reduced to their type (base64 payloads would only bloat the event). Codebuff tools report a
 * failure as a JSON part carrying `errorMessage`.
 */
export function toolOutcomeOf(parts: readonly CodebuffToolOutputPart[]): ToolOutcome {
  const values = parts.map((part) =>
    part.type === 'media' ? { type: 'media', mediaType: (part as { mediaType?: unknown }).mediaType } : part,
  )
  const only = parts.length === 1 ? parts[0] : undefined
  const result = only?.type === 'json' ? (only as { value?: unknown }).value : values
  const failure = parts
    .map((part) => (part.type === 'json' ? errorMessageIn((part as { value?: unknown }).value) : undefined))
    .find((message) => message !== undefined)
  return failure === undefined ? { result, success: true } : { result, success: false, error: failure }
}

function errorMessageIn(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const message = (value as { errorMessage?: unknown }).errorMessage
  return typeof message === 'string' ? message : undefined
}

/**
 * The main agent's `output`: a structured output's value, else the text of the last assistant
 * message; nothing for an error (it becomes the `error`).
 */
export function runOutputValue(output: CodebuffRunOutput): unknown {
  switch (output.type) {
    case 'structuredOutput':
      return output.value
    case 'lastMessage':
    case 'allMessages':
      return lastAssistantText(output.value)
    default:
      return undefined
  }
}

function lastAssistantText(messages: readonly unknown[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index] as { role?: unknown; content?: unknown } | null
    if (message?.role !== 'assistant') continue
    const content = message.content
    if (typeof content === 'string') return tail(content)
    if (!Array.isArray(content)) continue
    const text = content
      .filter((part): part is { type: 'text'; text: string } => isTextPart(part))
      .map((part) => part.text)
      .join('')
    if (text !== '') return tail(text)
  }
  return undefined
}

function isTextPart(part: unknown): boolean {
  const candidate = part as { type?: unknown; text?: unknown } | null
  return candidate?.type === 'text' && typeof candidate.text === 'string'
}

/** The end of a text, at most `MAX_OUTPUT_CHARS` long. */
export function tail(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? text.slice(-MAX_OUTPUT_CHARS) : text
}

/** The message of a failed run's output. */
export function runErrorMessage(output: Extract<CodebuffRunOutput, { type: 'error' }>): string {
  return output.statusCode === undefined ? output.message : `${output.message} (status ${output.statusCode})`
}
