/**
 * The property names hostile payloads try to plant on `Object.prototype` (`{"__proto__": {"polluted": 1}}`,
 * `{"constructor": {"prototype": {...}}}`); {@link PrototypeGuard} checks none of them appears.
 */
export const POLLUTION_SENTINELS = ['polluted', 'isAdmin', 'executionId', 'conversationId', 'types'] as const

/**
 * A snapshot of the shared prototypes a prototype-pollution attack would change, taken before the
 * attack. {@link changes} lists every difference since: added, removed or replaced properties, and the
 * sentinel names readable on a fresh `{}` or `[]`.
 *
 * @example
 * const guard = PrototypeGuard.snapshot()
 * await attack()
 * expect(guard.changes()).toEqual([])
 */
export class PrototypeGuard {
  private constructor(private readonly before: ReadonlyMap<string, PropertyDescriptorMap>) {}

  static snapshot(): PrototypeGuard {
    return new PrototypeGuard(new Map(GUARDED.map(([name, prototype]) => [name, descriptorsOf(prototype)])))
  }

  changes(): string[] {
    const found: string[] = []
    for (const [name, prototype] of GUARDED) {
      const before = this.before.get(name) ?? {}
      const after = descriptorsOf(prototype)
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (!sameDescriptor(before[key], after[key])) found.push(`${name}.${key} changed`)
      }
    }
    const probes: Record<string, unknown>[] = [{}, [] as unknown as Record<string, unknown>]
    for (const probe of probes) {
      for (const sentinel of POLLUTION_SENTINELS) {
        if (probe[sentinel] !== undefined) found.push(`a fresh object reads ${sentinel}`)
      }
    }
    return found
  }
}

const GUARDED: readonly (readonly [string, object])[] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
]

function descriptorsOf(prototype: object): PropertyDescriptorMap {
  const descriptors: PropertyDescriptorMap = {}
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)
    if (descriptor) Object.defineProperty(descriptors, key, { value: descriptor, enumerable: true })
  }
  return descriptors
}

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable
}
