import { collectDefaultMetrics, Registry } from 'prom-client'

/**
 * The Prometheus registry of agent-events: every metric of this package, in whichever process it is
 * loaded (emitter, web node, worker). A web node and a worker serve it on `/metrics`; an agent
 * process that emits can merge it into its own endpoint.
 * @example response.end(await metricsRegistry.metrics())
 */
export const metricsRegistry = new Registry()

let collectingProcessMetrics = false

/** Adds the Node.js process metrics (CPU, memory, event loop lag) to the registry, once. */
export function collectProcessMetrics(): void {
  if (collectingProcessMetrics) return
  collectingProcessMetrics = true
  collectDefaultMetrics({ register: metricsRegistry })
}

/** A metric group created on first use, so that a process shows only the metrics of what it runs. */
export function lazily<T>(create: () => T): () => T {
  let metrics: T | undefined
  return () => {
    metrics ??= create()
    return metrics
  }
}
