import mongoose, { type Connection } from 'mongoose'
import { AgentEventsError } from '../errors.js'
import { getLogger } from '../logger.js'
import { registerModels, type StoreModels } from './models.js'
import { isStoreUnreachable, OperationTimeoutError } from './store-errors.js'

export interface StoreConnectionOptions {
  /** How long an operation waits for a reachable server. @default 10000 */
  readonly serverSelectionTimeoutMS?: number
  /** An operation (a whole batch write included) still unsettled after this long fails. @default 30000 */
  readonly operationTimeoutMs?: number
}

const log = getLogger('store')

/**
 * The MongoDB connection of a store, which replaces itself when it is stuck: after a failure that
 * says the server could not be reached (server selection, mongoose's command buffering, the network,
 * or an operation that never settles), it opens a fresh connection, and if that one reaches the
 * server, it takes over. The driver can leave a connection pool unable to reach the server for good
 * after a server restart (a write that waits on a socket closed under it); a fresh pool does not
 * inherit that.
 *
 * @example const connection = await StoreConnection.open('mongodb://127.0.0.1:27017/agent_events')
 * const count = await connection.run((models) => models.events.countDocuments())
 */
export class StoreConnection {
  private replacing: Promise<void> | undefined
  private closing: Promise<void> | undefined

  private constructor(
    private current: { readonly connection: Connection; readonly models: StoreModels },
    private readonly uri: string,
    private readonly options: StoreConnectionOptions,
  ) {}

  /** Connects and makes sure the indexes exist. */
  static async open(uri: string, options: StoreConnectionOptions = {}): Promise<StoreConnection> {
    const current = await connect(uri, options.serverSelectionTimeoutMS ?? 10_000)
    const { events, executions, runs } = current.models
    await Promise.all([events.createIndexes(), executions.createIndexes(), runs.createIndexes()])
    return new StoreConnection(current, uri, options)
  }

  /**
   * Runs an operation on the current models, bounded by `operationTimeoutMs`; a failure to reach the
   * server starts a replacement.
   */
  async run<T>(operation: (models: StoreModels) => Promise<T>): Promise<T> {
    const timeoutMs = this.options.operationTimeoutMs ?? 30_000
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OperationTimeoutError(timeoutMs)), timeoutMs)
    })
    try {
      return await Promise.race([operation(this.current.models), deadline])
    } catch (error) {
      if (isStoreUnreachable(error) && !this.closing) this.replacing ??= this.replace()
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  /** Resolves when the server answers a ping. */
  ping(): Promise<void> {
    return this.run(async () => {
      const db = this.current.connection.db
      if (!db) throw new AgentEventsError('store_unavailable', 'The store is not connected')
      await db.admin().ping()
    })
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.replacing
      await this.current.connection.close()
    })()
    return this.closing
  }

  private async replace(): Promise<void> {
    try {
      const fresh = await connect(this.uri, this.options.serverSelectionTimeoutMS ?? 10_000)
      if (this.closing) return void (await fresh.connection.close())
      const stale = this.current
      this.current = fresh
      log.warn('the store connection could not select a server while a new one could: replaced it')
      await stale.connection.close(true).catch(() => undefined)
    } catch {
      // The server is really unreachable: the current connection recovers with it.
    } finally {
      this.replacing = undefined
    }
  }
}

async function connect(
  uri: string,
  serverSelectionTimeoutMS: number,
): Promise<{ connection: Connection; models: StoreModels }> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS,
    maxPoolSize: 20,
    autoIndex: false,
  })
  try {
    await connection.asPromise()
  } catch (error) {
    await connection.close(true).catch(() => undefined)
    throw error
  }
  return { connection, models: registerModels(connection) }
}
