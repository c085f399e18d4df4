import type {
  QualityPart,
  RunEndPart,
  RunRollupDocument,
  RunStartPart,
  TokenTotals,
} from './run-rollup-models.js'

/**
 * Rebuilds the runs of one execution from its rollup pieces, whichever batches wrote them. Pieces are
 * deduplicated by seq; per agent (or department) the starts and ends are walked in seq order and an
 * end closes the run of the start right before it (an end after an end, or with no start, is a run
 * whose start is unknown). So the runs are a function of the set of stored events alone.
 */

/** An ended agent run (agent-start … agent-complete). */
export interface AgentRun {
  readonly executionId: string
  readonly projectId?: string
  readonly agentId: string
  readonly agentName?: string
  readonly department?: string
  readonly completedAt: Date
  /** The seq of the agent-complete. */
  readonly endSeq: number
  /** `executionTime` of the agent-complete, else the time from its agent-start; unknown without either. */
  readonly durationMs?: number
  readonly failed: boolean
  readonly tokens?: TokenTotals
  /** `qualityScore` of the agent-complete. */
  readonly score?: number
}

/** An ended department run (department-start … department-complete). */
export interface DepartmentRun {
  readonly executionId: string
  readonly projectId?: string
  readonly department: string
  readonly completedAt: Date
  /** From department-start to department-complete; unknown without the start. */
  readonly durationMs?: number
  /** The department-complete says `status: 'failed'`, or an agent run of the department failed within it. */
  readonly failed: boolean
}

/** A quality check, with the department of its agent when it names only the agent. */
export interface QualityCheck {
  readonly executionId: string
  readonly projectId?: string
  readonly at: Date
  readonly score: number
  readonly passed?: boolean
  readonly agentId?: string
  readonly department?: string
}

export interface AssembledExecution {
  readonly agentRuns: AgentRun[]
  readonly departmentRuns: DepartmentRun[]
  readonly qualityChecks: QualityCheck[]
  /**
   * Some answer depends on pieces that are not among the given ones: an end whose start is not there
   * (needed for a duration or a department), or a quality check whose agent's department is unknown.
   */
  readonly incomplete: boolean
}

interface Piece<P> {
  readonly part: P
  readonly document: RunRollupDocument
}

interface Lifecycle {
  readonly starts: Map<number, Piece<RunStartPart>>
  readonly ends: Map<number, Piece<RunEndPart>>
}

interface WalkedRun {
  readonly start?: Piece<RunStartPart>
  readonly end: Piece<RunEndPart>
  /** The seq of the piece of this agent or department right before the end (0 when none). */
  readonly afterSeq: number
}

/**
 * The runs and quality checks of one execution's rollup documents.
 * @example const { agentRuns, incomplete } = assembleExecution(documentsOfOneExecution)
 */
export function assembleExecution(documents: readonly RunRollupDocument[]): AssembledExecution {
  const agents = new Map<string, Lifecycle>()
  const departments = new Map<string, Lifecycle>()
  const quality = new Map<number, Piece<QualityPart>>()
  for (const document of documents) {
    if (document.kind === 'quality' && document.quality) {
      quality.set(document.quality.seq, { part: document.quality, document })
      continue
    }
    if (document.key === undefined) continue
    const lifecycles = document.kind === 'agent' ? agents : departments
    const lifecycle = lifecycles.get(document.key) ?? { starts: new Map(), ends: new Map() }
    lifecycles.set(document.key, lifecycle)
    if (document.start) lifecycle.starts.set(document.start.seq, { part: document.start, document })
    if (document.end) lifecycle.ends.set(document.end.seq, { part: document.end, document })
  }
  let incomplete = false
  const agentRuns: AgentRun[] = []
  for (const [agentId, lifecycle] of agents) {
    for (const { start, end } of walk(lifecycle)) {
      const run = agentRunOf(agentId, start, end)
      if (!start && (run.durationMs === undefined || run.department === undefined)) incomplete = true
      agentRuns.push(run)
    }
  }
  const departmentRuns: DepartmentRun[] = []
  for (const [department, lifecycle] of departments) {
    for (const walked of walk(lifecycle)) {
      if (!walked.start) incomplete = true
      departmentRuns.push(departmentRunOf(department, walked, agentRuns))
    }
  }
  const qualityChecks = [...quality.values()].map(({ part, document }) => {
    if (part.department !== undefined || part.agentId === undefined)
      return qualityCheckOf(part, document, part.department)
    const agentPiece = agentPieceOf(agents, part.agentId, part.seq)
    // Only a piece before the check is sure to be the nearest: others may be outside the given ones.
    if (!agentPiece?.before) incomplete = true
    return qualityCheckOf(part, document, agentPiece?.department)
  })
  return { agentRuns, departmentRuns, qualityChecks, incomplete }
}

