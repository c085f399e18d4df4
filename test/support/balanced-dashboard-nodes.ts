import { onTestFinished } from 'vitest'
import { buildDashboard } from './dashboard-build.js'
import { startWebProcess } from './stack-processes.js'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js'
import type { StackNames } from './web-node-stack.js'

type WebProcess = Awaited<ReturnType<typeof startWebProcess>>

/**
 * Two web processes serving the dashboard behind a loopback TCP proxy pointed at the first, as a
 * fleet behind its load balancer: a test SIGKILLs `first` and retargets the proxy at `second`.
 * @example const { first, second, proxy } = await startBalancedDashboardNodes(stack)
 */
export async function startBalancedDashboardNodes(
  stack: StackNames,
): Promise<{ readonly first: WebProcess; readonly second: WebProcess; readonly proxy: TcpProxy }> {
  const dashboardDir = await buildDashboard()
  const [first, second] = await Promise.all([
    startWebProcess(stack, { DASHBOARD_DIR: dashboardDir }),
    startWebProcess(stack, { DASHBOARD_DIR: dashboardDir }),
  ])
  const proxy = await startTcpProxy(first.port)
  onTestFinished(() => proxy.close())
  return { first, second, proxy }
}
