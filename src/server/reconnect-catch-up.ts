import type { Redis } from 'ioredis'
import { getLogger } from '../logger.js'
import type { DeliveryAdapter } from './delivery-adapter.js'
import type { SubscriptionRegistry } from './subscription-registry.js'
import type { SubscriptionService } from './subscription-service.js'

const log = getLogger('reconnect-catch-up')

/**
 * Events published while the node's pub/sub connection is down never reach it; ioredis resubscribes
 * on reconnect, but the gap stays. On every reconnect this holds all live subscriptions (before any
 * message can arrive on the new connection), waits until broadcasts come through again, then replays
 * each one's events after its cursors from history (per execution, for a conversation) and releases
 * it. Returns the function that stops watching.
 */
export function catchUpAfterReconnects(
  subscriberClient: Redis,
  adapter: DeliveryAdapter,
  registry: SubscriptionRegistry,
  service: SubscriptionService,
  timeoutMs: number,
): () => void {
  const onReady = (): void => {
    const held = registry.all().map((subscriber) => ({ subscriber, subscriptions: subscriber.holdLive() }))
    log.info({ subscribers: held.length }, 'pub/sub connection back: catching up')
    void adapter
      .confirmReceiving(timeoutMs)
      .catch((error: unknown) => log.warn({ err: error }, 'broadcasts not confirmed after reconnect'))
      .then(() => {
        for (const { subscriber, subscriptions } of held) {
          if (subscriptions.executions.length + subscriptions.conversations.length === 0) continue
          subscriber
            .serially(() => service.catchUp(subscriber, subscriptions))
            .catch((error: unknown) => log.error({ err: error }, 'catch-up failed'))
        }
      })
  }
  subscriberClient.on('ready', onReady)
  return () => void subscriberClient.off('ready', onReady)
}
