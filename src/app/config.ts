import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { z } from 'zod'
import {
  allowedValues,
  ANALYZER_IDS,
  OptionsError,
  optionShapeOf,
  resolveAnalyzerOptions,
  SHARED_OPTIONS,
  withoutDefault,
  type AnalyzerOptionsMap,
  type OptionLayer,
  type SharedOptions,
} from '../analyzers/options.js'
import { ANALYZERS } from '../analyzers/registry.js'
import { findConfigFile } from '../config/find.js'
import { parseLocated, pathText, type DocPath } from '../config/yaml.js'
import { ToolError } from '../core/errors.js'
import { closest } from '../core/suggest.js'
import { redact } from '../store/clickhouse/url.js'

export { CONFIG_FILE_NAMES, findConfigFile } from '../config/find.js'
const DEFAULT_WORKSPACE = '.headroom'
const DEFAULT_LOOKBACK_DAYS = 14

/** An analyzer's options as a config file writes them: every key optional, no defaults filled in, unknown keys refused. */
function fileShapeOf(id: string): z.ZodObject<z.ZodRawShape> {
  return z.object(Object.fromEntries(Object.entries(optionShapeOf(id)!).map(([k, s]) => [k, withoutDefault(s).optional()]))).strict()
}

/**
 * The settings several analyzers share (SHARED_OPTIONS), as the config file's `sizing:` section: each checked as its
 * first target analyzer checks it (ec2.rightsize, the widest); a value another target cannot take is kept out of it
 * and reported by resolveAnalyzerOptions.
 */
const SizingSchema = z
  .object(
    Object.fromEntries(
      Object.entries(SHARED_OPTIONS).map(([key, spec]) => {
        const [id, option] = spec.targets[0]
        return [key, withoutDefault(optionShapeOf(id)![option]!).optional().describe(spec.description)]
      }),
    ),
  )
  .strict()

/**
 * `headroom.config.yaml` (or .yml, .json): the one source of the config file's shape, its validation and
 * schema/config.schema.json (for editor completion). Analyzer sections come from the registry, so a new analyzer's
 * options are settable here with no edit to this file.
 */
export const ConfigFileSchema = z
  .object({
    $schema: z.string().optional().describe('path or URL of schema/config.schema.json, for editors'),
    workspace: z.string().min(1).optional().describe('workspace folder, relative to this file (default .headroom in the working directory)'),
    store: z
      .string()
      .regex(/^clickhouse:\/\//i, 'a clickhouse:// URL')
      .optional()
      .describe('a ClickHouse store instead of the workspace folder: clickhouse://host:8123/database[?shards=h:p,h:p] (docs/clickhouse.md)'),
    analysis: z
      .object({
        lookbackDays: z.number().int().min(1).max(400).optional().describe('analysis window in days (default 14)'),
        asOf: z.string().optional().describe("window end for every resource, an ISO date or time (default: each resource's latest sample)"),
      })
      .strict()
      .optional(),
    sizing: SizingSchema.optional().describe('settings several analyzers share; an analyzer section below overrides them for that analyzer'),
    analyzers: z
      .object(Object.fromEntries(ANALYZER_IDS.map((id) => [id, fileShapeOf(id).optional().describe(ANALYZERS[id].meta.title)])))
      .strict()
      .optional(),
  })
  .strict()
export type ConfigFile = z.infer<typeof ConfigFileSchema>

export function configJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(ConfigFileSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>),
    title: 'headroom configuration (headroom.config.yaml)',
  }
}

/** Settings from the command line; only what the user typed (commander defaults are not flags). */
export interface ConfigFlags {
  workspace?: string
  store?: string
  lookbackDays?: number
  asOf?: number
  /** Shared settings (SHARED_OPTIONS), each labelled with its own flag as its source. */
  shared?: SharedOptions
}

export interface ResolvedConfig {
  /** The config file used, or null. */
  file: string | null
  workspace: string
  /** A clickhouse:// store that takes the workspace's place for samples and resources (docs/clickhouse.md). */
  store?: string
  analysis: { lookbackDays: number; asOf?: number }
  analyzers: AnalyzerOptionsMap
  /** Dotted path (`analyzers.rds.rightsize.percentile`) -> 'default', the file (as given), an env var or a flag. */
  sources: Record<string, string>
  /** Shared settings an analyzer could not take, and the like: shown by `headroom config`, carried into reports. */
  notes: string[]
}

