import type { ParseArgsConfig } from 'node:util'
import { EVENT_TYPES, isAgentEventType, type AgentEventType } from '../events/schemas.js'

/** A command line that cannot be run as given: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Options every command that talks to a web node takes. */
export const NODE_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options']

/**
 * Runs a `util.parseArgs` call (strict mode), turning its errors into {@link UsageError}.
 * @example const { values } = usageErrors(() => parseArgs({ args, options, allowPositionals: true, strict: true }))
 */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/** A non-negative integer option, or undefined when absent. */
export function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new UsageError(`--${name} must be a whole number ≥ 0`)
  return parsed
}

/** A comma-separated list of event types, or undefined when absent. */
export function typesOption(value: string | undefined): AgentEventType[] | undefined {
  if (value === undefined) return undefined
  const types = value
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '')
  const unknown = types.filter((type) => !isAgentEventType(type))
  if (unknown.length > 0 || types.length === 0)
    throw new UsageError(
      `--types takes event types among: ${EVENT_TYPES.join(', ')} (got ${unknown.join(', ') || 'none'})`,
    )
  return types as AgentEventType[]
}

/** Exactly one positional argument (an id), named `what` in the error. */
export function singleId(positionals: readonly string[], what: string): string {
  const [id, ...rest] = positionals
  if (id === undefined || id === '') throw new UsageError(`missing the ${what}`)
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`)
  return id
}
