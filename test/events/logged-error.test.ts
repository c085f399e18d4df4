import { describe, expect, it } from 'vitest'
import { loggedError } from '../../src/logger.js'

describe('errors in the logs', () => {
  it('keep name, message, code, stack and cause, and drop what a driver attached (payloads)', () => {
    const bulkFailure = Object.assign(new Error('E11000 duplicate key'), {
      name: 'MongoBulkWriteError',
      code: 11000,
      insertedDocs: [{ payload: '{"secret":"agent output"}' }],
      command: { name: 'evalsha', args: ['{"secret":"agent output"}'] },
      cause: Object.assign(new Error('socket closed'), { args: ['payload'] }),
    })

    const logged = loggedError(bulkFailure)

    expect(logged).toMatchObject({
      type: 'MongoBulkWriteError',
      message: 'E11000 duplicate key',
      code: 11000,
      cause: { type: 'Error', message: 'socket closed' },
    })
    expect(JSON.stringify(logged)).not.toContain('agent output')
    expect(JSON.stringify(logged)).not.toContain('payload')
  })
})
