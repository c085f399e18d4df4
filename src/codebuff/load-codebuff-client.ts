import { AgentEventsError } from '../errors.js'
import type { CodebuffClientLike } from './codebuff-client.js'
import type { CodebuffRunState } from './print-mode-events.js'

/** The optional peer dependency, loaded only when asked for. */
const SDK_MODULE: string = '@codebuff/sdk'

/** The options of `new CodebuffClient(options)` (`apiKey`, `cwd`, ...), passed through. */
export type CodebuffClientOptions = { readonly apiKey?: string; readonly cwd?: string } & Record<
  string,
  unknown
>

/**
 * Loads `@codebuff/sdk` (an optional peer dependency: nothing of agent-events imports it otherwise)
 * and returns a new `CodebuffClient`. Rejects with `dependency_missing` when it is not installed.
 * @example
 * const client = await createCodebuffClient({ apiKey: process.env.CODEBUFF_API_KEY })
 * await runWithAgentEvents(client, { agent: 'base', prompt: 'Fix the flaky test' }, { executionId: 'exec-9' })
 */
export async function createCodebuffClient(
  options: CodebuffClientOptions,
): Promise<CodebuffClientLike<CodebuffRunState>> {
  let sdk: { CodebuffClient?: unknown }
  try {
    sdk = (await import(SDK_MODULE)) as { CodebuffClient?: unknown }
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new AgentEventsError(
      'dependency_missing',
      `${SDK_MODULE} is not installed: npm install ${SDK_MODULE}@^0.10.7`,
    )
  }
  if (typeof sdk.CodebuffClient !== 'function')
    throw new AgentEventsError('dependency_missing', `${SDK_MODULE} has no CodebuffClient export`)
  const Client = sdk.CodebuffClient as new (
    options: CodebuffClientOptions,
  ) => CodebuffClientLike<CodebuffRunState>
  return new Client(options)
}
