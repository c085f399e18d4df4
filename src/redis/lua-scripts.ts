import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'

/** The source of a Lua script of `src/redis/scripts/` (`npm run build` copies them beside the build). */
export function readLuaScript(fileName: string): string {
  return readFileSync(new URL(`./scripts/${fileName}`, import.meta.url), 'utf8')
}

/**
 * Defines a script as a command of the client, unless an earlier user of the client did.
 * @example defineScriptOnce(redis, 'agentEventsReleaseLease', readLuaScript('release-lease.lua'), 1)
 */
export function defineScriptOnce(redis: Redis, name: string, lua: string, numberOfKeys?: number): void {
  if (name in redis) return
  redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys })
}
