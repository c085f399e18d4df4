/**
 * The web nodes a client may connect to, as a load balancer would list them: a node is added once it
 * is ready and removed just before it is stopped or killed. A reconnecting client tries the other
 * nodes first, so that a client of a node that is gone moves to another one.
 */
export class NodeDirectory {
  readonly #urls: string[] = []

  add(url: string): void {
    if (!this.#urls.includes(url)) this.#urls.push(url)
  }

  remove(url: string): void {
    const index = this.#urls.indexOf(url)
    if (index !== -1) this.#urls.splice(index, 1)
  }

  get urls(): readonly string[] {
    return [...this.#urls]
  }

  /** Where to reconnect after losing `current`: every other listed node, then `current` if still listed. */
  candidates(current: string | undefined): string[] {
    const others = this.#urls.filter((url) => url !== current)
    return current !== undefined && this.#urls.includes(current) ? [...others, current] : others
  }
}
