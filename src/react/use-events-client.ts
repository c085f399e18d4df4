import { useEffect, useRef, useState } from 'react'
import { AgentEventsClient, type AgentEventsClientOptions } from '../client/agent-events-client.js'

/** Which client a hook uses: the application's, or one of its own. */
export interface EventsClientOptions {
  /** A client the application shares between hooks; the hook never closes it. */
  readonly client?: AgentEventsClient
  /**
   * Without `client`: the web node (or load balancer) the hook's own client connects to; that client
   * is closed when the component unmounts. @default the page's origin
   */
  readonly url?: string
  /** Without `client`: the access token, or a function giving a fresh one for every connection. */
  readonly token?: AgentEventsClientOptions['token']
}

/**
 * The client a hook works with: `options.client`, else one of its own for `options.url` (closed on
 * unmount or when the url changes). The latest `token` is used for every (re)connection.
 * @example const client = useEventsClient({ url: 'https://events.example.com', token })
 */
export function useEventsClient(options: EventsClientOptions): AgentEventsClient | undefined {
  const { client } = options
  const tokenRef = useRef(options.token)
  tokenRef.current = options.token
  const hasToken = options.token !== undefined
  const url = client ? undefined : (options.url ?? pageOrigin())
  const [owned, setOwned] = useState<AgentEventsClient | undefined>(undefined)

  useEffect(() => {
    if (url === undefined) return undefined
    const created = new AgentEventsClient({
      url,
      token: hasToken ? () => resolveToken(tokenRef.current) : undefined,
    })
    setOwned(created)
    return () => {
      created.close()
      setOwned(undefined)
    }
  }, [url, hasToken])

  return client ?? owned
}

/**
 * Whether the client is connected to a web node right now; false without a client.
 * @example const isConnected = useConnectionState(client)
 */
export function useConnectionState(client: AgentEventsClient | undefined): boolean {
  const [connected, setConnected] = useState(false)
  useEffect(() => {
    setConnected(client?.connected ?? false)
    return client?.onConnectionChange(setConnected)
  }, [client])
  return connected
}

function resolveToken(token: AgentEventsClientOptions['token']): string | Promise<string> {
  return typeof token === 'function' ? token() : (token ?? '')
}

function pageOrigin(): string | undefined {
  const location = (globalThis as { location?: { origin?: string } }).location
  return location?.origin
}
