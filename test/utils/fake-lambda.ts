import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The Lambda control and invoke APIs an experiment uses, in Lambda's REST-JSON wire protocol (paths and headers as
 * the SDK's client-lambda 3.116x sends them): GetFunctionConfiguration, GetFunction (with a download URL for the
 * package), UpdateFunctionConfiguration, UpdateFunctionCode, PublishVersion, ListVersionsByFunction, Create/Update/
 * Delete/GetAlias, DeleteFunction of a version, and Invoke with `LogType: Tail`.
 *
 * It behaves as Lambda documents where an experiment depends on it: an update leaves LastUpdateStatus InProgress until
 * the status is read once, and PublishVersion or another update meanwhile is a 409 ResourceConflictException; a
 * version is a snapshot of $LATEST; PublishVersion with nothing changed since the last version returns that version;
 * a version an alias points at cannot be deleted; the first invocation of a version is a cold start (its REPORT line
 * has Init Duration). The function itself is simulated, not run: its duration is `ioMs + cpuMs x max(1, 1769 /
 * memory)` (CPU in proportion to memory up to one vCPU at 1,769 MB, aws-facts.md) x `armFactor` on arm64, with a
 * deterministic +-2% wobble; below `memoryUsedMB` it runs out of memory, on an architecture not in `archs` it fails to
 * start. The answer comes at once (the fake does not sleep the duration: the REPORT line carries it).
 */
export interface FakeFunctionModel {
  cpuMs: number
  ioMs: number
  initMs: number
  memoryUsedMB: number
  /** Duration multiplier on arm64 (1.1 = 10% slower). */
  armFactor?: number
  /** Architectures the package runs on (default both). */
  archs?: string[]
  /** 'image': a container image function (UpdateFunctionCode takes ImageUri). */
  packageType?: 'zip' | 'image'
}

interface Config {
  MemorySize: number
  Architectures: string[]
  CodeSha256: string
}
interface FnState {
  name: string
  model: FakeFunctionModel
  latest: Config
  code: Buffer
  imageUri?: string
  revision: number
  /** True after an update until LastUpdateStatus has been read once. */
  updating: boolean
  versions: Map<string, Config>
  aliases: Map<string, string>
  warm: Set<string>
  invocations: number
}

export interface FakeLambda {
  /** Each function's $LATEST configuration now, its published versions and aliases: what a test checks after a run. */
  state(name: string): { memory: number; arch: string; codeSha256: string; versions: string[]; aliases: string[] }
  /** Invocations answered, per function. */
  invocations(name: string): number
}

const API = '/2015-03-31/functions/'
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64')

