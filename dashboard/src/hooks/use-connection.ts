import { useEffect, useState } from 'react'
import type { AgentEventsClient } from 'agent-events/client'

/** How often the client's `connected` is read: the client has no connection event of its own. */
const CHECK_INTERVAL_MS = 250

/**
 * Whether the client is connected to a node right now, and whether it ever was.
 * @example const { connected, everConnected } = useConnected(client)
 */
export function useConnected(client: AgentEventsClient): { connected: boolean; everConnected: boolean } {
  const [state, setState] = useState(() => ({ connected: client.connected, everConnected: client.connected }))
  useEffect(() => {
    const check = (): void =>
      setState((current) =>
        current.connected === client.connected
          ? current
          : { connected: client.connected, everConnected: current.everConnected || client.connected },
      )
    check()
    const timer = window.setInterval(check, CHECK_INTERVAL_MS)
    return () => window.clearInterval(timer)
  }, [client])
  return state
}
