import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { AgentEventsClient, type WireError } from 'agent-events/client'
import { createApiClient } from './api/http-client.js'
import { Notice } from './components/common.js'
import { DashboardContext, useDashboard, type Dashboard } from './context.js'
import { useConnected } from './hooks/use-connection.js'
import { useRoute } from './hooks/use-route.js'
import { AnalyticsPage } from './pages/analytics-page.js'
import { ConversationPage } from './pages/conversation-page.js'
import { RunPage } from './pages/run-page.js'
import { RunsPage } from './pages/runs-page.js'
import { hrefOf, type Route } from './routing.js'
import { storeToken } from './session.js'

/**
 * The dashboard: one Socket.IO client of `agent-events/client` for the page (a new one when the token
 * changes) and the HTTP API of the node that served it, both with the tab's token.
 */
export function App({ initialToken }: { initialToken: string | undefined }) {
  const [token, setTokenState] = useState(initialToken)
  const [connectionError, setConnectionError] = useState<WireError | undefined>(undefined)
  const tokenRef = useRef(token)
  tokenRef.current = token
  const [client, setClient] = useState<AgentEventsClient | undefined>(undefined)
  useEffect(() => {
    const created = new AgentEventsClient({
      url: window.location.origin,
      ...(token ? { token } : {}),
      onError: (error) => setConnectionError(error),
    })
    setClient(created)
    return () => created.close()
  }, [token])
  const api = useMemo(() => createApiClient(() => tokenRef.current), [])
  const dashboard = useMemo<Dashboard | undefined>(
    () =>
      client && {
        client,
        api,
        token,
        connectionError,
        setToken: (next) => {
          storeToken(next)
          setConnectionError(undefined)
          setTokenState(next)
        },
      },
    [client, api, token, connectionError],
  )
  const route = useRoute()
  if (!dashboard) return null
  return (
    <DashboardContext.Provider value={dashboard}>
      <Header route={route} />
      <main>
        {connectionError && connectionError.code.startsWith('token_') ? (
          <Notice kind="error" testId="auth-error">
            The node refused the connection: {connectionError.code} ({connectionError.message}). Enter a token
            above.
          </Notice>
        ) : null}
        <Page key={`${route.page}:${'executionId' in route ? route.executionId : ''}`} route={route} />
      </main>
    </DashboardContext.Provider>
  )
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'runs':
      return <RunsPage route={route} />
    case 'run':
      return <RunPage executionId={route.executionId} mode={route.mode} />
    case 'conversation':
      return <ConversationPage conversationId={route.conversationId} />
    case 'analytics':
      return <AnalyticsPage route={route} />
  }
}

function Header({ route }: { route: Route }) {
  const { client } = useDashboard()
  const { connected } = useConnected(client)
  return (
    <header className="topbar">
      <a className="brand" href={hrefOf({ page: 'runs' })}>
        agent-events
      </a>
      <nav aria-label="Pages">
        <a
          href={hrefOf({ page: 'runs' })}
          aria-current={route.page === 'runs' || route.page === 'run' ? 'page' : undefined}
        >
          Runs
        </a>
        <a
          href={hrefOf({ page: 'analytics', groupBy: 'department' })}
          aria-current={route.page === 'analytics' ? 'page' : undefined}
        >
          Analytics
        </a>
      </nav>
      <span className="spacer" />
      <span className={`badge ${connected ? 'live' : 'reconnecting'}`} data-testid="socket-state">
        {connected ? 'connected' : 'disconnected'}
      </span>
      <TokenForm />
    </header>
  )
}

function TokenForm() {
  const { token, setToken } = useDashboard()
  const [draft, setDraft] = useState('')
  const submit = (submitted: FormEvent): void => {
    submitted.preventDefault()
    setToken(draft.trim() || undefined)
    setDraft('')
  }
  return (
    <form className="token-form" onSubmit={submit} aria-label="Access token">
      <label className="visually-hidden" htmlFor="token">
        Access token
      </label>
      <input
        id="token"
        type="password"
        autoComplete="off"
        placeholder={token ? 'token set: replace…' : 'access token (if required)'}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        data-testid="token-input"
      />
      <button type="submit" data-testid="token-save">
        Use
      </button>
      {token ? (
        <button type="button" onClick={() => setToken(undefined)} data-testid="token-clear">
          Forget
        </button>
      ) : null}
    </form>
  )
}
