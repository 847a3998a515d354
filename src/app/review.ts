import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Catalog } from '../catalog/catalog.js'
import { InputError, ToolError } from '../core/errors.js'
import type { Report, ScalingReport } from '../core/report.js'
import { VERSION } from '../core/version.js'
import type { LoadTestResult } from '../loadtest/result.js'
import { BEST_PRACTICE_IDS } from '../review/pillar.js'
import { AnswersSchema, buildReview, type Answers, type Review } from '../review/review.js'
import type { ReviewEvidence } from '../review/rules.js'
import type { CacheReport } from '../simulators/cache/result.js'
import type { WorkspaceReader } from '../store/types.js'
import { parseLocated, pathText } from '../config/yaml.js'
import { analyzeWorkspace } from './analyze.js'
import type { ResolvedConfig } from './config.js'
import { DocumentSchema } from './document.js'

/** The answers file: YAML (or JSON), checked against AnswersSchema; an unknown id or a wrong value exits 2 naming the key and its line. */
export function readAnswers(path: string): Answers {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new ToolError('USAGE', `cannot read ${path}: no such file`, {
      hint: 'Pass an answers file; `headroom review --answers-template` prints one to fill in.',
    })
  }
  const doc = parseLocated(text, path)
  const data = doc.data ?? {}
  const keys = data && typeof data === 'object' && 'answers' in data && data.answers && typeof data.answers === 'object' ? Object.keys(data.answers) : []
  const unknown = keys.find((k) => !BEST_PRACTICE_IDS.includes(k))
  if (unknown !== undefined)
    throw new InputError(
      { file: `${path}:${doc.keyLineOf(['answers', unknown]) ?? '?'}`, column: `answers.${unknown}` },
      `'${unknown}' is not a best practice of the Performance Efficiency pillar`,
      `Valid ids: ${BEST_PRACTICE_IDS.join(', ')}.`,
    )
  const r = AnswersSchema.safeParse(data)
  if (!r.success) {
    const issue = r.error.issues[0]!
    const p = issue.path.filter((x): x is string | number => typeof x !== 'symbol')
    throw new InputError(
      { file: `${path}:${doc.lineOf(p) ?? '?'}`, column: pathText(p) || '(top level)' },
      issue.message,
      'Write `workload: NAME` and `answers:` mapping best-practice ids to met, partly, not met or not applicable, or to {status, note}.',
    )
  }
  return r.data
}

type EvidenceDocs = Pick<ReviewEvidence, 'scaling' | 'loadtests' | 'caches'>

/** The headroom documents passed with --evidence: simulate scaling, loadtest and simulate cache results (JSON). */
function readEvidenceFiles(paths: readonly string[]): EvidenceDocs {
  const out: {
    scaling: { file: string; doc: ScalingReport }[]
    loadtests: { file: string; doc: LoadTestResult }[]
    caches: { file: string; doc: CacheReport }[]
  } = {
    scaling: [],
    loadtests: [],
    caches: [],
  }
  for (const file of paths) {
    let data: unknown
    try {
      data = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      throw new InputError(
        { file },
        missing ? 'no such file' : `not JSON (${(err as Error).message})`,
        'Pass JSON documents written by headroom with -f json -o FILE.',
      )
    }
    const r = DocumentSchema.safeParse(data)
    if (!r.success)
      throw new InputError(
        { file, column: r.error.issues[0]!.path.join('.') || 'kind' },
        `not a headroom document (${r.error.issues[0]!.message})`,
        'Pass the JSON of simulate scaling, loadtest or simulate cache (-f json -o FILE).',
      )
    const d = r.data
    if (d.kind === 'scaling') out.scaling.push({ file, doc: d })
    else if (d.kind === 'loadtest') out.loadtests.push({ file, doc: d })
    else if (d.kind === 'cache') out.caches.push({ file, doc: d })
    else
      throw new InputError(
        { file, column: 'kind' },
        `a${d.kind === 'analysis' ? 'n' : ''} ${d.kind} document is not evidence for a review`,
        'review analyzes the workspace itself; pass simulate scaling, loadtest or simulate cache results.',
      )
  }
  return out
}

export interface ReviewWorkspaceInput {
  reader: WorkspaceReader
  catalog: Catalog
  config: Pick<ResolvedConfig, 'analysis' | 'analyzers' | 'notes'>
  workspace: string
  workload?: string
  evidenceFiles?: readonly string[]
  answersFile?: string
  previous?: Review | null
  now: number
  version?: string
}

/** The workload a review is of: --workload, else the answers file's, else the folder the workspace is in. */
export function workloadName(workspace: string, workload: string | undefined, answers: Answers | undefined): string {
  return workload ?? answers?.workload ?? basename(workspace.replace(/\/\.headroom\/?$/, ''))
}

/** What the rules read: the workspace analyzed as `analyze` would, its resources and cache measurements, the documents. */
export async function gatherReviewEvidence(i: Omit<ReviewWorkspaceInput, 'workload' | 'answersFile' | 'previous' | 'version'>): Promise<ReviewEvidence> {
  const docs = readEvidenceFiles(i.evidenceFiles ?? [])
  const counts = await i.reader.counts()
  const analysis: Report | null =
    counts.samples > 0 ? await analyzeWorkspace({ reader: i.reader, catalog: i.catalog, config: i.config, now: i.now, workspace: i.workspace }) : null
  return {
    now: i.now,
    analysis,
    resources: (await i.reader.resources()).map((r) => ({ id: r.id, kind: r.kind })),
    cacheMeasurements: await i.reader.cacheMeasurements(),
    monitoring: await i.reader.monitoringApplies(),
    ...docs,
  }
}

/**
 * `headroom review` as a library call: the evidence gathered, the answers read, each practice judged by
 * src/review/rules.ts and compared with `previous`. Storing it (for the next trend) is the caller's choice.
 */
export async function reviewWorkspace(i: ReviewWorkspaceInput): Promise<Review> {
  const answers = i.answersFile === undefined ? undefined : readAnswers(i.answersFile)
  const evidence = await gatherReviewEvidence(i)
  return buildReview({
    evidence,
    answers: answers?.answers ?? {},
    workload: workloadName(i.workspace, i.workload, answers),
    workspace: i.workspace,
    evidenceFiles: i.evidenceFiles ?? [],
    answersFile: i.answersFile ?? null,
    previous: i.previous ?? null,
    version: i.version ?? VERSION,
  })
}
