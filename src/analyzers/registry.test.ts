import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../app/config.js'
import { loadCatalog, loadServiceCatalogs } from '../catalog/load.js'
import { ResourceKindSchema, type ResourceKind } from '../core/report.js'
import { tmpProject } from '../../test/utils/tmp.js'
import { ANALYZER_IDS, optionShapeOf, optionsSchemaOf } from './options.js'
import { ANALYZERS } from './registry.js'
import { runAnalysis } from './run.js'
import { repeat, usage, withSeries } from './test-utils.js'

/**
 * The registry's contract, checked for every analyzer so that adding one cannot skip a step: its folder has worked
 * examples, its docs page explains it, everything it recommends carries its own id, and every option it has is
 * settable from headroom.config.yaml and recorded in the report's meta.options.
 */
const ROOT = new URL('../../', import.meta.url)
const tmp = tmpProject()
const catalog = loadCatalog()

describe('analyzer registry contract', () => {
  it('every analyzer folder is registered once, with worked examples next to it', () => {
    const folders = readdirSync(new URL('src/analyzers/', ROOT), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
    const registered = new Set(Object.values(ANALYZERS))
    expect(registered.size).toBe(ANALYZER_IDS.length)
    for (const f of folders) {
      expect(existsSync(new URL(`src/analyzers/${f}/index.ts`, ROOT)), f).toBe(true)
      expect(existsSync(new URL(`src/analyzers/${f}/index.test.ts`, ROOT)), `${f}/index.test.ts (worked examples)`).toBe(true)
    }
    for (const id of ANALYZER_IDS) expect(ANALYZERS[id].meta.id, id).toBe(id)
    // Every analyzer's kinds are real resource kinds.
    for (const id of ANALYZER_IDS) for (const k of ANALYZERS[id].meta.resourceKinds) expect(ResourceKindSchema.options, `${id}: ${k}`).toContain(k)
  })

  it('every analyzer has a docs page that names it and points at its worked examples', () => {
    for (const id of ANALYZER_IDS) {
      const page = ANALYZERS[id].meta.docs
      expect(existsSync(new URL(page, ROOT)), `${id}: ${page}`).toBe(true)
      const text = readFileSync(new URL(page, ROOT), 'utf8')
      expect(text, `${page} names \`${id}\``).toContain(`\`${id}\``)
      expect(text, `${page} shows worked examples (tests with their arithmetic)`).toMatch(/worked example|index\.test\.ts|fixtures/i)
    }
  })

  it('everything an analyzer recommends carries its own registry id', () => {
    // One resource of each kind an analyzer reads, idle and busy (reads 10x the writes, as a cache candidate is), with
    // every metric it requires: whatever it says (a finding, InsufficientData, a flag) names the analyzer that said it.
    const attributes: Partial<Record<ResourceKind, Record<string, string | number>>> = {
      'ec2-instance': { instanceType: 'm5.xlarge' },
      host: { vcpus: 8, memoryGiB: 32 },
      'k8s-workload': { cpuRequestCores: 1, memRequestBytes: 2 ** 30 },
      'ebs-volume': { volumeType: 'gp2', sizeGiB: 500 },
      'lambda-function': { memorySizeMB: 1024, architecture: 'x86_64', timeoutSec: 30 },
      'rds-instance': { instanceClass: 'db.m5.large', engine: 'mysql' },
      'dynamodb-table': { billingMode: 'PROVISIONED', readCapacity: 100, writeCapacity: 100 },
      'elasticache-node': { nodeType: 'cache.r6g.large', engine: 'redis' },
      'load-balancer': {},
      'nat-gateway': {},
      's3-bucket': {},
      'ecs-service': { launchType: 'FARGATE', taskCpuUnits: 1024, taskMemoryMiB: 2048, desiredCount: 2, architecture: 'x86_64' },
    }
    const seen = new Map<string, number>()
    for (const level of [0, 40]) {
      const usages = ANALYZER_IDS.flatMap((id) =>
        ANALYZERS[id].meta.resourceKinds.map((kind) => {
          let b = usage(`${id}-${kind}-${level}`, undefined)
          const at = (m: string) => (/read/.test(m) ? level * 10 : level)
          for (const m of ANALYZERS[id].meta.requires) for (const stat of ['max', 'avg', 'sum'] as const) b = b.series(m, stat, repeat([at(m), at(m) / 2]))
          let u = b.build()
          // gpu.rightsize reads only GPU instances: its ec2-instance is one.
          const attrs = id === 'gpu.rightsize' ? { instanceType: 'g5.xlarge' } : (attributes[kind] ?? {})
          u = { ...u, resource: { ...u.resource, kind, attributes: attrs } }
          for (const m of ANALYZERS[id].meta.requires) u = withSeries(u, m, 'avg', repeat([at(m), at(m) / 2]))
          return u
        }),
      )
      const report = runAnalysis(usages, catalog, { services: loadServiceCatalogs(), lookbackDays: 14, now: 0, version: 'test' })
      for (const r of report.recommendations) {
        expect(ANALYZER_IDS, r.analyzer).toContain(r.analyzer)
        const id = r.analyzer as keyof typeof ANALYZERS
        expect(ANALYZERS[id].meta.resourceKinds, `${r.analyzer} spoke about a ${r.resource.kind}`).toContain(r.resource.kind)
        seen.set(r.analyzer, (seen.get(r.analyzer) ?? 0) + 1)
      }
    }
    // Every analyzer said something about one of these resources (its recommendations were checked above).
    expect([...ANALYZER_IDS].filter((id) => !seen.has(id))).toEqual([])
  })

  it('every option of every analyzer is settable from headroom.config.yaml and shows in meta.options', () => {
    // A value other than the default for each option, written in a config file, resolved, and run.
    const lines = ['analyzers:']
    const expected: Record<string, Record<string, unknown>> = {}
    for (const id of ANALYZER_IDS) {
      const shape = optionShapeOf(id)!
      const defaults = optionsSchemaOf(id)!.parse({}) as Record<string, unknown>
      lines.push(`  ${id}:${Object.keys(shape).length === 0 ? ' {}' : ''}`)
      expected[id] = {}
      for (const [key, schema] of Object.entries(shape)) {
        const value = otherValue(schema, defaults[key])
        expect(schema.safeParse(value).success, `${id}.${key} = ${JSON.stringify(value)}`).toBe(true)
        lines.push(`    ${key}: ${JSON.stringify(value)}`)
        expected[id][key] = value
      }
    }
    const file = tmp.file('headroom.config.yaml', lines.join('\n') + '\n')
    const config = resolveConfig({ cwd: tmp.dir, file })
    const report = runAnalysis([], catalog, { services: loadServiceCatalogs(), resolved: config.analyzers, lookbackDays: 14, now: 0, version: 'test' })
    for (const id of ANALYZER_IDS) {
      expect(report.meta.options.analyzers[id], id).toEqual(expected[id])
      for (const key of Object.keys(expected[id]!)) expect(config.sources[`analyzers.${id}.${key}`], `${id}.${key}`).toBe(file.split('/').pop())
    }
  })
})

describe('runAnalysis from a library call', () => {
  it('resolves shared settings itself and reports what an analyzer could not take, as the CLI does', () => {
    const report = runAnalysis([], catalog, { services: loadServiceCatalogs(), shared: { percentile: 'max' }, lookbackDays: 14, now: 0, version: 'test' })
    expect(report.meta.options.analyzers['rds.rightsize']!.percentile).toBe('max')
    expect(report.issues.find((i) => i.code === 'OPTION_NOT_APPLIED')?.message).toMatch(
      /k8s\.rightsize\.cpuPercentile keeps "p95": it does not accept percentile "max" \(from library call\)/,
    )
  })
})

/** A valid value that differs from the default: the next enum member, the other boolean, a number inside its bounds. */
function otherValue(schema: z.ZodType, current: unknown): unknown {
  const inner = schema instanceof z.ZodDefault ? (schema.removeDefault() as z.ZodType) : schema
  if (inner instanceof z.ZodEnum) {
    const opts = inner.options as string[]
    return opts[(opts.indexOf(String(current)) + 1) % opts.length]
  }
  if (inner instanceof z.ZodBoolean) return !current
  if (inner instanceof z.ZodNumber) {
    const n = Number(current)
    const max = inner.maxValue ?? Infinity
    const min = inner.minValue ?? -Infinity
    const up = inner.isInt ? n + 1 : n + 0.5
    return up <= max ? up : Math.max(min, inner.isInt ? n - 1 : n - 0.5)
  }
  if (inner instanceof z.ZodString) return `${String(current)}-other`
  throw new Error(`no test value for a ${inner.constructor.name}`)
}
