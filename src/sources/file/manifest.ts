import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { InputError } from '../../core/errors.js'
import { ResourceKindSchema, type ResourceKind, type ResourceRef } from '../../core/report.js'

/** Resource ids, in samples (checked in SQL, import.ts) and manifests alike: at most this long, printable. */
export const MAX_ID_LENGTH = 1024
export const ID_LENGTH_HINT =
  'An id is an instance id, a name or an ARN (a few hundred characters at most); a longer one is usually columns run together by a broken export.'
export const ID_CONTROL_HINT = 'Ids are printable text; re-export the file as UTF-8 text (a NUL byte is usually a binary or UTF-16 file read as text).'

/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5 ... */
const REGION_RE = /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[a-z]?)-[a-z]+-\d+$/

export interface ManifestOptions {
  /** Returns an error message when the instance type is unknown for this kind, else undefined. */
  checkInstanceType?: (kind: ResourceKind, type: string) => string | undefined
}

export interface RawManifestRow {
  row: number
  fields: Record<string, unknown>
}

/** Reads a JSON manifest: an array of resources, or { "resources": [...] }. */
export function readJsonManifestRows(path: string): RawManifestRow[] {
  const buf = readFileSync(path)
  if (buf.length === 0)
    throw new InputError(
      { file: path },
      'the file is empty',
      'Add resources, e.g. [{"id":"i-0abc","kind":"ec2-instance","region":"us-east-1","instanceType":"m5.large"}].',
    )
  let data: unknown
  try {
    data = JSON.parse((path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8'))
  } catch (cause) {
    throw new InputError({ file: path }, `not valid JSON (${(cause as Error).message})`, 'Fix the JSON syntax; docs/file-format.md shows a manifest example.')
  }
  const list = Array.isArray(data) ? data : (data as { resources?: unknown } | null)?.resources
  if (!Array.isArray(list))
    throw new InputError(
      { file: path },
      'a JSON manifest must be an array of resources or {"resources": [...]}',
      'See docs/file-format.md, "Resources manifest".',
    )
  if (list.length === 0) throw new InputError({ file: path }, 'the manifest lists no resources', 'Add at least one resource or leave the file out.')
  return list.map((fields, i) => {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
      throw new InputError({ file: path, row: i + 1 }, 'each resource must be a JSON object', 'Write {"id": "...", "kind": "ec2-instance", ...}.')
    return { row: i + 1, fields: fields as Record<string, unknown> }
  })
}

const KNOWN_FIELDS = new Set(['id', 'kind', 'region', 'instance_type', 'instanceType', 'provider', 'tags', 'attributes', 'name'])

/** Validates manifest rows into resources; the first problem is an InputError naming file, row and field. */
export function parseManifestRows(path: string, rows: readonly RawManifestRow[], opts: ManifestOptions = {}): ResourceRef[] {
  const seen = new Map<string, number>()
  return rows.map(({ row, fields }) => {
    const loc = (column: string, value?: unknown) => ({ file: path, row, column, value: value === undefined ? undefined : cellText(value) })
    for (const key of Object.keys(fields))
      if (!KNOWN_FIELDS.has(key))
        throw new InputError(loc(key), `unknown field '${key}'`, `Known fields: ${[...KNOWN_FIELDS].join(', ')}. Put other data under "attributes" or "tags".`)
    const id = str(fields.id)
    if (!id) throw new InputError(loc('id'), 'id is empty', 'Every resource needs its provider id, e.g. i-0abc123.')
    if (id.length > MAX_ID_LENGTH)
      throw new InputError(
        loc('id', `${id.slice(0, 40)}...`),
        `id is ${id.length.toLocaleString('en-US')} characters long (at most ${MAX_ID_LENGTH})`,
        ID_LENGTH_HINT,
      )
    if (/[\x00-\x1f\x7f]/.test(id))
      throw new InputError(
        loc('id', JSON.stringify(id).slice(1, -1)),
        `id '${JSON.stringify(id).slice(1, -1)}' contains a control character (a NUL byte, tab or newline)`,
        ID_CONTROL_HINT,
      )
    const prev = seen.get(id)
    if (prev !== undefined) throw new InputError(loc('id', id), `id '${id}' is listed twice (rows ${prev} and ${row})`, 'Keep one row per resource.')
    seen.set(id, row)
    const kindRaw = str(fields.kind) || 'ec2-instance'
    const kind = ResourceKindSchema.safeParse(kindRaw)
    if (!kind.success) throw new InputError(loc('kind', kindRaw), `unknown kind '${kindRaw}'`, `Use one of: ${ResourceKindSchema.options.join(', ')}.`)
    const region = str(fields.region)
    if (region && !REGION_RE.test(region))
      throw new InputError(loc('region', region), `'${region}' is not an AWS region name`, 'Write it like us-east-1 or eu-west-2.')
    const instanceType = str(fields.instance_type ?? fields.instanceType)
    if (instanceType && opts.checkInstanceType) {
      const problem = opts.checkInstanceType(kind.data, instanceType)
      if (problem) throw new InputError(loc('instance_type', instanceType), problem, 'Use an EC2 type name as in `headroom catalog`, e.g. m5.large.')
    }
    const tags = parseTags(fields.tags, () => loc('tags', fields.tags))
    const attributes: Record<string, string | number> = {}
    if (fields.attributes !== undefined) {
      if (typeof fields.attributes !== 'object' || fields.attributes === null)
        throw new InputError(loc('attributes'), 'attributes must be an object', 'Write {"attributes": {"key": "value"}}.')
      for (const [k, v] of Object.entries(fields.attributes)) if (typeof v === 'string' || typeof v === 'number') attributes[k] = v
    }
    if (instanceType) attributes.instanceType = instanceType
    if (str(fields.name)) attributes.name = str(fields.name)
    return { provider: str(fields.provider) || 'file', kind: kind.data, id, ...(region ? { region } : {}), attributes, tags }
  })
}

function cellText(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return v === undefined || v === null ? '' : JSON.stringify(v)
}

function str(v: unknown): string {
  return cellText(v).trim()
}

/** Tags as a JSON object, or in CSV as "key=value;key2=value2". */
function parseTags(v: unknown, loc: () => { file: string; row: number; column: string }): Record<string, string> {
  if (v === undefined || v === null || v === '') return {}
  if (typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cellText(x)]))
  if (typeof v !== 'string') throw new InputError(loc(), 'tags must be an object or "key=value;key2=value2"', 'Fix the tags value.')
  const out: Record<string, string> = {}
  for (const part of v
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw new InputError(loc(), `tag '${part}' is not key=value`, 'Write tags as "team=web;env=prod".')
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  return out
}