/** Reads and validates a config file; problems are CONFIG_INVALID (exit 2) naming file:line, key path and the fix. */
export function readConfigFile(path: string): ConfigFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ToolError('CONFIG_INVALID', `cannot read the config file ${path}: ${(e as Error).message}`, { hint: 'Check the path given to --config.' })
  }
  const doc = parseLocated(text, path)
  if (doc.data === null || doc.data === undefined) return {}
  const where = (p: DocPath, key = false) => {
    const line = key ? doc.keyLineOf(p) : doc.lineOf(p)
    return `${path}${line ? `:${line}` : ''}${p.length ? `: ${pathText(p)}` : ''}`
  }
  const parsed = ConfigFileSchema.safeParse(doc.data)
  if (!parsed.success) {
    const i = parsed.error.issues[0]!
    const p = i.path as (string | number)[]
    if (i.code === 'unrecognized_keys') {
      const key = i.keys[0]!
      const known = knownKeysAt(p)
      const near = closest(key, known)
      throw new ToolError('CONFIG_INVALID', `${where([...p, key], true)}: unknown key '${key}'`, {
        hint: `${near ? `Did you mean '${near}'? ` : ''}Keys here: ${known.join(', ')} (docs/config.md).`,
      })
    }
    const allowed = allowedAt(p)
    throw new ToolError('CONFIG_INVALID', `${where(p)}: ${i.message}`, {
      hint: allowed.length ? `Allowed values: ${allowed.join(', ')}.` : 'See docs/config.md for each key and its range.',
    })
  }
  const cfg = parsed.data
  if (cfg.analysis?.asOf !== undefined && Number.isNaN(Date.parse(cfg.analysis.asOf)))
    throw new ToolError('CONFIG_INVALID', `${where(['analysis', 'asOf'])}: '${cfg.analysis.asOf}' is not a date`, {
      hint: 'Write an ISO date or time, e.g. 2026-11-20 or 2026-11-20T00:00:00Z.',
    })
  return cfg
}

function knownKeysAt(path: readonly (string | number)[]): string[] {
  if (path.length === 0) return Object.keys(ConfigFileSchema.shape)
  if (path[0] === 'analysis') return ['lookbackDays', 'asOf']
  if (path[0] === 'sizing') return Object.keys(SizingSchema.shape)
  if (path[0] === 'analyzers' && path.length === 1) return [...ANALYZER_IDS]
  if (path[0] === 'analyzers') return Object.keys(optionShapeOf(String(path[1])) ?? {})
  return []
}

function allowedAt(path: readonly (string | number)[]): string[] {
  if (path[0] === 'sizing' && typeof path[1] === 'string') {
    const s = (SizingSchema.shape as Record<string, z.ZodType>)[path[1]]
    return s ? allowedValues(s) : []
  }
  if (path[0] === 'analyzers' && path.length === 3) {
    const s = optionShapeOf(String(path[1]))?.[String(path[2])]
    return s ? allowedValues(s) : []
  }
  return []
}

/**
 * The configuration a command runs with: defaults < config file < environment (HEADROOM_WORKSPACE) < flags, with
 * where each value came from. `file` false skips the search (`--no-config`); a string is used as given (`--config`).
 */
