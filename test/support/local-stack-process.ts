import { inject, onTestFinished } from 'vitest'
import { startTsProcess, type NodeProcess } from './child-process.js'
import { databaseUrl, uniqueName } from './names.js'

/**
 * `npm start`'s stack (scripts/local-stack.ts) on the test's servers, SIGKILLed when the test ends.
 * It gets its own keys and queue (the demo's conversation id is the same in every stack) and any
 * free port (another test may run the local stack on 3001 at the same time).
 */
export function startIsolatedLocalStack(env: Record<string, string> = {}): NodeProcess {
  const stack = startTsProcess('scripts/local-stack.ts', {
    env: {
      REDIS_URL: inject('redisUrl'),
      MONGODB_URI: databaseUrl(inject('mongoUrl')),
      LOG_LEVEL: 'warn',
      REDIS_KEY_PREFIX: uniqueName('ae'),
      QUEUE_NAME: uniqueName('queue'),
      WS_PORT: '0',
      ...env,
    },
  })
  onTestFinished(async () => void (await stack.kill('SIGKILL')))
  return stack
}
