import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runCli } from '../utils/run-cli.js'
import { tmpProject } from '../utils/tmp.js'

/**
 * ECS services from files (docs/file-format.md): a manifest of kind ecs-service and CloudWatch-named samples
 * (CPUUtilization, MemoryUtilization, RunningTaskCount as `aws cloudwatch get-metric-data` exports them), imported and
 * analyzed as the AWS source's would be; a manifest attribute of the wrong type is refused by row and field.
 */
const tmp = tmpProject('headroom-e2e-ecs-files-')
const START = Date.UTC(2026, 10, 16, 0, 0, 0)

function samples(): string {
  const rows = ['resource_id,metric,stat,timestamp,value']
  for (let i = 0; i < 2 * 288; i++) {
    const t = new Date(START + i * 300_000).toISOString()
    // Daily shape: 15% at the busiest hour, 5% otherwise; memory flat at 25%; 3 tasks, 4 at the busiest hour.
    const busy = Math.floor(i / 12) % 24 === 14
    rows.push(`us-east-1:prod/api,CPUUtilization,Maximum,${t},${busy ? 15 : 5}`)
    rows.push(`us-east-1:prod/api,MemoryUtilization,Maximum,${t},25`)
    rows.push(`us-east-1:prod/api,RunningTaskCount,Average,${t},${busy ? 4 : 3}`)
  }
  return rows.join('\n') + '\n'
}

describe('ECS services from files', () => {
  it('a Fargate service imported from a manifest and CloudWatch-named samples is sized as from AWS', async () => {
    writeFileSync(tmp.path('samples.csv'), samples())
    writeFileSync(
      tmp.path('resources.json'),
      JSON.stringify([
        {
          id: 'us-east-1:prod/api',
          kind: 'ecs-service',
          region: 'us-east-1',
          attributes: { launchType: 'FARGATE', taskCpuUnits: 1024, taskMemoryMiB: 4096, desiredCount: 3, architecture: 'x86_64', os: 'LINUX' },
        },
      ]),
    )
    const c = await runCli(['collect', 'file', 'samples.csv', 'resources.json', '-w', 'ws'], { cwd: tmp.dir })
    expect(c.code, c.stderr).toBe(0)
    const a = await runCli(['analyze', '-w', 'ws', '--format', 'json'], { cwd: tmp.dir })
    expect(a.code, a.stderr).toBe(0)
    type Rec = { analyzer: string; finding: string; current: Record<string, unknown>; options: { change: Record<string, unknown>; monthlyCost: number }[] }
    const [rec] = (JSON.parse(a.stdout) as { recommendations: Rec[] }).recommendations.filter((r) => r.analyzer === 'ecs.rightsize')
    // p99 of CPU maxima: 24 of 576 intervals at 15% (4.2%) -> 15%; the worked example's 0.25 vCPU / 2 GB.
    expect(rec!.finding).toBe('Overprovisioned')
    expect(rec!.options[0]!.change).toEqual({ cpuUnits: 256, memoryMiB: 2048 })
    // Tasks on average: (552 x 3 + 24 x 4) / 576 = 3.0417; $0.05826 x 730 x 3.0417 = $129.36.
    expect(rec!.current.tasks).toBe(3.04)
    expect(rec!.current.monthlyCost).toBe(129.36)
    // The terminal summary names the analyzer's section.
    const t = await runCli(['analyze', '-w', 'ws'], { cwd: tmp.dir })
    expect(t.stdout).toContain('ECS services and Fargate tasks')
  })
})
