import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsPlugin from 'ajv-formats'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { agentEventJsonSchema } from '../../src/events/json-schema.js'
import { agentEventSchema, EVENT_TYPES } from '../../src/events/schemas.js'
import { repoRoot } from '../support/repo-root.js'
import { eventLikeJson } from './support/event-arbitraries.js'

// ajv-formats is CommonJS: its default export is the plugin function under `default` in ESM.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default

/** A strict draft 2020-12 validator that also checks formats, as a careful consumer would. */
function compileSchema() {
  const ajv = new Ajv2020({ strict: true, allErrors: false })
  addFormats(ajv)
  return ajv.compile(agentEventJsonSchema())
}

const zodAccepts = (value: unknown): boolean => agentEventSchema.safeParse(value).success

describe('the JSON Schema of agent events', () => {
  const validate = compileSchema()

  it('gives the verdict zod gives on generated valid and invalid events of every type', () => {
    const verdicts = { accepted: 0, refused: 0 }
    const typesAccepted = new Set<string>()
    fc.assert(
      fc.property(eventLikeJson, (value) => {
        const accepted = zodAccepts(value)
        if (accepted) {
          verdicts.accepted += 1
          typesAccepted.add((value as { type: string }).type)
        } else verdicts.refused += 1
        expect(validate(value), JSON.stringify(value)).toBe(accepted)
      }),
      { numRuns: 4000 },
    )
    // Both verdicts, on every type: a generator that produced only one could not find a difference.
    expect(verdicts.accepted).toBeGreaterThan(1000)
    expect(verdicts.refused).toBeGreaterThan(1000)
    expect([...typesAccepted].sort()).toEqual([...EVENT_TYPES].sort())
  })

  it('describes the JSON form of the timestamp: an ISO string with a zone, never a Date', () => {
    const base = { type: 'department-start', executionId: 'exec-1', department: 'story' }
    expect(validate({ ...base, timestamp: '2026-02-28T23:59:59.123+05:30' })).toBe(true)
    expect(validate({ ...base, timestamp: '2026-02-29T00:00:00Z' })).toBe(false)
    expect(validate({ ...base, timestamp: '2026-01-01T00:00:00' })).toBe(false)
    expect(validate({ ...base, timestamp: {} })).toBe(false)
    // zod takes a Date in process; on the wire it is the string the Date serializes to.
    const date = new Date(Date.UTC(2026, 0, 2))
    expect(zodAccepts({ ...base, timestamp: date })).toBe(true)
    expect(validate(JSON.parse(JSON.stringify({ ...base, timestamp: date })))).toBe(true)
  })

  it('has one named definition per event type, and the new optional fields', () => {
    const schema = agentEventJsonSchema() as {
      $defs: Record<string, { properties: Record<string, unknown>; required: string[] }>
    }
    expect(Object.keys(schema.$defs).sort()).toEqual([...EVENT_TYPES].sort())
    expect(Object.keys(schema.$defs['agent-complete']?.properties ?? {})).toEqual(
      expect.arrayContaining(['status', 'error', 'cost']),
    )
    expect(schema.$defs['agent-start']?.properties).toHaveProperty('parentAgentId')
    expect(schema.$defs['tool-result']?.properties).toHaveProperty('toolCallId')
    expect(schema.$defs['tool-call']?.required).toEqual(['type', 'executionId', 'agentId', 'toolName'])
  })

  it('counts the length of ids in code points, as zod does', () => {
    // 200 emoji are 200 code points and 400 UTF-16 units.
    const event = (executionId: string) => ({ type: 'department-start', executionId, department: 'story' })
    for (const [id, accepted] of [
      ['😀'.repeat(200), true],
      ['😀'.repeat(201), false],
    ] as const) {
      expect(validate(event(id))).toBe(accepted)
      expect(zodAccepts(event(id))).toBe(accepted)
    }
  })
})

describe('the schema file shipped in the package', () => {
  it('is written by the build step to the path the `agent-events/schema.json` export names', async () => {
    const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>
      scripts: Record<string, string>
      files: string[]
    }
    const exported = manifest.exports['./schema.json']
    expect(exported).toBe('./dist/schema/agent-event.schema.json')
    expect(manifest.scripts.build).toContain('scripts/write-json-schema.ts')
    expect(manifest.files).toContain('dist/schema')

    const directory = await mkdtemp(join(tmpdir(), 'schema-'))
    try {
      const target = join(directory, 'agent-event.schema.json')
      await promisify(execFile)('npx', ['tsx', 'scripts/write-json-schema.ts', target], { cwd: repoRoot })
      expect(JSON.parse(await readFile(target, 'utf8'))).toEqual(agentEventJsonSchema())
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})