function walk(lifecycle: Lifecycle): WalkedRun[] {
  const pieces = [
    ...[...lifecycle.starts.values()].map((piece) => ({ role: 'start' as const, piece })),
    ...[...lifecycle.ends.values()].map((piece) => ({ role: 'end' as const, piece })),
  ].sort((a, b) => a.piece.part.seq - b.piece.part.seq)
  const runs: WalkedRun[] = []
  let open: Piece<RunStartPart> | undefined
  let previousSeq = 0
  for (const { role, piece } of pieces) {
    if (role === 'start') open = piece
    else {
      runs.push({ ...(open ? { start: open } : {}), end: piece as Piece<RunEndPart>, afterSeq: previousSeq })
      open = undefined
    }
    previousSeq = piece.part.seq
  }
  return runs
}

function agentRunOf(
  agentId: string,
  start: Piece<RunStartPart> | undefined,
  { part: end, document }: Piece<RunEndPart>,
): AgentRun {
  const agentName = end.agentName ?? start?.part.agentName
  const department = end.department ?? start?.part.department
  const durationMs = end.executionTimeMs ?? (start ? elapsed(start.part.at, end.at) : undefined)
  return {
    executionId: document.executionId,
    ...(document.projectId === undefined ? {} : { projectId: document.projectId }),
    agentId,
    ...(agentName === undefined ? {} : { agentName }),
    ...(department === undefined ? {} : { department }),
    completedAt: end.at,
    endSeq: end.seq,
    ...(durationMs === undefined ? {} : { durationMs }),
    failed: end.failed,
    ...(end.tokens ? { tokens: end.tokens } : {}),
    ...(end.score === undefined ? {} : { score: end.score }),
  }
}

function departmentRunOf(
  department: string,
  walked: WalkedRun,
  agentRuns: readonly AgentRun[],
): DepartmentRun {
  const { start, end } = walked
  const from = start?.part.seq ?? walked.afterSeq
  const agentFailed = agentRuns.some(
    (run) => run.failed && run.department === department && run.endSeq > from && run.endSeq < end.part.seq,
  )
  return {
    executionId: end.document.executionId,
    ...(end.document.projectId === undefined ? {} : { projectId: end.document.projectId }),
    department,
    completedAt: end.part.at,
    ...(start ? { durationMs: elapsed(start.part.at, end.part.at) } : {}),
    failed: end.part.failed || agentFailed,
  }
}

/**
 * The department of the agent's nearest piece at or before `seq` that names one, else of the first
 * after it; `before` tells which.
 */
function agentPieceOf(
  agents: ReadonlyMap<string, Lifecycle>,
  agentId: string,
  seq: number,
): { department: string; before: boolean } | undefined {
  const lifecycle = agents.get(agentId)
  if (!lifecycle) return undefined
  const named = [...lifecycle.starts.values(), ...lifecycle.ends.values()]
    .map(({ part }) => part)
    .filter((part): part is RunStartPart & { department: string } => part.department !== undefined)
    .sort((a, b) => a.seq - b.seq)
  const before = named.filter((part) => part.seq <= seq).at(-1)
  if (before) return { department: before.department, before: true }
  const after = named.find((part) => part.seq > seq)
  return after && { department: after.department, before: false }
}

function qualityCheckOf(
  part: QualityPart,
  document: RunRollupDocument,
  department: string | undefined,
): QualityCheck {
  return {
    executionId: document.executionId,
    ...(document.projectId === undefined ? {} : { projectId: document.projectId }),
    at: part.at,
    score: part.score,
    ...(part.passed === undefined ? {} : { passed: part.passed }),
    ...(part.agentId === undefined ? {} : { agentId: part.agentId }),
    ...(department === undefined ? {} : { department }),
  }
}

function elapsed(from: Date, to: Date): number {
  return Math.max(0, to.getTime() - from.getTime())
}
