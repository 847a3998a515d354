import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { csv, tmpProject } from '../utils/tmp.js'
import { BIN, runCli, type CliResult } from '../utils/run-cli.js'

const tmp = tmpProject('headroom-e2e-')
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('headroom demo, then analyze', () => {
  let demo: CliResult
  beforeAll(async () => {
    demo = await runCli(['demo'], { cwd: tmp.dir })
  })

  it('runs the whole loop on the bundled traces and leaves a workspace', () => {
    expect(demo.stderr).toMatch(/imported 1,659,170 samples \(0 already stored\) for 111 resources/)
    expect(demo.code).toBe(0)
    expect(demo.stdout).toMatch(/EC2 right-sizing of 108 of 108 instances/)
    // Every resource is accounted for: the Auto Scaling group is no analyzer's, and the demo simulates it below.
    expect(demo.stdout).toMatch(/^111 resources: 110 analyzed, 1 of a kind no analyzer takes/m)
    expect(demo.stdout).toMatch(/Monthly cost now\s+\$[\d,]+\.\d\d/)
    expect(demo.stdout).toMatch(/Biggest savings/)
    expect(demo.stdout).toMatch(/RDS instances \(2 of 2; the catalog has almost no RDS prices/)
    expect(demo.stdout).not.toMatch(/KIND_NOT_ANALYZED/)
    expect(demo.stdout).toMatch(/Scaling what-if: group nab-asg-misconfiguration \(m5\.large, launch delay 300 s/)
    expect(demo.stdout).toMatch(/^current +target tracking 70%; min 1, max 5 +\$[\d.]+/m)
    expect(demo.stdout).toMatch(/Cheapest of 132 candidates with zero breach minutes/)
    expect(demo.stdout).not.toMatch(/\u001b\[/) // no colour when not a TTY
    expect(demo.stderr).toMatch(/headroom analyze --format md/)
    expect(existsSync(join(tmp.dir, '.headroom', 'headroom.duckdb'))).toBe(true)
  })

  it('a reader that stops early (| head) ends the output quietly: no EPIPE crash, exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'analyze', '--format', 'md'], {
      cwd: tmp.dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    // Read the first chunk, then close the pipe as `head` does.
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((r) => child.on('close', r))
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  it('a second demo adds nothing', async () => {
    const again = await runCli(['demo', '--format', 'csv'], { cwd: tmp.dir })
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/imported 0 samples \(1,659,170 already stored\)/)
    expect(again.stdout.split('\n')[0]).toMatch(/^resource_id,kind,region,analyzer,check,finding/)
  })

  it('analyze --format json validates against the checked-in JSON Schema', async () => {
    const r = await runCli(['analyze', '--format', 'json'], { cwd: tmp.dir })
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as { schemaVersion: number; kind: string; recommendations: unknown[]; summary: { analyzed: number } }
    for (const file of ['schema/report.schema.json', 'schema/document.schema.json']) {
      const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as object)
      expect(validate(report), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true)
    }
    expect(report.schemaVersion).toBe(3)
    expect(report.kind).toBe('analysis')
    expect(report.summary.analyzed).toBe(108)
    expect(r.stderr).toBe('')
  })

  it('--out writes the file and --fail-on sets exit code 4', async () => {
    const r = await runCli(['analyze', '--format', 'md', '--out', 'report.md', '--fail-on', 'underprovisioned'], { cwd: tmp.dir })
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/--fail-on: \d+ recommendation\(s\) with finding Underprovisioned/)
    expect(readFileSync(join(tmp.dir, 'report.md'), 'utf8')).toMatch(/^# headroom report/)
    expect((await runCli(['analyze', '--fail-on', 'insufficientdata', '--format', 'csv'], { cwd: tmp.dir })).code).toBe(0)
    const bad = await runCli(['analyze', '--fail-on', 'sometimes'], { cwd: tmp.dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--fail-on 'sometimes' is neither a finding nor a risk level/)
  })

  it('options change the sizing: p90 with 0% headroom saves more than max with 30%', async () => {
    const lo = JSON.parse((await runCli(['analyze', '--format', 'json', '--percentile', 'max', '--headroom', '30'], { cwd: tmp.dir })).stdout) as {
      summary: { monthlySavings: number }
    }
    const hi = JSON.parse((await runCli(['analyze', '--format', 'json', '--percentile', 'p90', '--headroom', '0'], { cwd: tmp.dir })).stdout) as {
      summary: { monthlySavings: number }
    }
    expect(hi.summary.monthlySavings).toBeGreaterThan(lo.summary.monthlySavings)
  })
})

describe('configuration: flags and headroom.config.yaml reach every analyzer (on the demo workspace)', () => {
  type Rep = {
    meta: { options: { lookbackDays: number; analyzers: Record<string, Record<string, unknown>> } }
    issues: { code: string; message: string }[]
    recommendations: { analyzer: string; resource: { id: string }; evidence: { stat: string }[] }[]
  }
  const json = async (args: string[], cwd = tmp.dir) => {
    const r = await runCli(['analyze', '--format', 'json', ...args], { cwd })
    expect(r.code, r.stderr).toBe(0)
    return JSON.parse(r.stdout) as Rep
  }
  const cpuStat = (rep: Rep, analyzer: string) =>
    rep.recommendations
      .filter((r) => r.analyzer === analyzer)
      .flatMap((r) => r.evidence.map((e) => e.stat))
      .filter((st) => /of 5-minute/.test(st))

  it('--percentile and --headroom reach RDS as well as EC2, and meta.options says what each analyzer used', async () => {
    // Issue 11: RDS kept "p99.5 of 5-minute averages" while the report claimed max for the whole report.
    const rep = await json(['--percentile', 'max', '--headroom', '50'])
    for (const id of ['ec2.rightsize', 'rds.rightsize']) {
      expect(rep.meta.options.analyzers[id]).toMatchObject({ percentile: 'max', cpuHeadroomPct: 50 })
      const stats = cpuStat(rep, id)
      expect(stats.length, id).toBeGreaterThan(0)
      for (const st of stats) expect(st, id).toMatch(/^max of 5-minute/)
    }
    expect(rep.meta.options.analyzers['ebs.rightsize']).toMatchObject({ percentile: 'max', headroomPct: 50 })
    // k8s requests take p90/p95/p99 only: it keeps its own, and the report says so.
    expect(rep.meta.options.analyzers['k8s.rightsize']!.cpuPercentile).toBe('p95')
    expect(rep.issues.find((i) => i.code === 'OPTION_NOT_APPLIED')?.message).toMatch(
      /k8s\.rightsize\.cpuPercentile keeps "p95": it does not accept percentile "max" \(from --percentile\)/,
    )
    // Every recommendation names a registry analyzer (sub-checks go in `check`).
    for (const r of rep.recommendations) expect(rep.meta.options.analyzers, r.analyzer).toHaveProperty([r.analyzer])
  })

  it('a config file found from the working directory up sets any analyzer option; flags win; `headroom config` says where each value came from', async () => {
    const sub = join(tmp.dir, 'team', 'svc')
    mkdirSync(sub, { recursive: true })
    tmp.file(
      'team/headroom.config.yaml',
      [
        '# one file for the team',
        'workspace: ../.headroom',
        'analysis:',
        '  lookbackDays: 7',
        'sizing:',
        '  percentile: p99',
        'analyzers:',
        '  rds.rightsize:',
        '    percentile: p95',
        '    cpuHeadroomPct: 40',
        '  ec2.rightsize:',
        '    maxOptions: 1',
        '',
      ].join('\n'),
    )
    const fromFile = await json([], sub)
    expect(fromFile.meta.options.lookbackDays).toBe(7)
    expect(fromFile.meta.options.analyzers['ec2.rightsize']).toMatchObject({ percentile: 'p99', maxOptions: 1 })
    expect(fromFile.meta.options.analyzers['rds.rightsize']).toMatchObject({ percentile: 'p95', cpuHeadroomPct: 40 })
    for (const st of cpuStat(fromFile, 'rds.rightsize')) expect(st).toMatch(/^p95 of 5-minute/)
    expect(
      fromFile.recommendations.filter((r) => r.analyzer === 'ec2.rightsize').every((r) => (r as unknown as { options: unknown[] }).options.length <= 1),
    ).toBe(true)
    const flagged = await json(['--percentile', 'max'], sub)
    expect(flagged.meta.options.analyzers['rds.rightsize']).toMatchObject({ percentile: 'max', cpuHeadroomPct: 40 })
    const shown = await runCli(['config'], { cwd: sub })
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/config file: .*team\/headroom\.config\.yaml/)
    expect(shown.stdout).toMatch(/^analyzers\.rds\.rightsize\.percentile +p95 +\.\.\/headroom\.config\.yaml$/m)
    expect(shown.stdout).toMatch(/^analyzers\.lambda\.memory\.minInvocations +50 +default$/m)
    expect(shown.stdout).toMatch(/^workspace +\S+\.headroom +\.\.\/headroom\.config\.yaml$/m)
    const viaFlag = JSON.parse((await runCli(['config', '--format', 'json', '--workspace', 'elsewhere'], { cwd: sub })).stdout) as {
      sources: Record<string, string>
    }
    expect(viaFlag.sources.workspace).toBe('--workspace')
    // Bad config: exit 2, file:line, key path, allowed values; nothing runs.
    tmp.file('team/svc/headroom.config.yaml', 'analyzers:\n  rds.rightsize:\n    percentile: p42\n')
    const bad = await runCli(['analyze'], { cwd: sub })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/headroom\.config\.yaml:3: analyzers\.rds\.rightsize\.percentile: Invalid option/)
    expect(bad.stderr).toMatch(/Allowed values: p90, p95, p99, p99\.5, max/)
    tmp.file('team/svc/headroom.config.yaml', 'sizng:\n  percentile: max\n')
    const typo = await runCli(['config'], { cwd: sub })
    expect([typo.code, /headroom\.config\.yaml:1: sizng: unknown key 'sizng'/.test(typo.stderr), /Did you mean 'sizing'\?/.test(typo.stderr)]).toEqual([
      2,
      true,
      true,
    ])
    const ignored = await runCli(['config', '--no-config'], { cwd: sub })
    expect([ignored.code, /config file: none/.test(ignored.stdout)]).toEqual([0, true])
  })
})

describe('implausible and stray samples (issue 20, on a demo workspace of its own)', () => {
  type Rep = {
    recommendations: { analyzer: string; resource: { id: string }; finding: string; window: { end: number }; evidence: { stat: string; samples: number }[] }[]
    issues: { code: string; resourceId?: string; message: string }[]
  }
  it('a row from year 9999 is refused with nothing written; a stray row a month after the data is left out of the window and reported', async () => {
    const demo = await runCli(['demo', '--workspace', 'ws-stray', '--format', 'json'], { cwd: tmp.dir })
    expect(demo.code, demo.stderr).toBe(0)
    const before = JSON.parse((await runCli(['analyze', '-w', 'ws-stray', '--format', 'json'], { cwd: tmp.dir })).stdout) as Rep
    const vm = (r: Rep) => r.recommendations.find((x) => x.analyzer === 'ec2.rightsize' && x.resource.id === 'azure-vm-1023683')!
    const status = async () => (await runCli(['status', '-w', 'ws-stray'], { cwd: tmp.dir })).stdout
    const stored = await status()
    tmp.file('future.csv', csv('resource_id,metric,timestamp,value,stat,period', ['azure-vm-1023683,cpu.utilization,9999-01-01T00:00:00Z,5,avg,300']))
    const future = await runCli(['collect', 'file', 'future.csv', '-w', 'ws-stray'], { cwd: tmp.dir })
    expect(future.code).toBe(2)
    expect(future.stderr).toMatch(/future\.csv, row 1, column 'timestamp': timestamp '9999-01-01T00:00:00Z' is in the future/)
    expect(future.stderr).toMatch(/nothing was written/)
    expect(await status()).toBe(stored)
    // A row 30 days after the VM's data (still in the past): imported, left out of the window, reported.
    const end = vm(before).window.end
    tmp.file(
      'stray.csv',
      csv('resource_id,metric,timestamp,value,stat,period', [`azure-vm-1023683,cpu.utilization,${new Date(end + 30 * 86_400_000).toISOString()},5,avg,300`]),
    )
    const stray = await runCli(['collect', 'file', 'stray.csv', '-w', 'ws-stray'], { cwd: tmp.dir })
    expect(stray.code, stray.stderr).toBe(0)
    const after = JSON.parse((await runCli(['analyze', '-w', 'ws-stray', '--format', 'json'], { cwd: tmp.dir })).stdout) as Rep
    expect([vm(after).finding, vm(after).window.end]).toEqual([vm(before).finding, end])
    expect(vm(after).evidence[0]!.samples).toBe(vm(before).evidence[0]!.samples)
    expect(after.issues.find((i) => i.code === 'SAMPLES_AFTER_WINDOW')).toMatchObject({ resourceId: 'azure-vm-1023683' })
    const text = await runCli(['analyze', '-w', 'ws-stray'], { cwd: tmp.dir })
    expect(text.stdout).toMatch(
      /SAMPLES_AFTER_WINDOW: azure-vm-1023683: 1 isolated sample \(.*\) lies after its latest dense data; the window ends at .* without them/,
    )
  })
})

describe('headroom simulate scaling (on the demo workspace)', () => {
  const policy = join(ROOT, 'data/demo/asg-policy.json')
  const group = ['simulate', 'scaling', '--group', 'nab-asg-misconfiguration']

  it('replays the recorded load against the template and a search, as a scaling document valid against the document schema', async () => {
    const r = await runCli([...group, '--policy-file', policy, '--search', '--format', 'json', '--timeline'], { cwd: tmp.dir })
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as {
      kind: string
      simulations: {
        current: string
        outcomes: { policySet: string; breachMinutes: number; cost: number; timeline?: { desired: number[] } }[]
        search: { evaluated: number; pareto: string[]; cheapestZeroBreach: string }
        bestPractices: string[]
      }[]
    }
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema/document.schema.json'), 'utf8')) as object
    const validate = new Ajv2020({ strict: false }).compile(schema)
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(report.kind).toBe('scaling')
    const sim = report.simulations[0]!
    expect(sim.current).toBe('current')
    expect(sim.outcomes[0]!.policySet).toBe('current')
    expect(sim.outcomes[0]!.timeline!.desired.length).toBe(14 * 24 * 60)
    expect(sim.search.evaluated).toBe(132)
    // The same --format set as analyze: CSV has one row per policy set, the cheapest zero-breach one marked.
    const c = await runCli([...group, '--policy-file', policy, '--search', '--format', 'csv'], { cwd: tmp.dir })
    expect(c.code, c.stderr).toBe(0)
    const lines = c.stdout.trim().split('\n')
    expect(lines[0]).toBe(
      'group,policy_set,description,cost_usd,instance_hours,breach_minutes,peak_utilization_pct,peak_demand_pct,scaling_actions,min_instances,max_instances,cheapest_zero_breach,pareto',
    )
    expect(lines).toHaveLength(1 + sim.outcomes.length)
    expect(lines.filter((l) => l.split(',').at(-2) === 'true').map((l) => l.split(',')[1])).toEqual([sim.search.cheapestZeroBreach])
    const zero = sim.outcomes.find((o) => o.policySet === sim.search.cheapestZeroBreach)!
    expect(zero.breachMinutes).toBe(0)
    expect(sim.search.pareto.length).toBeGreaterThan(1)
    expect(sim.bestPractices).toContain('PERF02-BP05')
  })

  it('--fail-on-breach exits 4 when the current policy breaches', async () => {
    const r = await runCli([...group, '--policy-file', policy, '--fail-on-breach', '--format', 'md'], { cwd: tmp.dir })
    expect(r.code).toBe(4)
    expect(r.stdout).toMatch(/^## Scaling what-if: nab-asg-misconfiguration/m)
    expect(r.stderr).toMatch(/--fail-on-breach: the current policy breached \d+ minute/)
  })

  it('bad policy files and unknown groups: exit 2 with the field and the fix', async () => {
    tmp.file(
      'bad-policy.json',
      JSON.stringify({
        Resources: { P: { Type: 'AWS::AutoScaling::ScalingPolicy', Properties: { PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: {} } } },
      }),
    )
    const bad = await runCli([...group, '--policy-file', 'bad-policy.json'], { cwd: tmp.dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(
      /bad-policy\.json, column 'Resources\.P\.Properties\.TargetTrackingConfiguration\.TargetValue': Resources\.P\.Properties\.TargetTrackingConfiguration\.TargetValue is missing/,
    )
    const none = await runCli(['simulate', 'scaling', '--group', 'no-such-group', '--search'], { cwd: tmp.dir })
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/No cpu\.utilization samples for group 'no-such-group'/)
    expect(none.stderr).toMatch(/fix: Import the group's own series/)
    const empty = await runCli([...group, '--search', '--as-of', '2013-01-01'], { cwd: tmp.dir })
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(/has no cpu\.utilization samples in the 14-day window/)
  })
})

describe('collect file and errors', () => {
  it('bad input: exit 2, names file, row, column, the fix, and writes nothing', async () => {
    const f = tmp.file(
      'bad.csv',
      csv('resource_id,metric,timestamp,value', ['i-1,cpu.utilization,2024-01-01T00:00:00Z,10', 'i-1,cpu.utilization,2024-01-01T00:05:00Z,ten']),
    )
    const r = await runCli(['collect', 'file', 'bad.csv', '-w', 'ws-bad'], { cwd: tmp.dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`headroom: error: ${f}, row 2, column 'value': value 'ten' is not a number`)
    expect(r.stderr).toMatch(/fix: Write plain decimal numbers/)
    expect(r.stderr).toMatch(/nothing was written/)
    expect(r.stdout).toBe('')
  })

  it('good input imports, status shows it, and analyze explains missing instance types', async () => {
    tmp.file(
      'ok.csv',
      csv(
        'resource_id,metric,timestamp,value,stat',
        Array.from({ length: 500 }, (_, i) => `i-ok,cpu.utilization,${new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString()},${(i % 50) + 1},max`),
      ),
    )
    const r = await runCli(['collect', 'file', 'ok.csv', '-w', 'ws-ok'], { cwd: tmp.dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/imported 500 new samples \(0 already stored\), 0 resources from manifests, 1 created from samples/)
    expect(r.stderr).toMatch(/add them to a resources manifest/)
    const s = await runCli(['status', '-w', 'ws-ok'], { cwd: tmp.dir })
    expect(s.stdout).toMatch(/resources 1 \(ec2-instance 1\)/)
    expect(s.stdout).toMatch(/samples {3}500 in 1 series, 2024-01-01 00:00 to 2024-01-02 17:35 UTC/)
    const a = await runCli(['analyze', '-w', 'ws-ok'], { cwd: tmp.dir })
    expect(a.code).toBe(0)
    expect(a.stdout).toMatch(/i-ok: Instance type unknown: add instance_type/)
  })

  it('EBS volumes from CloudWatch-named samples and a JSON manifest', async () => {
    const rows = Array.from({ length: 14 * 288 }, (_, i) => {
      const ts = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString()
      return [`vol-1,VolumeReadOps,${ts},450000,Sum`, `vol-1,VolumeWriteOps,${ts},150000,Sum`] // 1500 + 500 IOPS
    }).flat()
    tmp.file('vol.csv', csv('resource_id,metric,timestamp,value,stat', rows))
    tmp.file(
      'vol.json',
      JSON.stringify([{ id: 'vol-1', kind: 'ebs-volume', region: 'us-east-1', attributes: { volumeType: 'gp2', sizeGiB: 1000, attachedTo: 'i-1' } }]),
    )
    expect((await runCli(['collect', 'file', 'vol.csv', 'vol.json', '-w', 'ws-vol'], { cwd: tmp.dir })).code).toBe(0)
    const a = await runCli(['analyze', '-w', 'ws-vol'], { cwd: tmp.dir })
    expect(a.code).toBe(0)
    expect(a.stdout).toMatch(/EBS volumes: 1, \$100\.00\/month now, \$20\.00\/month to save/)
    expect(a.stdout).toMatch(/^vol-1 +Overprovisioned +gp2 1000 GiB +gp3 3000 IOPS 125 MiB\/s +VeryLow +\$20\.00/m)
  })

  it('analyze without a workspace: exit 3 with what to run first', async () => {
    const r = await runCli(['analyze', '-w', 'nowhere'], { cwd: tmp.dir })
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/No workspace at .*nowhere/)
    expect(r.stderr).toMatch(/headroom demo/)
  })

  it('a workspace locked by another process: exit 3, says to wait', async () => {
    await runCli(['collect', 'file', 'ok.csv', '-w', 'ws-lock'], { cwd: tmp.dir })
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const {DuckDBInstance}=await import('@duckdb/node-api');await DuckDBInstance.create(${JSON.stringify(join(tmp.dir, 'ws-lock', 'headroom.duckdb'))});console.log('held');setTimeout(()=>{},60000)`,
        '--input-type=module',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((res) => holder.stdout.on('data', () => res()))
    try {
      const r = await runCli(['collect', 'file', 'ok.csv', '-w', 'ws-lock'], { cwd: tmp.dir })
      expect(r.code).toBe(3)
      expect(r.stderr).toMatch(/in use by another headroom process/)
      expect(r.stderr).toMatch(/fix: Wait for the other command/)
    } finally {
      holder.kill()
    }
  })

  it('usage errors exit 2; --version and exit-codes print', async () => {
    const u = await runCli(['analyze', '--frobnicate'], { cwd: tmp.dir })
    expect(u.code).toBe(2)
    expect(u.stderr).toMatch(/unknown option '--frobnicate'/)
    expect((await runCli(['analyze', '--headroom', 'lots'], { cwd: tmp.dir })).stderr).toMatch(/--headroom 'lots' is not a number between 0 and 100/)
    const v = await runCli(['--version'], { cwd: tmp.dir })
    expect([v.code, v.stdout.trim()]).toEqual([0, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version])
    const e = await runCli(['exit-codes'], { cwd: tmp.dir })
    expect(e.stdout).toMatch(/^4 {2}GATE/m)
  })
})

describe('headroom catalog', () => {
  it('filters, sorts by price and prints JSON', async () => {
    const r = await runCli(['catalog', '--vcpus', '2', '--memory', '8+', '--arch', 'arm64', '--json'], { cwd: tmp.dir })
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout) as { name: string; vcpus: number; memoryGiB: number; architectures: string[]; pricePerHour: number }[]
    expect(rows.length).toBeGreaterThan(5)
    for (const x of rows) expect([x.vcpus, x.memoryGiB >= 8, x.architectures.includes('arm64')]).toEqual([2, true, true])
    expect(rows.map((x) => x.pricePerHour)).toEqual(rows.map((x) => x.pricePerHour).sort((a, b) => a - b))
    const t = await runCli(['catalog', '--family', 'm7g', '--max-price', '0.1'], { cwd: tmp.dir })
    expect(t.stdout).toMatch(/^m7g\.medium +1 +4 +arm64/m)
    expect(t.stderr).toMatch(/2 of 2 types in us-east-1, cheapest first/)
    expect((await runCli(['catalog', '--vcpus', 'many'], { cwd: tmp.dir })).code).toBe(2)
  })
})

describe('--percentile reaches every analyzer that sizes by one (issue 12, item 7)', () => {
  it('each analyzer’s evidence names the percentile asked for, and none the default', async () => {
    const dir = tmp.path('pct')
    mkdirSync(dir, { recursive: true })
    // Two days of 5-minute samples per resource: a daily wave, so every percentile differs from the next.
    const HEADER = 'resource_id,metric,timestamp,value,stat,period'
    const t0 = Date.UTC(2026, 0, 1)
    const wave = (i: number, lo: number, hi: number) => lo + ((hi - lo) * (1 + Math.sin((i / 288) * 2 * Math.PI))) / 2
    const series = (id: string, metric: string, lo: number, hi: number, stat = 'max') =>
      Array.from({ length: 576 }, (_, i) => `${id},${metric},${new Date(t0 + i * 300_000).toISOString()},${wave(i, lo, hi).toFixed(4)},${stat},300`)
    tmp.file(
      'pct/samples.csv',
      csv(HEADER, [
        ...series('i-1', 'cpu.utilization', 5, 60),
        ...series('host-1', 'cpu.utilization', 5, 60),
        ...series('host-1', 'mem.utilization', 20, 40),
        ...series('db-1', 'cpu.utilization', 5, 60),
        ...series('cache-1', 'cpu.utilization', 5, 60),
        ...series('vol-1', 'ebs.read.ops_per_s', 10, 300, 'avg'),
        ...series('vol-1', 'ebs.write.ops_per_s', 10, 300, 'avg'),
        ...series('vol-1', 'ebs.read.bytes_per_s', 1e5, 3e6, 'avg'),
        ...series('vol-1', 'ebs.write.bytes_per_s', 1e5, 3e6, 'avg'),
        ...series('web-1', 'cpu.cores', 0.1, 0.9, 'avg'),
        ...series('web-1', 'mem.used.bytes', 2e8, 4e8),
      ]),
    )
    tmp.file(
      'pct/resources.json',
      JSON.stringify([
        { id: 'i-1', kind: 'ec2-instance', region: 'us-east-1', instanceType: 'm5.xlarge' },
        { id: 'host-1', kind: 'host', attributes: { vcpus: 8, memoryGiB: 32 } },
        { id: 'db-1', kind: 'rds-instance', region: 'us-east-1', attributes: { instanceClass: 'db.m5.xlarge', engine: 'mysql' } },
        { id: 'cache-1', kind: 'elasticache-node', region: 'us-east-1', attributes: { nodeType: 'cache.r6g.large', engine: 'redis' } },
        { id: 'vol-1', kind: 'ebs-volume', region: 'us-east-1', attributes: { volumeType: 'io1', sizeGiB: 500, iops: 10000, attachedTo: 'i-1' } },
        { id: 'web-1', kind: 'k8s-workload' },
      ]),
    )
    const imp = await runCli(['collect', 'file', 'samples.csv', 'resources.json'], { cwd: dir })
    expect(imp.code, imp.stderr).toBe(0)
    const r = await runCli(['analyze', '--format', 'json', '--percentile', 'p95'], { cwd: dir })
    expect(r.code, r.stderr).toBe(0)
    const rep = JSON.parse(r.stdout) as { recommendations: { analyzer: string; finding: string; evidence: { metric: string; stat: string }[] }[] }
    for (const id of ['ec2.rightsize', 'host.ec2-sizing', 'rds.rightsize', 'elasticache.rightsize', 'ebs.rightsize', 'k8s.rightsize']) {
      const recs = rep.recommendations.filter((x) => x.analyzer === id)
      expect(recs.length, id).toBeGreaterThan(0)
      const stats = recs.flatMap((x) => x.evidence.map((e) => e.stat))
      expect(
        stats.some((s) => /^p95\b/.test(s)),
        `${id}: ${JSON.stringify(recs.map((x) => [x.finding, x.evidence]))}`,
      ).toBe(true)
      expect(
        stats.filter((s) => /p99\.5/.test(s)),
        id,
      ).toEqual([])
    }
  })
})
