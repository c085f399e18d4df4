import { useEffect, useState } from 'react'
import { routeOf, type Route } from '../routing.js'

/** The route of the address's fragment, following every change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash))
  useEffect(() => {
    const follow = (): void => setRoute(routeOf(window.location.hash))
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [])
  return route
}
