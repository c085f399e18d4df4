const MAX_ERROR_LENGTH = 2000

/** The message of anything thrown, bounded, without trusting it to describe itself. */
export function errorMessageOf(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message || error.name : String(error)
    return message.slice(0, MAX_ERROR_LENGTH)
  } catch {
    return 'an error that could not be read'
  }
}
