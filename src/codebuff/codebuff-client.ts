import type { CodebuffPrintModeEvent, CodebuffRunState, CodebuffStreamChunk } from './print-mode-events.js'

/**
 * The options of `client.run()` that the wrapper reads or wraps; every other option passes through
 * unchanged.
 */
export interface CodebuffRunOptions {
  /** The agent to run: an agent id (`'base'`) or an agent definition. */
  readonly agent: string | { readonly id: string; readonly displayName?: string }
  readonly prompt: string
  readonly handleEvent?: (event: CodebuffPrintModeEvent) => void | Promise<void>
  readonly handleStreamChunk?: (chunk: CodebuffStreamChunk) => void | Promise<void>
  readonly [option: string]: unknown
}

/**
 * The part of `@codebuff/sdk`'s `CodebuffClient` the wrapper uses, so that this module needs
 * neither the SDK nor its types: a `CodebuffClient` is one, and so is a test double.
 */
export interface CodebuffClientLike<R = CodebuffRunState> {
  run(options: CodebuffRunOptions): Promise<R>
}
