/**
 * Whether a value's JSON text would certainly be longer than `limit` bytes, found without
 * serializing it: a walk that adds a lower bound of each part's size (commas, brackets, quotes, one
 * byte per character) and stops as soon as the bound passes the limit. So a sparse array of ten
 * million holes, or a typed array of a hundred million bytes, is refused in microseconds instead of
 * blocking the caller while its megabytes of JSON are built. Parts it cannot read without running
 * the caller's code (a `toJSON`, a throwing getter), and objects met a second time, count as nothing:
 * the serialization that follows judges them.
 *
 * @example exceedsJsonBytes({ a: new Array(1e7) }, 1_048_576) // true
 */
export function exceedsJsonBytes(value: unknown, limit: number): boolean {
  let bytes = 0
  const pending: unknown[] = [value]
  // An object met again counts once: a cycle (which JSON refuses) must not look endless.
  const seen = new WeakSet<object>()
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next === 'object' && next !== null) {
      if (seen.has(next)) continue
      seen.add(next)
    }
    bytes += lowerBoundOf(next, pending)
    if (bytes > limit) return true
  }
  return false
}

/** The bytes a value adds by itself (not its children, which it pushes onto `pending`). */
function lowerBoundOf(value: unknown, pending: unknown[]): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2
    case 'number':
    case 'boolean':
      return 1
    case 'object':
      break
    default:
      return 0
  }
  if (value === null) return 4
  try {
    if (ArrayBuffer.isView(value))
      return 'length' in value && typeof value.length === 'number' ? value.length : 0
    if (Array.isArray(value)) {
      // Each element takes at least one byte and a comma; holes become `null`.
      if (value.length > 0) pending.push(...value.slice(0, 1024))
      return 2 + Math.max(value.length * 2 - 1, 0) - Math.min(value.length, 1024)
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return 0
    let members = 0
    let bytes = 2
    for (const key of Object.keys(value)) {
      const member = (value as Record<string, unknown>)[key]
      // JSON leaves out members it cannot represent.
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue
      bytes += key.length + 3
      members += 1
      pending.push(member)
    }
    return bytes + Math.max(members - 1, 0)
  } catch {
    return 0
  }
}
