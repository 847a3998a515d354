import { z } from 'zod'
import { ANALYZERS, type AnalyzerId } from './registry.js'
import { SHARED_OPTIONS, type SharedOptionKey, type SharedOptions } from './shared-options.js'

/** Every analyzer's resolved options, keyed by registry id (what `runAnalysis` runs with and the report records). */
export type AnalyzerOptionsMap = { [K in AnalyzerId]: z.output<(typeof ANALYZERS)[K]['options']> }

/** Per-analyzer option overrides as a user writes them (config file `analyzers:` section, library callers). */
export type AnalyzerOptionsInput = { [K in AnalyzerId]?: Partial<z.input<(typeof ANALYZERS)[K]['options']>> }

export const ANALYZER_IDS = Object.keys(ANALYZERS) as AnalyzerId[]

export { SHARED_OPTIONS, type SharedOptions } from './shared-options.js'

/** Where a resolved value came from: 'default', a config file path, or a flag. */
type OptionSource = string

/** One layer of settings, lowest precedence first when resolving. */
export interface OptionLayer {
  source: OptionSource
  shared?: SharedOptions
  analyzers?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

export interface ResolvedAnalyzerOptions {
  options: AnalyzerOptionsMap
  /** `analyzerId.key` -> where its value came from. */
  sources: Record<string, OptionSource>
  /** Shared settings an analyzer could not take (a value its option does not accept). */
  notes: string[]
}

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>

/** An analyzer's options schema: every analyzer's options are a z.object of fields with defaults (undefined for an unknown id). */
export function optionsSchemaOf(id: string): AnyObjectSchema | undefined {
  return (ANALYZERS[id as AnalyzerId] as (typeof ANALYZERS)[AnalyzerId] | undefined)?.options as unknown as AnyObjectSchema | undefined
}

/** The fields of an analyzer's options schema, by option name. */
export function optionShapeOf(id: string): Record<string, z.ZodType> | undefined {
  return optionsSchemaOf(id)?.shape as Record<string, z.ZodType> | undefined
}

/** A field as a user writes it: the same checks, without the default filled in. */
export function withoutDefault(s: z.ZodType): z.ZodType {
  return s instanceof z.ZodDefault ? (s.removeDefault() as z.ZodType) : s
}

/**
 * Resolves every analyzer's options from layers (defaults < config file < flags). Within a layer, a shared setting
 * applies first and an analyzer's own option overrides it. Unknown analyzer ids or option keys are errors thrown
 * as `OptionsError` with the path; the caller names the file or flag.
 */
export function resolveAnalyzerOptions(layers: readonly OptionLayer[]): ResolvedAnalyzerOptions {
  const values: Record<string, Record<string, unknown>> = {}
  const sources: Record<string, OptionSource> = {}
  const notes: string[] = []
  for (const id of ANALYZER_IDS) {
    values[id] = optionsSchemaOf(id)!.parse({})
    for (const key of Object.keys(values[id])) sources[`${id}.${key}`] = 'default'
  }
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer.shared ?? {})) {
      if (value === undefined) continue
      const spec = SHARED_OPTIONS[name as SharedOptionKey] as (typeof SHARED_OPTIONS)[SharedOptionKey] | undefined
      if (!spec) throw new OptionsError([name], `unknown shared setting '${name}'`, Object.keys(SHARED_OPTIONS))
      for (const [id, key] of spec.targets) {
        if (!optionShapeOf(id)![key]!.safeParse(value).success) {
          notes.push(`${id}.${key} keeps ${JSON.stringify(values[id]![key])}: it does not accept ${name} ${JSON.stringify(value)} (from ${layer.source})`)
          continue
        }
        values[id]![key] = value
        sources[`${id}.${key}`] = layer.source
      }
    }
    for (const [id, opts] of Object.entries(layer.analyzers ?? {})) {
      const shape = optionShapeOf(id)
      if (!shape) throw new OptionsError([id], `unknown analyzer '${id}'`, ANALYZER_IDS)
      for (const [key, value] of Object.entries(opts)) {
        if (!(key in shape)) throw new OptionsError([id, key], `unknown option '${key}' of ${id}`, Object.keys(shape))
        const ok = shape[key]!.safeParse(value)
        if (!ok.success) throw new OptionsError([id, key], ok.error.issues[0]?.message ?? 'invalid value', allowedValues(shape[key]!))
        values[id]![key] = ok.data
        sources[`${id}.${key}`] = layer.source
      }
    }
  }
  const options = {} as Record<string, unknown>
  for (const id of ANALYZER_IDS) options[id] = optionsSchemaOf(id)!.parse(values[id])
  return { options: options as AnalyzerOptionsMap, sources, notes }
}

/** An option path that is not valid, with what would be. */
export class OptionsError extends Error {
  constructor(
    readonly path: readonly string[],
    readonly problem: string,
    readonly allowed: readonly string[],
  ) {
    super(`${path.join('.')}: ${problem}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`)
  }
}

/** Allowed values of an option schema where they are a list (enums, booleans), for error messages. */
export function allowedValues(schema: z.ZodType): string[] {
  const def = (schema as unknown as { def?: { type?: string; innerType?: z.ZodType; entries?: Record<string, string> } }).def
  if (!def) return []
  if (def.type === 'default' || def.type === 'optional') return def.innerType ? allowedValues(def.innerType) : []
  if (def.type === 'enum' && def.entries) return Object.values(def.entries)
  if (def.type === 'boolean') return ['true', 'false']
  return []
}
