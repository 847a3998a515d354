import type { Recommendation, RecommendationOption, Report } from '../core/report.js'
import { currentType, groupIssues, isoDay, savingsOf, scalingRows, SCALING_HEADER, table, topType, usd } from './format.js'

export interface RenderOptions {
  /** Rows per table in the terminal summary. */
  top?: number
  /** Colour with ANSI escapes (the CLI turns it on for a TTY without NO_COLOR). */
  color?: boolean
}

/** Analyzers with a section of their own in the summary; any other analyzer's recommendations go to one generic table. */
const SECTIONED = new Set(['ec2.rightsize', 'ta.ec2-utilization', 'host.ec2-sizing', 'k8s.rightsize', 'ebs.rightsize', 'lambda.memory', 'rds.rightsize', 'dynamodb.capacity', 'elasticache.rightsize', 'ta.idle', 'cache.opportunity'])

const FINDINGS = ['Underprovisioned', 'Overprovisioned', 'Sized', 'Optimized', 'InsufficientData', 'Flagged']
const RISKS = ['VeryLow', 'Low', 'Medium', 'High']

/** The terminal summary: fleet cost now vs recommended, counts, and the top recommendations. */
export function renderTerminal(report: Report, opts: RenderOptions = {}): string {
  const top = opts.top ?? 10
  const c = colours(opts.color ?? false)
  if (report.recommendations.length === 0 && report.simulations.length > 0) return renderSimulations(report, c)
  const s = report.summary
  const o = report.meta.options
  const lines: string[] = []
  const hosts = report.recommendations.filter((r) => r.analyzer === 'host.ec2-sizing')
  const pods = report.recommendations.filter((r) => r.analyzer === 'k8s.rightsize')
  const ec2 = report.recommendations.filter((r) => r.analyzer === 'ec2.rightsize')
  const kinds = [ec2.length && `${s.analyzed} of ${ec2.length} EC2 instances`, hosts.length && `${hosts.length} host${hosts.length === 1 ? '' : 's'}`, pods.length && `${pods.length} container workload${pods.length === 1 ? '' : 's'}`].filter(Boolean)
  lines.push(c.bold(`headroom ${report.meta.version}: ${ec2.length ? `EC2 right-sizing of ${s.analyzed} of ${s.resources} resources` : `${s.resources} resource${s.resources === 1 ? '' : 's'}`}${hosts.length || pods.length ? ` (${kinds.join(', ')})` : ''}`))
  const e = o.analyzers['ec2.rightsize'] ?? {}
  lines.push(c.dim(`EC2 sizing: ${String(e.percentile)} of 5-minute maxima + ${String(e.cpuHeadroomPct)}% CPU headroom, memory peak + ${String(e.memoryHeadroomPct)}%, ${String(o.lookbackDays)}-day window, on-demand Linux prices (every analyzer's settings: headroom config)`))
  if (ec2.length) {
    lines.push('')
    lines.push(table([
      ['Monthly cost now', usd(s.currentMonthlyCost)],
      ['Savings (one action per resource)', c.green(usd(s.monthlySavings))],
      ['Upsizing the under-provisioned', s.upsizingMonthlyCost > 0 ? c.yellow(`+${usd(s.upsizingMonthlyCost)}`) : usd(0)],
      ['Monthly cost recommended', usd(s.recommendedMonthlyCost)],
    ], ['l', 'r']))
    if (s.unpricedResources > 0) lines.push(c.yellow(`${s.unpricedResources} resource(s) have no price in the catalog and are left out of the totals.`))
  }
  lines.push('')
  lines.push(`Findings: ${FINDINGS.filter((f) => s.byFinding[f]).map((f) => `${f} ${s.byFinding[f]}`).join(', ') || 'none'}`)
  lines.push(`Risk of the recommended option: ${RISKS.filter((r) => s.byRisk[r]).map((r) => `${r} ${s.byRisk[r]}`).join(', ') || 'none'}`)

  const rightsizing = report.recommendations.filter((r) => r.analyzer === 'ec2.rightsize')
  const savings = rightsizing.filter((r) => (r.estimatedMonthlySavings ?? 0) > 0).slice(0, top)
  if (savings.length > 0) {
    lines.push('', c.bold(`Biggest savings (${savings.length} of ${rightsizing.filter((r) => (r.estimatedMonthlySavings ?? 0) > 0).length})`))
    lines.push(table([
      ['RESOURCE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'BINDS', 'SAVES/MO'],
      ...savings.map((r) => [r.resource.id, r.finding, currentType(r), topType(r), r.options[0]?.performanceRisk ?? '', r.options[0]?.bindingDimension ?? '', usd(savingsOf(r))]),
    ], ['l', 'l', 'l', 'l', 'l', 'l', 'r']))
  }
  const under = rightsizing.filter((r) => r.finding === 'Underprovisioned')
  if (under.length > 0) {
    lines.push('', c.bold(`At risk: under-provisioned (${Math.min(top, under.length)} of ${under.length})`))
    lines.push(table([
      ['RESOURCE', 'NOW', 'REASONS', 'RECOMMENDED', 'SAVES/MO'],
      ...under.slice(0, top).map((r) => [r.resource.id, currentType(r), r.reasons.join(','), topType(r) || '(none fits)', usd(savingsOf(r))]),
    ], ['l', 'l', 'l', 'l', 'r']))
  }
  if (hosts.length > 0) {
    lines.push('', c.bold(`Host -> EC2 sizing (${Math.min(top, hosts.length)} of ${hosts.length})`))
    lines.push(table([
      ['HOST', 'CORES', 'MEM GiB', 'EC2 TYPE', '$/MONTH', 'RISK', 'BINDS'],
      ...hosts.slice(0, top).map((r) => [r.resource.id, String(r.current.vcpus ?? ''), r.current.memoryGiB === null || r.current.memoryGiB === undefined ? 'n/a' : String(r.current.memoryGiB), topType(r) || r.finding, usd(r.options[0]?.monthlyCost), r.options[0]?.performanceRisk ?? '', r.options[0]?.bindingDimension ?? '']),
    ], ['l', 'r', 'r', 'l', 'r', 'l', 'l']))
  }
  if (pods.length > 0) {
    const cell = (r: (typeof pods)[number], k: string) => String(r.options[0]?.change[k] ?? '')
    lines.push('', c.bold(`Container requests and limits (${Math.min(top, pods.length)} of ${pods.length})`))
    lines.push(table([
      ['WORKLOAD/CONTAINER', 'FINDING', 'CPU REQ NOW', 'CPU REQ', 'MEM REQ NOW', 'MEM REQ/LIMIT'],
      ...pods.slice(0, top).map((r) => [r.resource.id, r.finding + (r.reasons.length ? ` (${r.reasons.join(',')})` : ''), r.current.cpuRequestCores === null || r.current.cpuRequestCores === undefined ? 'unset' : `${Math.round(Number(r.current.cpuRequestCores) * 1000)}m`, cell(r, 'cpuRequest'), r.current.memRequestBytes === null || r.current.memRequestBytes === undefined ? 'unset' : `${Math.ceil(Number(r.current.memRequestBytes) / 2 ** 20)}Mi`, cell(r, 'memoryRequest')]),
    ], ['l', 'l', 'r', 'r', 'r', 'r']))
  }
  const volumeOption = (o: RecommendationOption) => `${String(o.change.volumeType)}${o.change.iops !== undefined ? ` ${String(o.change.iops)} IOPS` : ''}${o.change.throughputMiBps !== undefined ? ` ${String(o.change.throughputMiBps)} MiB/s` : ''}`
  lines.push(...pricedSection(report.recommendations.filter((r) => r.analyzer === 'ebs.rightsize'), {
    title: 'EBS volumes', column: 'VOLUME', savePrefix: '', top, bold: c.bold,
    now: (r) => `${String(r.current.volumeType)} ${String(r.current.sizeGiB)} GiB`, option: volumeOption,
  }))
  lines.push(...pricedSection(report.recommendations.filter((r) => r.analyzer === 'lambda.memory'), {
    title: 'Lambda functions', column: 'FUNCTION', savePrefix: 'up to ', top, bold: c.bold,
    now: (r) => `${String(r.current.memorySizeMB)} MB ${String(r.current.architecture)}`, option: (o) => `${String(o.change.memorySizeMB)} MB ${String(o.change.architecture)}`,
  }))
  const dbs = report.recommendations.filter((r) => r.analyzer === 'rds.rightsize')
  if (dbs.length > 0) {
    lines.push('', c.bold(`RDS instances (${Math.min(top, dbs.length)} of ${dbs.length}; the catalog has almost no RDS prices, so classes are ranked smallest first)`))
    lines.push(table([
      ['DB INSTANCE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'REASONS'],
      ...dbs.slice(0, top).map((r) => [r.resource.id, r.finding, String(r.current.instanceClass ?? ''), String(r.options[0]?.change.instanceClass ?? ''), r.options[0]?.performanceRisk ?? '', r.reasons.join(',')]),
    ], ['l', 'l', 'l', 'l', 'l', 'l']))
  }
  const modeName = (m: string | number | null | undefined) => (m === 'PAY_PER_REQUEST' ? 'on-demand' : m === 'PROVISIONED' ? 'provisioned' : String(m ?? '?'))
  lines.push(...pricedSection(report.recommendations.filter((r) => r.analyzer === 'dynamodb.capacity'), {
    title: 'DynamoDB tables', column: 'TABLE', savePrefix: '', top, bold: c.bold,
    now: (r) => modeName(r.current.billingMode),
    option: (o) => (o.change.billingMode === 'PAY_PER_REQUEST' ? 'on-demand' : o.change.autoScaling ? `auto scaling ${String(o.change.targetPct)}%: RCU ${String(o.change.readCapacityRange)}, WCU ${String(o.change.writeCapacityRange)}` : `fixed ${String(o.change.readCapacity)} RCU, ${String(o.change.writeCapacity)} WCU`),
  }))
  const caches = report.recommendations.filter((r) => r.analyzer === 'elasticache.rightsize' && r.finding !== 'InsufficientData')
  if (caches.length > 0) {
    lines.push('', c.bold(`ElastiCache nodes (${Math.min(top, caches.length)} of ${caches.length}; prices are known for 2 node types, so sizes are ranked smallest first)`))
    lines.push(table([
      ['NODE', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'BINDS', 'REASONS'],
      ...caches.slice(0, top).map((r) => [r.resource.id, r.finding, String(r.current.nodeType ?? ''), String(r.options[0]?.change.nodeType ?? ''), r.options[0]?.performanceRisk ?? '', r.options[0]?.bindingDimension ?? '', r.reasons.join(',')]),
    ], ['l', 'l', 'l', 'l', 'l', 'l', 'l']))
  }
  // Analyzers without a section of their own above (a newly registered one, say) still show: one generic table.
  const other = report.recommendations.filter((r) => !SECTIONED.has(r.analyzer) && r.finding !== 'Flagged')
  if (other.length > 0) {
    lines.push('', c.bold(`Other analyzers (${Math.min(top, other.length)} of ${other.length})`))
    lines.push(table([
      ['RESOURCE', 'ANALYZER', 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'SAVES/MO'],
      ...other.slice(0, top).map((r) => [r.resource.id, r.analyzer, r.finding, currentType(r), topType(r), r.options[0]?.performanceRisk ?? '', usd(savingsOf(r))]),
    ], ['l', 'l', 'l', 'l', 'l', 'l', 'r']))
  }
  const own = new Set(['dynamodb.capacity', 'elasticache.rightsize'])
  const flags = report.recommendations.filter((r) => r.finding === 'Flagged' && !own.has(r.analyzer))
  if (flags.length > 0) {
    lines.push('', c.bold(`Checks: Trusted Advisor, idle resources, caching (${flags.length})`))
    for (const f of flags.slice(0, top)) lines.push(`  ${f.resource.id}: ${f.summary}`)
  }
  const co = report.comparisons?.computeOptimizer
  if (co && co.compared > 0) {
    const differ = co.rows.filter((r) => !r.findingAgrees || r.optionAgrees === false)
    lines.push('', c.bold(`Compute Optimizer side by side (${co.compared} resources): the finding agrees on ${co.findingAgrees}; the top option agrees on ${co.optionAgrees} of ${co.optionCompared} where both suggest a change`))
    if (differ.length)
      lines.push(table([
        ['RESOURCE', 'HEADROOM', 'COMPUTE OPTIMIZER'],
        ...differ.slice(0, top).map((r) => [r.resourceId, `${r.headroomFinding}${r.headroomOption ? ` -> ${r.headroomOption}` : ''}`, `${r.coFinding}${r.coOption ? ` -> ${r.coOption}` : ''}`]),
      ], ['l', 'l', 'l']))
  }
  const insufficient = [...rightsizing, ...hosts, ...pods, ...report.recommendations.filter((r) => own.has(r.analyzer))].filter((r) => r.finding === 'InsufficientData')
  if (insufficient.length > 0) {
    lines.push('', c.bold(`Insufficient data (${insufficient.length})`))
    for (const r of insufficient.slice(0, top)) lines.push(`  ${r.resource.id}: ${r.summary}`)
  }
  const blind = [...rightsizing, ...hosts].filter((r) => r.memoryBlind && r.finding !== 'InsufficientData').length
  if (blind > 0) lines.push('', c.yellow(`${blind} recommendation(s) are memory-blind (no mem_used_percent): options keep at least the current memory; memory risk is unknown.`))
  const groups = groupIssues(report.issues)
  if (groups.length > 0) {
    lines.push('', c.bold('Notes'))
    for (const g of groups) lines.push(`  ${g.count > 1 ? `${g.count} x ` : ''}${g.code}: ${g.count > 1 ? `e.g. ${g.example}` : g.example}`)
  }
  if (report.simulations.length > 0) lines.push('', renderSimulations(report, c).trimEnd())
  return lines.join('\n') + '\n'
}

/**
 * A priced resource kind (EBS volumes, Lambda functions): monthly cost now and savings over all of them, then the
 * ones with something to change.
 */
function pricedSection(recs: readonly Recommendation[], o: {
  title: string; column: string; savePrefix: string; top: number; bold: (s: string) => string
  now: (r: Recommendation) => string; option: (o: RecommendationOption) => string
}): string[] {
  if (recs.length === 0) return []
  const now = recs.reduce((a, r) => a + (typeof r.current.monthlyCost === 'number' ? r.current.monthlyCost : 0), 0)
  const save = recs.reduce((a, r) => a + (r.estimatedMonthlySavings ?? 0), 0)
  const shown = recs.filter((r) => r.finding !== 'Optimized' && r.finding !== 'InsufficientData').slice(0, o.top)
  const lines = ['', o.bold(`${o.title}: ${recs.length}, ${usd(now)}/month now, ${o.savePrefix}${usd(save)}/month to save (us-east-1 prices)`)]
  if (shown.length)
    lines.push(table([
      [o.column, 'FINDING', 'NOW', 'RECOMMENDED', 'RISK', 'SAVES/MO'],
      ...shown.map((r) => {
        const top = r.options[0]
        return [r.resource.id, r.finding, o.now(r), top ? o.option(top) : '', top?.performanceRisk ?? '', usd(savingsOf(r))]
      }),
    ], ['l', 'l', 'l', 'l', 'l', 'r']))
  return lines
}

function renderSimulations(report: Report, c: ReturnType<typeof colours>): string {
  const lines: string[] = []
  for (const sim of report.simulations) {
    lines.push(c.bold(`Scaling what-if: group ${sim.group} (${sim.instanceTypes.join(', ')}, launch delay ${sim.launchDelaySec} s, utilization limit ${sim.utilizationLimitPct}%)`))
    lines.push(c.dim(`${isoDay(sim.window.start)} to ${isoDay(sim.window.end)}; load: ${sim.demandSource}`))
    lines.push('', table([SCALING_HEADER, ...scalingRows(sim)], ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']))
    if (sim.search) lines.push(c.dim(`* cheapest with zero breach minutes, + on the cost / breach-minutes Pareto front (${sim.search.evaluated} candidates evaluated)`))
    lines.push('', sim.summary)
    for (const e of sim.evidence.filter((x) => x.stat.startsWith('minutes without') || x.stat.startsWith('samples at') || x.note?.startsWith('no averages'))) lines.push(c.yellow(`note: ${e.value} ${e.stat}${e.note ? `: ${e.note}` : ''}`))
    lines.push('')
  }
  return lines.join('\n')
}

function colours(on: boolean) {
  const wrap = (code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s)
  return { bold: wrap('1'), dim: wrap('2'), green: wrap('32'), yellow: wrap('33') }
}
