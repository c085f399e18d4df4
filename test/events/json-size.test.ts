import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { exceedsJsonBytes } from '../../src/events/json-size.js'

describe('the JSON size bound', () => {
  it('never calls a value too large that serializes within the limit', () => {
    fc.assert(
      fc.property(
        fc.anything({ withSparseArray: true, withNullPrototype: true }),
        fc.nat(2000),
        (value, limit) => {
          const json = JSON.stringify(value) as string | undefined
          if (json !== undefined && Buffer.byteLength(json) <= limit)
            expect(exceedsJsonBytes(value, limit)).toBe(false)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('refuses a sparse array of ten million holes, and a huge typed array, without reading them whole', () => {
    let reads = 0
    const holes = new Proxy(new Array<unknown>(10_000_000), {
      get(target, key, receiver) {
        reads += 1
        return Reflect.get(target, key, receiver) as unknown
      },
    })

    expect(exceedsJsonBytes({ list: holes }, 65_536)).toBe(true)
    expect(exceedsJsonBytes({ bytes: new Uint8Array(100_000_000) }, 65_536)).toBe(true)
    expect(exceedsJsonBytes({ text: 'x'.repeat(70_000) }, 65_536)).toBe(true)
    // JSON.stringify would read every one of the ten million elements.
    expect(reads).toBeLessThan(2000)
  })

  it('counts nothing for members JSON leaves out, nor for a toJSON it cannot judge', () => {
    const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}`, undefined]))

    expect(exceedsJsonBytes(many, 100)).toBe(false)
    expect(exceedsJsonBytes({ toJSON: () => 'x'.repeat(1000) }, 100)).toBe(false)
  })
})
