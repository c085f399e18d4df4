import { AgentEventsError } from '../errors.js'

/** A store operation that did not settle in time: the connection may be stuck. */
export class OperationTimeoutError extends AgentEventsError {
  constructor(timeoutMs: number) {
    super('store_unavailable', `The store did not answer within ${timeoutMs} ms`)
  }
}

/**
 * Server error codes that say the server cannot take the operation right now (failover, shutdown,
 * a lost node), not that it refuses the document: ShutdownInProgress, PrimarySteppedDown,
 * NotWritablePrimary, InterruptedAtShutdown, InterruptedDueToReplStateChange, NotPrimaryNoSecondaryOk,
 * NotPrimaryOrSecondary, HostUnreachable, HostNotFound, NetworkTimeout, SocketException.
 */
const UNAVAILABLE_SERVER_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436, 6, 7, 89, 9001])
/**
 * Driver labels of an operation that failed for the server's state, not for its content (driver 7
 * labels a refused connection `RetryableError` and `SystemOverloadedError`, also inside a bulk error).
 */
const UNAVAILABLE_LABELS = [
  'RetryableWriteError',
  'RetryableError',
  'SystemOverloadedError',
  'ResetPool',
  'TransientTransactionError',
]
/**
 * The driver's errors for operations cut short by closing their client (its operations, its
 * topology, its implicit sessions), as it names and words them, also inside a bulk write's error.
 */
const CLIENT_CLOSED =
  /^(MongoClientClosedError|MongoTopologyClosedError|MongoExpiredSessionError)|client was closed|Topology is closed|session that has ended/

/** Socket failures, as the driver words them when it wraps them in another error. */
const SOCKET_FAILURE =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND)\b|connection \S+ to \S+ closed/

/** Whether an error says that the server could not be reached, rather than that it refused. */
export function isStoreUnreachable(error: unknown): boolean {
  if (error instanceof OperationTimeoutError) return true
  if (!(error instanceof Error)) return false
  return (
    /ServerSelectionError$|NetworkError$|NetworkTimeoutError$|PoolClearedError$|TopologyClosedError$/.test(
      error.name,
    ) || /buffering timed out/.test(error.message)
  )
}

/**
 * Whether an error is an outage of the store: unreachable, timing out, failing over or shutting
 * down. An outage says nothing about the events being written: the write is waited out and
 * retried, never counted against the events' attempts.
 */
export function isStoreOutage(error: unknown): boolean {
  if (isStoreUnreachable(error)) return true
  // An operation on a connection that was replaced (and closed) under it, alone or inside a bulk
  // write's error: retried on the new connection.
  if (error instanceof Error && CLIENT_CLOSED.test(`${error.name}: ${error.message}`)) return true
  if (typeof error !== 'object' || error === null) return false
  const { code, errorLabels, errorLabelSet } = error as {
    code?: unknown
    errorLabels?: unknown
    errorLabelSet?: unknown
  }
  if (typeof code === 'number' && UNAVAILABLE_SERVER_CODES.has(code)) return true
  if (error instanceof Error && SOCKET_FAILURE.test(error.message)) return true
  const labels = new Set<unknown>([
    ...(Array.isArray(errorLabels) ? errorLabels : []),
    ...(errorLabelSet instanceof Set ? errorLabelSet : []),
  ])
  return UNAVAILABLE_LABELS.some((label) => labels.has(label))
}