export function resolveConfig(o: {
  cwd: string
  env?: Readonly<Record<string, string | undefined>>
  file?: string | false
  flags?: ConfigFlags
}): ResolvedConfig {
  const flags = o.flags ?? {}
  const filePath = o.file === false ? undefined : o.file !== undefined ? resolve(o.cwd, o.file) : findConfigFile(o.cwd)
  const cfg: ConfigFile = filePath ? readConfigFile(filePath) : {}
  const label = filePath ? relative(o.cwd, filePath) || filePath : ''
  const sources: Record<string, string> = {}

  let workspace = resolve(o.cwd, DEFAULT_WORKSPACE)
  sources.workspace = 'default'
  if (cfg.workspace !== undefined) [workspace, sources.workspace] = [resolve(dirname(filePath!), cfg.workspace), label]
  if (o.env?.HEADROOM_WORKSPACE) [workspace, sources.workspace] = [resolve(o.cwd, o.env.HEADROOM_WORKSPACE), '$HEADROOM_WORKSPACE']
  if (flags.workspace !== undefined) [workspace, sources.workspace] = [resolve(o.cwd, flags.workspace), '--workspace']

  let store: string | undefined
  if (cfg.store !== undefined) [store, sources.store] = [cfg.store, label]
  if (o.env?.HEADROOM_STORE) [store, sources.store] = [o.env.HEADROOM_STORE, '$HEADROOM_STORE']
  if (flags.store !== undefined) [store, sources.store] = [flags.store, '--store']

  let lookbackDays = DEFAULT_LOOKBACK_DAYS
  sources['analysis.lookbackDays'] = 'default'
  if (cfg.analysis?.lookbackDays !== undefined) [lookbackDays, sources['analysis.lookbackDays']] = [cfg.analysis.lookbackDays, label]
  if (flags.lookbackDays !== undefined) [lookbackDays, sources['analysis.lookbackDays']] = [flags.lookbackDays, '--lookback-days']
  let asOf: number | undefined
  if (cfg.analysis?.asOf !== undefined) [asOf, sources['analysis.asOf']] = [Date.parse(cfg.analysis.asOf), label]
  if (flags.asOf !== undefined) [asOf, sources['analysis.asOf']] = [flags.asOf, '--as-of']

  const layers: OptionLayer[] = []
  if (filePath)
    layers.push({
      source: label,
      ...(cfg.sizing ? { shared: cfg.sizing } : {}),
      ...(cfg.analyzers ? { analyzers: cfg.analyzers as Record<string, Record<string, unknown>> } : {}),
    })
  // Flags: each shared setting is labelled with its own flag.
  for (const [key, value] of Object.entries(flags.shared ?? {}))
    if (value !== undefined) layers.push({ source: SHARED_OPTIONS[key as keyof typeof SHARED_OPTIONS].flag, shared: { [key]: value } })
  let resolved
  try {
    resolved = resolveAnalyzerOptions(layers)
  } catch (e) {
    if (e instanceof OptionsError)
      throw new ToolError('CONFIG_INVALID', `${label}: analyzers.${e.path.join('.')}: ${e.problem}`, {
        hint: e.allowed.length ? `Allowed: ${e.allowed.join(', ')}.` : 'See docs/config.md.',
      })
    throw e
  }
  for (const [k, v] of Object.entries(resolved.sources)) sources[`analyzers.${k}`] = v
  return {
    file: filePath ?? null,
    workspace,
    ...(store === undefined ? {} : { store }),
    analysis: { lookbackDays, ...(asOf === undefined ? {} : { asOf }) },
    analyzers: resolved.options,
    sources,
    notes: resolved.notes,
  }
}

/** Every resolved value as rows of (path, value, source), for `headroom config`. */
export function configRows(c: ResolvedConfig): { path: string; value: unknown; source: string }[] {
  const rows: { path: string; value: unknown; source: string }[] = [
    { path: 'workspace', value: c.workspace, source: c.sources.workspace ?? 'default' },
    { path: 'store', value: c.store === undefined ? null : redact(c.store), source: c.sources.store ?? 'default' },
    { path: 'analysis.lookbackDays', value: c.analysis.lookbackDays, source: c.sources['analysis.lookbackDays'] ?? 'default' },
    {
      path: 'analysis.asOf',
      value: c.analysis.asOf === undefined ? null : new Date(c.analysis.asOf).toISOString(),
      source: c.sources['analysis.asOf'] ?? 'default',
    },
  ]
  for (const id of ANALYZER_IDS)
    for (const [k, v] of Object.entries(c.analyzers[id] as Record<string, unknown>))
      rows.push({ path: `analyzers.${id}.${k}`, value: v, source: c.sources[`analyzers.${id}.${k}`] ?? 'default' })
  return rows
}
