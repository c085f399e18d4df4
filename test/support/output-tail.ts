/**
 * The last `limit` characters written by a child process, for error messages and assertions.
 *
 * @example
 * const tail = new OutputTail(64 * 1024)
 * child.stdout.on('data', (chunk: string) => tail.append(chunk))
 * throw new Error(`server exited:\n${tail.text()}`)
 */
export class OutputTail {
  readonly #limit: number
  #text = ''

  constructor(limit: number) {
    this.#limit = limit
  }

  append(chunk: string): void {
    this.#text += chunk
    // Trim only when well past the limit so appends stay amortised O(chunk).
    if (this.#text.length > this.#limit * 2) this.#text = this.#text.slice(-this.#limit)
  }

  text(): string {
    return this.#text.length > this.#limit ? this.#text.slice(-this.#limit) : this.#text
  }

  /** The last `lines` lines, for error messages. */
  lastLines(lines = 30): string {
    return this.text().split('\n').slice(-lines).join('\n')
  }
}