export function fakeLambda(
  functions: { name: string; memory: number; arch?: string; model?: FakeFunctionModel; versions?: number }[],
  baseUrl: () => string,
  count: (action: string) => void,
  denied: (action: string) => boolean,
) {
  const fns = new Map<string, FnState>()
  for (const f of functions) {
    if (!f.model) continue
    const code = Buffer.from(`PK fake deployment package of ${f.name}`)
    const latest = { MemorySize: f.memory, Architectures: [f.arch ?? 'x86_64'], CodeSha256: sha(code) }
    const st: FnState = {
      name: f.name,
      model: f.model,
      latest,
      code,
      ...(f.model.packageType === 'image' ? { imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${f.name}:latest` } : {}),
      revision: 1,
      updating: false,
      versions: new Map(),
      aliases: new Map(),
      warm: new Set(),
      invocations: 0,
    }
    // Versions published before the experiment (a production alias might point at one).
    for (let v = 1; v <= (f.versions ?? 0); v++) st.versions.set(String(v), { ...latest, Architectures: [...latest.Architectures] })
    if (f.versions) st.aliases.set('live', String(f.versions))
    fns.set(f.name, st)
  }

  const err = (res: ServerResponse, status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
    res.end(JSON.stringify({ Type: 'User', message }))
  }
  const ok = (res: ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(body === undefined ? '' : JSON.stringify(body))
  }
  const arn = (f: FnState, q?: string) => `arn:aws:lambda:us-east-1:123456789012:function:${f.name}${q ? `:${q}` : ''}`
  const configOf = (f: FnState, version: string, c: Config, status = true) => ({
    FunctionName: f.name,
    FunctionArn: arn(f, version === '$LATEST' ? undefined : version),
    Runtime: f.model.packageType === 'image' ? undefined : 'nodejs20.x',
    PackageType: f.model.packageType === 'image' ? 'Image' : 'Zip',
    MemorySize: c.MemorySize,
    Architectures: c.Architectures,
    CodeSha256: c.CodeSha256,
    Version: version,
    Timeout: 30,
    State: 'Active',
    RevisionId: `rev-${f.revision}`,
    ...(status ? { LastUpdateStatus: version === '$LATEST' && f.updating ? 'InProgress' : 'Successful' } : {}),
  })
  const resolveVersion = (f: FnState, q: string | null) => (!q || q === '$LATEST' ? '$LATEST' : (f.aliases.get(q) ?? (f.versions.has(q) ? q : undefined)))

  /** Answers a Lambda request; false when `url` is not one of the calls above (ListFunctions stays with the caller). */
  function handle(req: IncomingMessage, body: string, res: ServerResponse): boolean {
    const u = new URL(req.url ?? '/', 'http://x')
    if (req.method === 'GET' && u.pathname.startsWith('/fake-code/')) {
      const f = fns.get(decodeURIComponent(u.pathname.slice('/fake-code/'.length)))
      if (!f) return (err(res, 404, 'NoSuchKey', 'no such package'), true)
      res.writeHead(200, { 'content-type': 'application/zip' })
      res.end(f.code)
      return true
    }
    if (!u.pathname.startsWith(API)) return false
    const parts = u.pathname.slice(API.length).split('/').map(decodeURIComponent)
    const rawName = parts[0] ?? ''
    if (!rawName) return false // ListFunctions
    const [route, sub] = [parts[1] ?? '', parts[2]]
    const action =
      route === ''
        ? req.method === 'DELETE'
          ? 'DeleteFunction'
          : 'GetFunction'
        : route === 'configuration'
          ? req.method === 'PUT'
            ? 'UpdateFunctionConfiguration'
            : 'GetFunctionConfiguration'
          : route === 'code'
            ? 'UpdateFunctionCode'
            : route === 'versions'
              ? req.method === 'POST'
                ? 'PublishVersion'
                : 'ListVersionsByFunction'
              : route === 'aliases'
                ? { POST: 'CreateAlias', PUT: 'UpdateAlias', DELETE: 'DeleteAlias', GET: 'GetAlias' }[req.method ?? 'GET']!
                : route === 'invocations'
                  ? 'InvokeFunction'
                  : 'Unknown'
    count(`lambda:${action}`)
    if (denied(`lambda:${action}`))
      return (err(res, 403, 'AccessDeniedException', `User: arn:aws:iam::123456789012:user/test is not authorized to perform: lambda:${action}`), true)
    // A function ARN (arn:aws:lambda:region:account:function:name[:qualifier]) or a name.
    const m = /^arn:aws:lambda:[^:]+:\d+:function:([^:]+)(?::(.+))?$/.exec(rawName)
    const name = m ? m[1]! : rawName
    const f = fns.get(name)
    if (!f) return (err(res, 404, 'ResourceNotFoundException', `Function not found: ${arn({ name } as FnState)}`), true)
    const input = body && action !== 'InvokeFunction' ? (JSON.parse(body) as Record<string, unknown>) : {}
    const conflict = () =>
      err(res, 409, 'ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${arn(f)}`)
    const qualifier = u.searchParams.get('Qualifier') ?? (m?.[2] || null)

    switch (action) {
      case 'GetFunctionConfiguration':
      case 'GetFunction': {
        const v = resolveVersion(f, qualifier)
        if (!v) return (err(res, 404, 'ResourceNotFoundException', `Function not found: ${arn(f, qualifier!)}`), true)
        const c = configOf(f, v, v === '$LATEST' ? f.latest : f.versions.get(v)!)
        if (v === '$LATEST') f.updating = false // the update "finishes" once its status has been seen
        if (action === 'GetFunctionConfiguration') return (ok(res, c), true)
        const code = f.imageUri
          ? { RepositoryType: 'ECR', ImageUri: f.imageUri, ResolvedImageUri: `${f.imageUri}@sha256:0` }
          : { RepositoryType: 'S3', Location: `${baseUrl()}/fake-code/${encodeURIComponent(f.name)}` }
        return (ok(res, { Configuration: c, Code: code }), true)
      }
      case 'UpdateFunctionConfiguration': {
        if (f.updating) return (conflict(), true)
        const mem = input.MemorySize
        if (mem !== undefined && (typeof mem !== 'number' || mem < 128 || mem > 10240 || !Number.isInteger(mem)))
          return (err(res, 400, 'InvalidParameterValueException', `MemorySize ${JSON.stringify(mem)} must be an integer from 128 to 10240`), true)
        if (typeof mem === 'number') f.latest.MemorySize = mem
        f.revision++
        f.updating = true
        return (ok(res, configOf(f, '$LATEST', f.latest)), true)
      }
      case 'UpdateFunctionCode': {
        if (f.updating) return (conflict(), true)
        const archs = input.Architectures as string[] | undefined
        if (archs && (archs.length !== 1 || !['x86_64', 'arm64'].includes(archs[0]!)))
          return (err(res, 400, 'InvalidParameterValueException', `Architectures ${JSON.stringify(archs)} must be one of x86_64, arm64`), true)
        if (f.imageUri) {
          if (typeof input.ImageUri !== 'string')
            return (err(res, 400, 'InvalidParameterValueException', 'Please provide ImageUri for an Image function'), true)
        } else {
          if (typeof input.ZipFile !== 'string') return (err(res, 400, 'InvalidParameterValueException', 'Please provide a source for function code.'), true)
          f.code = Buffer.from(input.ZipFile, 'base64')
          f.latest.CodeSha256 = sha(f.code)
        }
        if (archs) f.latest.Architectures = [...archs]
        f.revision++
        f.updating = true
        return (ok(res, configOf(f, '$LATEST', f.latest)), true)
      }
      case 'PublishVersion': {
        if (f.updating) return (conflict(), true)
        const last = [...f.versions.entries()].at(-1)
        const same = last && JSON.stringify(last[1]) === JSON.stringify(f.latest)
        const v = same ? last[0] : String(Math.max(0, ...[...f.versions.keys()].map(Number)) + 1)
        if (!same) f.versions.set(v, { ...f.latest, Architectures: [...f.latest.Architectures] })
        return (ok(res, configOf(f, v, f.versions.get(v)!, false), 201), true)
      }
      case 'ListVersionsByFunction': {
        const all = ['$LATEST', ...f.versions.keys()]
        const from = Number(u.searchParams.get('Marker') ?? 0)
        const page = all.slice(from, from + 2) // small pages, so a caller that ignores NextMarker misses versions
        return (
          ok(res, {
            Versions: page.map((v) => configOf(f, v, v === '$LATEST' ? f.latest : f.versions.get(v)!, false)),
            ...(from + 2 < all.length ? { NextMarker: String(from + 2) } : {}),
          }),
          true
        )
      }
      case 'CreateAlias':
      case 'UpdateAlias': {
        const aliasName = action === 'CreateAlias' ? String(input.Name) : sub!
        const v = String(input.FunctionVersion)
        if (!f.versions.has(v)) return (err(res, 404, 'ResourceNotFoundException', `Function not found: ${arn(f, v)}`), true)
        if (action === 'CreateAlias' && f.aliases.has(aliasName))
          return (err(res, 409, 'ResourceConflictException', `Alias already exists: ${arn(f, aliasName)}`), true)
        if (action === 'UpdateAlias' && !f.aliases.has(aliasName))
          return (err(res, 404, 'ResourceNotFoundException', `Alias not found: ${arn(f, aliasName)}`), true)
        f.aliases.set(aliasName, v)
        return (ok(res, { AliasArn: arn(f, aliasName), Name: aliasName, FunctionVersion: v }, action === 'CreateAlias' ? 201 : 200), true)
      }
      case 'GetAlias': {
        const v = f.aliases.get(sub!)
        if (!v) return (err(res, 404, 'ResourceNotFoundException', `Alias not found: ${arn(f, sub)}`), true)
        return (ok(res, { AliasArn: arn(f, sub), Name: sub, FunctionVersion: v }), true)
      }
      case 'DeleteAlias':
        f.aliases.delete(sub!)
        res.writeHead(204).end()
        return true
      case 'DeleteFunction': {
        if (!qualifier || qualifier === '$LATEST') return (err(res, 400, 'InvalidParameterValueException', 'the fake deletes versions only'), true)
        const by = [...f.aliases.entries()].find(([, v]) => v === qualifier)
        if (by)
          return (err(res, 409, 'ResourceConflictException', `Unable to delete version because the following aliases reference it: [${arn(f, by[0])}]`), true)
        f.versions.delete(qualifier)
        f.warm.delete(qualifier)
        res.writeHead(204).end()
        return true
      }
      case 'InvokeFunction':
        return (invoke(f, qualifier, req, res), true)
    }
    err(res, 400, 'UnknownOperationException', `fake Lambda does not implement ${req.method} ${u.pathname}`)
    return true
  }

  function invoke(f: FnState, qualifier: string | null, req: IncomingMessage, res: ServerResponse): void {
    const v = resolveVersion(f, qualifier)
    if (!v) return err(res, 404, 'ResourceNotFoundException', `Function not found: ${arn(f, qualifier!)}`)
    const c = v === '$LATEST' ? f.latest : f.versions.get(v)!
    const n = f.invocations++
    const arch = c.Architectures[0]!
    const cold = !f.warm.has(v)
    f.warm.add(v)
    const md = f.model
    const wobble = 1 + 0.02 * Math.sin(n * 1.7)
    const cpu = md.cpuMs * Math.max(1, 1769 / c.MemorySize) * (arch === 'arm64' ? (md.armFactor ?? 1) : 1)
    const duration = Math.round((md.ioMs + cpu) * wobble * 100) / 100
    const init = cold ? Math.round(md.initMs * wobble * 100) / 100 : 0
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
    let error: string | undefined
    let used = Math.min(md.memoryUsedMB, c.MemorySize)
    if (!(md.archs ?? ['x86_64', 'arm64']).includes(arch)) error = 'Runtime.InvalidEntrypoint'
    else if (c.MemorySize < md.memoryUsedMB) {
      error = 'Runtime.OutOfMemory'
      used = c.MemorySize
    }
    const d = error === 'Runtime.InvalidEntrypoint' ? 0 : duration
    const report = `REPORT RequestId: ${id}\tDuration: ${d.toFixed(2)} ms\tBilled Duration: ${Math.ceil(d + init)} ms\tMemory Size: ${c.MemorySize} MB\tMax Memory Used: ${used} MB\t${cold ? `Init Duration: ${init.toFixed(2)} ms\t` : ''}`
    const log = `START RequestId: ${id} Version: ${v}\n${error ? `${id}\tERROR\t${error}\n` : ''}END RequestId: ${id}\n${report}\n`
    const tail = req.headers['x-amz-log-type'] === 'Tail'
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-amz-executed-version': v,
      ...(tail ? { 'x-amz-log-result': Buffer.from(log).toString('base64') } : {}),
      ...(error ? { 'x-amz-function-error': 'Unhandled' } : {}),
    })
    res.end(error ? JSON.stringify({ errorType: error, errorMessage: error }) : JSON.stringify({ ok: true }))
  }

  const api: FakeLambda = {
    state(name) {
      const f = fns.get(name)!
      return {
        memory: f.latest.MemorySize,
        arch: f.latest.Architectures[0]!,
        codeSha256: f.latest.CodeSha256,
        versions: [...f.versions.keys()],
        aliases: [...f.aliases.keys()],
      }
    },
    invocations: (name) => fns.get(name)?.invocations ?? 0,
  }
  return { handle, api }
}
