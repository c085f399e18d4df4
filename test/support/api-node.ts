import type { JWTPayload } from 'jose'
import { startWebSocketServer, type WebNode } from '../../src/server/web-node.js'
import { EventStore } from '../../src/store/event-store.js'
import { SECRET, secretBytes, signToken } from '../auth/tokens.js'
import { stackNames } from './web-node-stack.js'

/** What a request to the HTTP API sees: the status, the headers and the JSON body (undefined when none). */
export interface ApiReply<T> {
  readonly status: number
  readonly headers: Headers
  readonly body: T
}

export interface ErrorReply {
  readonly error: { readonly code: string; readonly message: string }
}

/** A real web node with HS256 authentication and a database of its own, and a store on that database. */
export interface ApiNode {
  readonly node: WebNode
  readonly store: EventStore
  /** GET (or another method) of a path of the node, with a bearer token when one is given. */
  get<T = ErrorReply>(
    path: string,
    token: string | undefined,
    init?: { method?: string; headers?: Record<string, string> },
  ): Promise<ApiReply<T>>
  close(): Promise<void>
}

/**
 * Starts a web node (with `mongoUri`, unless `withStore` is false) on a free port; close it in afterAll.
 * @example const api = await startApiNode(inject('redisUrl'), inject('mongoUrl'))
 */
export async function startApiNode(redisUrl: string, mongoUrl: string, withStore = true): Promise<ApiNode> {
  const names = stackNames(redisUrl, mongoUrl)
  const store = await EventStore.open(names.mongoUri)
  const node = await startWebSocketServer({
    port: 0,
    host: '127.0.0.1',
    redisUrl: names.redisUrl,
    keyPrefix: names.keyPrefix,
    ...(withStore ? { mongoUri: names.mongoUri } : {}),
    auth: { mode: 'hs256', secret: SECRET },
  })
  return {
    node,
    store,
    async get<T>(
      path: string,
      token: string | undefined,
      init: { method?: string; headers?: Record<string, string> } = {},
    ): Promise<ApiReply<T>> {
      const response = await fetch(`${node.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...init.headers },
      })
      const text = await response.text()
      return {
        status: response.status,
        headers: response.headers,
        body: text === '' ? undefined : JSON.parse(text),
      }
    },
    async close() {
      await node.close()
      await store.close()
    },
  }
}

/** An HS256 token of the API node with these claims, valid for five minutes. */
export const apiToken = (claims: JWTPayload): Promise<string> =>
  signToken(claims, secretBytes(SECRET), 'HS256')
