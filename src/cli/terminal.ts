import { styleText } from 'node:util'
import { loadConfig } from '../config.js'

type Style = Parameters<typeof styleText>[0]

/** Whether colours go to standard output: a terminal, and NO_COLOR unset. */
export const colorsOn = (): boolean => process.stdout.isTTY === true && loadConfig().cli.color

/** `text` in `style` when colours are on. */
export function paint(style: Style, text: string): string {
  return colorsOn() ? styleText(style, text) : text
}

/** A line to standard output. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`)
}

/** A line to standard error: status, progress and errors, never data. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`)
}

/** An abort signal that fires on the first SIGINT or SIGTERM: long commands end cleanly on Ctrl-C. */
export function interruption(): AbortSignal {
  const controller = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort())
  return controller.signal
}
