import { onTestFinished } from 'vitest'
import { startTsProcess, type NodeProcess } from './child-process.js'

/** The built `agent-events` binary (`npm run build` makes it). */
export const CLI_ENTRY = 'dist/src/cli/main.js'

/**
 * Runs the built `agent-events` binary with `args`, as a user would, killed when the test ends if
 * still running. Colours are off (NO_COLOR), as when output is piped.
 * @example const tail = runCli(['tail', 'exec-1', '--url', url])
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): NodeProcess {
  const cli = startTsProcess(CLI_ENTRY, { runner: 'built', args: [...args], env: { NO_COLOR: '1', ...env } })
  onTestFinished(async () => void (await cli.kill('SIGKILL')))
  return cli
}

/** Runs the binary to its end; resolves with its exit code and its stdout lines. */
export async function runCliToEnd(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ code: number | null; lines: readonly string[]; output: string }> {
  const cli = runCli(args, env)
  const timer = setTimeout(() => void cli.kill('SIGKILL'), timeoutMs)
  const { code } = await cli.exited
  clearTimeout(timer)
  return { code, lines: cli.lines(), output: cli.output() }
}
