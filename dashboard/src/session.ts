import { splitFragment } from './routing.js'

/**
 * The access token of this tab. It comes from the token field or from `#token=…` in the address (the
 * fragment never reaches a server), is kept in sessionStorage (this tab only, gone when it closes),
 * and is taken out of the address at once so that it is neither bookmarked nor shared.
 */
const STORAGE_KEY = 'agent-events.token'

/**
 * Reads `token` from the fragment, if there, stores it, and rewrites the address without it.
 * @example const token = adoptFragmentToken() ?? storedToken()
 */
export function adoptFragmentToken(): string | undefined {
  const { path, params } = splitFragment(window.location.hash)
  const token = params.get('token')?.trim()
  if (!token) return undefined
  params.delete('token')
  const rest = params.toString()
  const fragment = path === '/' && rest === '' ? '' : `#${path}${rest === '' ? '' : `?${rest}`}`
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${fragment}`)
  storeToken(token)
  return token
}

/** The token kept for this tab, if any. */
export function storedToken(): string | undefined {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY) ?? undefined
  } catch {
    return undefined
  }
}

/** Keeps (or, with undefined, forgets) the token for this tab. */
export function storeToken(token: string | undefined): void {
  try {
    if (token) window.sessionStorage.setItem(STORAGE_KEY, token)
    else window.sessionStorage.removeItem(STORAGE_KEY)
  } catch {
    // Storage refused (private mode): the token lives in memory for this page only.
  }
}
