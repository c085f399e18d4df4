import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where `npm run build` puts the dashboard app: `dist/dashboard/` of this package, found from this
 * module's place in the sources (`src/dashboard/`) or in the build (`dist/src/dashboard/`).
 * @example createDashboardRoute({ directory: defaultDashboardDirectory() })
 */
export function defaultDashboardDirectory(): string {
  let folder = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (isThisPackage(join(folder, 'package.json'))) return join(folder, 'dist', 'dashboard')
    const parent = dirname(folder)
    if (parent === folder) return join(process.cwd(), 'dist', 'dashboard')
    folder = parent
  }
}

function isThisPackage(manifest: string): boolean {
  if (!existsSync(manifest)) return false
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'agent-events'
  } catch {
    return false
  }
}
