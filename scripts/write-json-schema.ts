/**
 * Writes the JSON Schema of agent events (generated from the zod schemas) where the package export
 * `agent-events/schema.json` points: `npm run build` runs it. An argument names another target.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { agentEventJsonSchema } from '../src/events/json-schema.js'

const target = resolve(process.argv[2] ?? 'dist/schema/agent-event.schema.json')
mkdirSync(dirname(target), { recursive: true })
writeFileSync(target, `${JSON.stringify(agentEventJsonSchema(), null, 2)}\n`)
