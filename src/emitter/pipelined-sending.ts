export interface PipelinedSending<B> {
  /** The next batch to send, or undefined when there is none now. */
  readonly take: () => B | undefined
  /** Whether sending may go on (the connection is up). */
  readonly canSend: () => boolean
  /** Batches in flight at once, at most. */
  readonly depth: number
  readonly send: (batch: B) => Promise<void>
}

/** The batches that failed, in the order they were taken, and the first failure. */
export interface PipelineFailure<B> {
  readonly batches: B[]
  readonly error: unknown
}

/**
 * Sends batches while there are any, with up to `depth` in flight: the next one leaves while the
 * replies of the previous ones are on their way (one connection runs them in the order sent). After
 * a failure nothing more is taken; once every batch in flight has settled, the failed ones are
 * returned in the order they were taken, to be put back in front.
 * @example const failed = await sendPipelined({ take, canSend, depth: 4, send })
 */
export async function sendPipelined<B>(
  sending: PipelinedSending<B>,
): Promise<PipelineFailure<B> | undefined> {
  const inFlight = new Set<Promise<void>>()
  const failures: { order: number; batch: B }[] = []
  let firstError: unknown
  let order = 0
  while (failures.length === 0 && sending.canSend()) {
    while (inFlight.size < sending.depth) {
      const batch = sending.take()
      if (batch === undefined) break
      const batchOrder = order++
      const sent: Promise<void> = sending
        .send(batch)
        .catch((error: unknown) => {
          firstError ??= error
          failures.push({ order: batchOrder, batch })
        })
        .finally(() => inFlight.delete(sent))
      inFlight.add(sent)
    }
    if (inFlight.size === 0) break
    await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  if (failures.length === 0) return undefined
  failures.sort((a, b) => a.order - b.order)
  return { batches: failures.map((failure) => failure.batch), error: firstError }
}
