import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { HeadroomDocument } from '../app/document.js'
import { compareResults, type CompareLimits } from '../loadtest/render.js'
import type { LoadTestResult } from '../loadtest/result.js'
import { documentPayload, experimentPayload, lambdaPayload, loadTestPayload, type Payload, type PayloadOptions } from './payload.js'
import type { ExperimentResult, LambdaExperimentResult } from '../experiment/result.js'
import { experimentView, lambdaView } from '../experiment/render.js'

/**
 * One HTML file that works offline and asks nothing of the network: uPlot (1.6, ~50 KB minified; a canvas time-series
 * chart made for long series, where SVG libraries slow down past a few thousand points), the page's own script and
 * style, and the data are all inlined. The Content-Security-Policy allows exactly those inline scripts and styles by
 * hash and no connection at all, so a resource named `</script><img src=x onerror=...>` can neither run nor load
 * anything: the data sits in a JSON block with `<` escaped, and the script writes every string as text.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)

interface Assets {
  scripts: string[]
  style: string
  /** uPlot's MIT licence, which asks to travel with every copy: each page carries it in a comment. */
  licence: string
}

let assets: Assets | undefined
function load(): Assets {
  if (!assets) {
    const uplot = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')
    const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')
    assets = {
      scripts: [uplot, readFileSync(`${ROOT}assets/report.js`, 'utf8')],
      style: `${uplotCss}\n${readFileSync(`${ROOT}assets/report.css`, 'utf8')}`,
      licence: readFileSync(require.resolve('uplot/LICENSE'), 'utf8').replace(/--/g, '- -'),
    }
  }
  return assets
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** JSON that cannot end its <script> block or open a comment: every `<` (and the JS line separators) as an escape. */
export const inlineJson = (x: unknown): string =>
  JSON.stringify(x)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')

export interface PageOptions {
  /** `serve`: the page may fetch from its own origin (the API), nothing else. */
  api?: boolean
}

/** The page for a payload. */
export function htmlPage(payload: Payload, o: PageOptions = {}): string {
  const a = load()
  const csp = [
    "default-src 'none'",
    `script-src ${a.scripts.map(sha256).join(' ')}`,
    `style-src ${sha256(a.style)}`,
    'img-src data:',
    `connect-src ${o.api ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeText(payload.title)}</title>`,
    `<!-- Written by headroom. Charts by uPlot (https://github.com/leeoniya/uPlot), inlined below under its licence:\n${a.licence.trim()}\n-->`,
    `<style>${a.style}</style>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script type="application/json" id="headroom-data">${inlineJson(payload)}</script>`,
    ...a.scripts.map((s) => `<script>${s}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** A document as a self-contained HTML page (`--format html`). */
export async function renderHtml(doc: HeadroomDocument, o: PayloadOptions = {}): Promise<string> {
  return htmlPage(await documentPayload(doc, o))
}

/** `loadtest compare --format html`: both runs' latency distributions overlaid, the gate's p99 limit drawn, the table and checks. */
export function comparisonHtml(base: LoadTestResult, cur: LoadTestResult, limits: CompareLimits): string {
  const c = compareResults(base, cur, limits)
  const thresholds =
    limits.maxP99RegressionPct === undefined
      ? []
      : [
          {
            label: `gate: p99 <= ${+(base.latency.corrected.p99 * (1 + limits.maxP99RegressionPct / 100)).toFixed(3)} ms`,
            ms: base.latency.corrected.p99 * (1 + limits.maxP99RegressionPct / 100),
          },
        ]
  const title = `Load test comparison: ${c.checks.length ? (c.passed ? 'passed' : 'FAILED') : 'no gate set'}`
  return htmlPage({
    kind: 'comparison',
    title,
    view: {
      title,
      lead: [`BASE ${base.target}, ${new Date(base.startedAt).toISOString()}`, `NEW ${cur.target}, ${new Date(cur.startedAt).toISOString()}`],
      sections: [
        {
          blocks: [
            {
              type: 'table',
              head: ['METRIC', 'BASE', 'NEW', 'CHANGE'],
              rows: c.rows.map((r) => [r.metric, String(r.base), String(r.current), r.change]),
              align: ['l', 'r', 'r', 'r'],
            },
          ],
        },
        ...(c.checks.length
          ? [
              {
                title: 'Checks',
                blocks: [
                  {
                    type: 'list' as const,
                    items: c.checks.map((x) => [
                      { text: x.passed ? 'ok  ' : 'FAIL ', tone: x.passed ? ('good' as const) : ('warn' as const) },
                      { text: x.check },
                    ]),
                  },
                ],
              },
            ]
          : []),
      ],
    },
    loadtest: loadTestPayload(
      [
        { name: 'BASE', result: base },
        { name: 'NEW', result: cur },
      ],
      thresholds,
    ),
  })
}

/** `experiment -f html`: each arm's throughput and p99 round by round, or the capacity search's steps against the SLO. */
export function experimentHtml(r: ExperimentResult): string {
  const view = experimentView(r)
  return htmlPage({ kind: 'experiment', title: view.title, view, experiment: experimentPayload(r) })
}

/** `experiment --lambda -f html`: warm duration and cost by memory size per architecture, then the summary. */
export function lambdaExperimentHtml(r: LambdaExperimentResult): string {
  const view = lambdaView(r)
  return htmlPage({ kind: 'lambda-experiment', title: view.title, view, lambda: lambdaPayload(r) })
}
