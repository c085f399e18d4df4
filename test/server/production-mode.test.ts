import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { startTsProcess } from '../support/child-process.js'
import { refusalOf } from '../support/web-node-clients.js'
import { processEnv } from '../support/durable-stack.js'
import { startWebProcess } from '../support/stack-processes.js'
import { stackNames } from '../support/web-node-stack.js'
import { SECRET } from '../auth/tokens.js'

const names = () => stackNames(inject('redisUrl'), inject('mongoUrl'))

describe('a web node in production mode', () => {
  it('refuses to start without authentication configured, saying what to set', async () => {
    const web = startTsProcess('src/server/main.ts', {
      env: { ...processEnv(names()), NODE_ENV: 'production', WS_PORT: '0', LOG_LEVEL: 'info' },
    })
    onTestFinished(async () => void (await web.kill('SIGKILL')))

    const { code } = await web.exited

    expect(code).toBe(1)
    expect(web.output()).toMatch(/No authentication is configured in production: set one of AUTH_JWT_SECRET/)
  })

  it('requires a token, and refuses browser pages unless ALLOWED_ORIGINS lists them', async () => {
    const web = await startWebProcess(names(), { NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET })

    expect(await refusalOf('raw', web.url, { origin: 'https://app.example.com' })).toEqual({
      code: 'origin_not_allowed',
      status: 403,
    })
    expect((await refusalOf('raw', web.url)).code).toBe('token_missing')
    expect((await refusalOf('socket.io', web.url)).code).toBe('token_missing')
  })

  it('runs open only when AUTH_DISABLED=true says so explicitly', async () => {
    const web = await startWebProcess(names(), { NODE_ENV: 'production', AUTH_DISABLED: 'true' })

    const ready = await fetch(`${web.url}/readyz`)

    expect(ready.status).toBe(200)
    expect(web.process.output()).toMatch(/Authentication is disabled \(AUTH_DISABLED=true\)/)
  })
})
