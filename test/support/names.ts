import { randomUUID } from 'node:crypto'

/** A name no other test uses: tests share servers, never keys, queues or databases. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`

/** The URL of a database of its own on the server of `mongoUrl` (which may name a database already). */
export function databaseUrl(mongoUrl: string, database = uniqueName('test').replace('-', '_')): string {
  const url = new URL(mongoUrl)
  url.pathname = `/${database}`
  return url.toString()
}
