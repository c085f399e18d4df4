import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { atExit } from './exit-cleanup.js'
import { repoRoot } from './repo-root.js'

let built: Promise<string> | undefined

/**
 * Builds the dashboard app from its current sources into a temporary folder (once per test process;
 * a few seconds) and resolves with the folder, for web nodes started with `DASHBOARD_DIR` /
 * `dashboardDir`. Tests never serve a stale `dist/dashboard/`, and parallel test files never write
 * the same folder. The build runs as `vite build` in a child process with `NODE_ENV=production`, as
 * `npm run build` does: in the test process (`NODE_ENV=test`) Vite would make a development build.
 * @example const web = await startWebProcess(names, { DASHBOARD_DIR: await buildDashboard() })
 */
export function buildDashboard(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'agent-events-dashboard-'))
    atExit(() => rmSync(outDir, { recursive: true, force: true }))
    const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js')
    const args = [vite, 'build', '--config', 'dashboard/vite.config.ts', '--outDir', outDir, '--emptyOutDir']
    // Test files build at the same time, each into a folder of its own: Vite's one-build-per-project lock does not apply.
    const options = ['--sourcemap', 'false', '--logLevel', 'warn', '--bypass-lock']
    await promisify(execFile)(process.execPath, [...args, ...options], {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'production' },
    })
    return outDir
  })()
  return built
}
