import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { explicitServiceUrls, loadConfig } from '../src/config.js'
import { repoRoot } from '../test/support/repo-root.js'
import { startMongoServer, startRedisServer, type ServiceHandle } from '../test/support/services.js'

/**
 * `npm start`: the whole stack on this machine. Servers not named by REDIS_URL / MONGODB_URI are
 * started from PATH with their data under ./.data (kept across runs); then a web node, a worker
 * and the demo producer. The first line printed is the dashboard's address (`npm start` builds the
 * app first). Ctrl-C stops everything this started.
 */
/** The conversation of every execution of the demo producer (scripts/demo-producer.ts). */
const DEMO_CONVERSATION = 'demo-conversation'
const dataDir = join(repoRoot, '.data')
const logDir = join(dataDir, 'logs')
mkdirSync(logDir, { recursive: true })

const services: ServiceHandle[] = []
const children: ChildProcess[] = []

async function portOrFree(preferred: number): Promise<number> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolve(typeof address === 'object' && address ? address.port : port))
      })
    })
  return listen(preferred).catch(() => listen(0))
}

function run(name: string, entry: string, env: Record<string, string>, inheritOutput = false): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, entry)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    detached: true,
    stdio: inheritOutput ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  if (!inheritOutput) {
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })
    child.stdout?.pipe(log)
    child.stderr?.pipe(log)
  }
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${name} exited (${signal ?? code}); see .data/logs/${name}.log. Stopping.`)
    void stop(1)
  })
  children.push(child)
  return child
}

const waitForReady = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.on('message', (m: { type?: string }) => m.type === 'ready' && resolve()),
  )

let stopping = false
async function stop(exitCode: number): Promise<void> {
  if (stopping) return
  stopping = true
  console.log('\nstopping the local stack…')
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) =>
          child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM')),
        ),
    ),
  )
  await Promise.all(services.map((service) => service.stop()))
  process.exit(exitCode)
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0))

const explicit = explicitServiceUrls()
let redisUrl = explicit.redisUrl
if (!redisUrl) {
  const redis = await startRedisServer({
    appendOnly: true,
    placement: { port: await portOrFree(6379), dataDir: join(dataDir, 'redis') },
  })
  services.push(redis)
  redisUrl = redis.url
}
let mongodbUri = explicit.mongodbUri
if (!mongodbUri) {
  const mongo = await startMongoServer({ port: await portOrFree(27017), dataDir: join(dataDir, 'mongo') })
  services.push(mongo)
  mongodbUri = `${mongo.url}/agent_events`
}
// WS_PORT / PORT when set (0: any free port), else 3001; a taken port falls back to a free one.
const webPort = await portOrFree(loadConfig().web.port)
const env = { REDIS_URL: redisUrl, MONGODB_URI: mongodbUri, WS_PORT: String(webPort) }

const web = run('web', 'src/server/main.ts', env)
const worker = run('worker', 'workers/main.ts', env)
await Promise.all([waitForReady(web), waitForReady(worker)])
const dashboardUrl = `http://localhost:${webPort}/#/conversations/${DEMO_CONVERSATION}`
console.log(`dashboard  ${dashboardUrl}   (the demo, live)
agent-events local stack
  redis      ${redisUrl}
  mongodb    ${mongodbUri}
  web node   http://localhost:${webPort}   (Socket.IO, and plain WebSocket on the same port)
  runs:      http://localhost:${webPort}/#/runs?conversation=${DEMO_CONVERSATION}
             npx wscat -c ws://localhost:${webPort}
               then send {"type":"subscribe","conversationId":"${DEMO_CONVERSATION}"}
  history:   curl http://localhost:${webPort}/api/conversations/${DEMO_CONVERSATION}/executions
  metrics:   curl http://localhost:${webPort}/metrics
  logs       .data/logs/web.log, .data/logs/worker.log
Ctrl-C stops everything.`)
run('demo', 'scripts/demo-producer.ts', env, true)
