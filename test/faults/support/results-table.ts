import type { CaseAudit } from './fault-audit.js'

/** One row of the suite's table: a case and its counts, or the error that ended it early. */
export interface CaseRow {
  readonly name: string
  readonly seconds: number
  readonly audit?: CaseAudit
  readonly error?: string
  /** What the fault did, printed under the table. */
  readonly notes?: readonly string[]
}

const COLUMNS = [
  'case',
  'duration',
  'emitted',
  'acknowledged',
  'stored',
  'duplicates',
  'lost',
  'dead letters',
  'clients',
  'client gaps',
  'client duplicates',
  'resumes',
  'backfilled',
  'result',
] as const

/**
 * The rows of the fault-injection cases, printed as one markdown table at the end of the suite.
 *
 * @example
 * const table = new ResultsTable()
 * table.add({ name: 'worker SIGKILL', seconds: 21.4, audit })
 * console.log(table.markdown())
 */
export class ResultsTable {
  readonly #rows: CaseRow[] = []

  add(row: CaseRow): void {
    this.#rows.push(row)
  }

  markdown(): string {
    const lines = [COLUMNS, COLUMNS.map(() => '---'), ...this.#rows.map(cells)]
    const table = lines.map((line) => `| ${line.join(' | ')} |`).join('\n')
    const notes = this.#rows.flatMap((row) => (row.notes ?? []).map((note) => `- ${row.name}: ${note}`))
    return notes.length === 0 ? table : `${table}\n\n${notes.join('\n')}`
  }
}

function cells(row: CaseRow): string[] {
  const duration = `${row.seconds.toFixed(1)} s`
  const audit = row.audit
  if (audit === undefined)
    return [row.name, duration, ...COLUMNS.slice(2, -1).map(() => '–'), `error: ${row.error ?? ''}`]
  const result = audit.violations.length === 0 ? 'pass' : `FAIL (${audit.violations.length} violations)`
  return [
    row.name,
    duration,
    ...[
      audit.emitted,
      audit.acknowledged,
      audit.stored,
      audit.duplicates,
      audit.lost,
      audit.deadLetters,
      audit.clients,
      audit.clientGaps,
      audit.clientDuplicates,
      audit.resumes,
      audit.backfilled,
    ].map((count) => (count === undefined ? '?' : String(count))),
    result,
  ]
}
