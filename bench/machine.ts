import { arch, cpus, platform } from 'node:os'

/**
 * Markdown list lines naming the machine a bench ran on: cores and CPU model, OS, Node version.
 * @example console.log(machineLines().join('\n'))
 */
export function machineLines(): string[] {
  const processors = cpus()
  return [
    `- machine: ${processors.length} × ${processors[0]?.model ?? 'unknown cpu'}, ${platform()} ${arch()}`,
    `- node ${process.version}`,
  ]
}
