import { describe, expect, it } from 'vitest'
import { startTsProcess } from '../support/child-process.js'

describe('loading the SDK', () => {
  it('imports without @codebuff/sdk and refuses with dependency_missing to create a client', async () => {
    const child = startTsProcess('test/codebuff/fixtures/load-sdk-process.ts')
    expect(await child.waitForLine(/^(refused|loaded)/)).toBe('refused: dependency_missing')
    expect((await child.exited).code).toBe(0)
  })
})
