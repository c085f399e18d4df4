import { pino, type Logger } from 'pino'
import { loadConfig } from './config.js'

export type { Logger }

let rootLogger: Logger | undefined

/** The process-wide structured JSON logger; its level comes from LOG_LEVEL. */
export function getLogger(component?: string): Logger {
  rootLogger ??= pino({
    level: loadConfig().logLevel,
    base: { pid: process.pid },
    serializers: { err: loggedError },
  })
  return component ? rootLogger.child({ component }) : rootLogger
}

/**
 * An error as the logs show it: its name, message, code and stack, and nothing else. Driver errors
 * carry what they failed on (ioredis the command's arguments, MongoDB the documents of a bulk
 * write): event payloads, which are never logged above debug.
 * @example log.warn({ err: error }, 'batch write failed') // the logger applies it to `err`
 */
export function loggedError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) }
  const { code } = error as { code?: unknown }
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(error.cause === undefined ? {} : { cause: loggedError(error.cause) }),
  }
}
