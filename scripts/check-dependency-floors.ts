import { execFileSync } from 'node:child_process'
import semver from 'semver'

/**
 * `npm run check:floors` (run by CI): fails when any installed copy of a package that faces clients
 * or the store is older than the first version without a published advisory.
 */
const FLOORS: Readonly<Record<string, { readonly version: string; readonly why: string }>> = {
  'socket.io': { version: '4.6.2', why: 'CVE-2024-38355: an unhandled error event from a crafted packet' },
  'socket.io-parser': {
    version: '4.2.7',
    why: 'CVE-2026-69185: memory exhaustion from crafted packets (also CVE-2023-32695, CVE-2022-2421)',
  },
  'engine.io': { version: '6.4.2', why: 'CVE-2023-31125: an uncaught exception from a crafted request' },
  ws: { version: '8.17.1', why: 'CVE-2024-37890: a crash from a request with too many headers' },
  mongoose: { version: '8.9.5', why: 'CVE-2025-23061 / CVE-2024-53900: search injection through $where' },
}

interface NpmTree {
  readonly version?: string
  readonly dependencies?: Readonly<Record<string, NpmTree>>
}

/** Every installed version of every package, from `npm ls --all --json`. */
function installedVersions(): Map<string, Set<string>> {
  const output = execFileSync('npm', ['ls', '--all', '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const versions = new Map<string, Set<string>>()
  const visit = (dependencies: NpmTree['dependencies']): void => {
    for (const [name, node] of Object.entries(dependencies ?? {})) {
      if (node.version) versions.set(name, (versions.get(name) ?? new Set()).add(node.version))
      visit(node.dependencies)
    }
  }
  visit((JSON.parse(output) as NpmTree).dependencies)
  return versions
}

const versions = installedVersions()
let failures = 0
for (const [name, floor] of Object.entries(FLOORS)) {
  const found = [...(versions.get(name) ?? [])]
  if (found.length === 0) {
    console.error(`floors: ${name} is not installed; expected >= ${floor.version}`)
    failures += 1
    continue
  }
  for (const version of found) {
    const ok = semver.gte(version, floor.version)
    console.log(`floors: ${ok ? 'ok  ' : 'FAIL'} ${name}@${version} (>= ${floor.version})`)
    if (!ok) {
      console.error(`floors: ${name}@${version} is below ${floor.version}: ${floor.why}`)
      failures += 1
    }
  }
}
process.exitCode = failures > 0 ? 1 : 0
