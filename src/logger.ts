import { pino, type Logger } from 'pino'
import { loadConfig } from './config.js'

export type { Logger }

let rootLogger: Logger | undefined

/** The process-wide structured JSON logger; its level comes from LOG_LEVEL. */
export function getLogger(component?: string): Logger {
  rootLogger ??= pino({ level: loadConfig().logLevel, base: { pid: process.pid } })
  return component ? rootLogger.child({ component }) : rootLogger
}
