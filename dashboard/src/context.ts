import { createContext, useContext } from 'react'
import type { AgentEventsClient, WireError } from 'agent-events/client'
import type { ApiClient } from './api/http-client.js'

/** What every page shares: one Socket.IO client and one HTTP client, both with the tab's token. */
export interface Dashboard {
  readonly client: AgentEventsClient
  readonly api: ApiClient
  readonly token: string | undefined
  setToken(token: string | undefined): void
  /** The latest refusal of the connection itself (`token_missing`, `token_invalid`, ...), if any. */
  readonly connectionError: WireError | undefined
}

export const DashboardContext = createContext<Dashboard | undefined>(undefined)

/** The dashboard's shared clients; only inside the app. */
export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext)
  if (!dashboard) throw new Error('useDashboard outside of the dashboard app')
  return dashboard
}
