import { join, relative, resolve } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { defaultEffects, type Effects } from '../core/effects.js'
import { InputError, ToolError, UsageError } from '../core/errors.js'
import { EXIT, type ExitCode } from '../core/exit-codes.js'
import { VERSION } from '../core/version.js'
import { ResourceKindSchema } from '../core/report.js'
import { PERCENTILES } from '../analyzers/kit.js'
// Only light modules at start-up: the registry (every analyzer, its zod options) loads with the commands that use it.
import { SHARED_OPTIONS, type SharedOptions } from '../analyzers/shared-options.js'
import type { ConfigFlags, ResolvedConfig } from '../app/config.js'
import type { ExperimentFlags, PlanFlags } from './experiment.js'
import { workspaceCatalogPath } from '../catalog/load.js'
import { CONFIG_FILE_NAMES } from '../config/find.js'
import { REPORT_FORMATS, REPORT_PAGES, type ReportFormat } from '../reporters/registry.js'
import { KEY_MODES, LOG_FORMATS } from '../simulators/cache/result.js'
import { MONITOR_FORMATS, type MonitorFormat } from '../monitor/formats.js'
import { parseAsOf, parseDate, parseNumber, parsePercent, parseRange, parseRegions } from './parse.js'

const WORKSPACE_HELP = 'workspace folder holding headroom.duckdb (default: .headroom, or $HEADROOM_WORKSPACE)'
const STORE_HELP = 'a ClickHouse store in place of the workspace: clickhouse://host:8123/db[?shards=h:p,h:p] (or $HEADROOM_STORE, or store: in the config file)'

interface AnalyzeFlags {
  workspace?: string
  store?: string
  config?: string | false
  format: string
  out?: string
  failOn?: string
  lifecycleDir?: string
  percentile?: string
  headroom?: string
  memoryHeadroom?: string
  lookbackDays?: string
  asOf?: string
  top: string
  graviton: boolean
  preferArchitecture?: string
  rankBy?: string
  memoryBlind?: string
  region?: string
  color?: boolean
}

/**
 * The CLI entry: parses argv, runs the command, and maps every error to the one exit-code table.
 * Returns the exit code instead of calling process.exit, so tests can run it in-process too.
 */
export async function main(argv: readonly string[], effects: Effects = defaultEffects()): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK
  const debug = argv.includes('--debug')
  const program = new Command('headroom')
    .description('Performance-efficiency engine: measure, right-size and validate cloud workloads (AWS Well-Architected PERF).')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => effects.stdout.write(s), writeErr: (s) => effects.stderr.write(s) })
  // The workspace: --workspace, else $HEADROOM_WORKSPACE, else the config file's `workspace`, else .headroom.
  const workspaceOf = async (w?: string) => (await configOf(effects, undefined, w === undefined ? {} : { workspace: w })).workspace
  // The store: --store, else $HEADROOM_STORE, else the config file's `store`; none means the workspace's DuckDB file.
  const storeOf = async (url?: string) => (await configOf(effects, undefined, url === undefined ? {} : { store: url })).store

  // `report` takes the analysis settings but writes one HTML file: no format, gate, terminal rows or colour.
  const addAnalyzeFlags = (cmd: Command, output: 'document' | 'html' = 'document') => {
    cmd
      .option('-w, --workspace <dir>', WORKSPACE_HELP)
      .option('--store <url>', STORE_HELP)
      .option('--config <file>', `config file (default: the first ${CONFIG_FILE_NAMES[0]}, .yml or .json from here up)`)
      .option('--no-config', 'ignore config files: defaults and flags only')
    if (output === 'html')
      cmd
        .option('-o, --out <file>', 'the HTML file to write', 'report.html')
        .option('--pages <n>', 'resources with a page of charts: sized ones, those to up- or downsize first, by the monthly change', String(REPORT_PAGES))
    else
      cmd
        .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('terminal'))
        .option('-o, --out <file>', 'write the report to a file instead of stdout')
        .option(
          '--fail-on <finding|risk>',
          'exit 4 when any recommendation has this finding (underprovisioned, overprovisioned, flagged, insufficientdata) or current risk at least this level (low, medium, high)',
        )
        .option('--lifecycle-dir <dir>', "write each S3 bucket's lifecycle configuration with its best proposed rule to DIR/BUCKET.lifecycle.json")
    cmd
      .addOption(
        new Option('--percentile <p>', `${SHARED_OPTIONS.percentile.description}, every analyzer that sizes by one (default p99.5)`).choices(PERCENTILES),
      )
      .option('--headroom <pct>', `${SHARED_OPTIONS.headroomPct.description} (default 20)`)
      .option('--memory-headroom <pct>', `${SHARED_OPTIONS.memoryHeadroomPct.description} (default 20)`)
      .option('--lookback-days <n>', 'analysis window in days (default 14)')
      .option('--as-of <date>', "window end for every resource (default: each resource's latest sample)")
      .option('--no-graviton', 'do not suggest a change of CPU architecture (x86_64 <-> arm64)')
      .addOption(new Option('--prefer-architecture <pref>', `${SHARED_OPTIONS.preferArchitecture.description} (default current)`).choices(['current', 'any']))
      .addOption(new Option('--rank-by <order>', `${SHARED_OPTIONS.rankBy.description} (default risk)`).choices(['risk', 'price']))
      .addOption(new Option('--memory-blind <policy>', `${SHARED_OPTIONS.memoryBlind.description} (default keep)`).choices(['keep', 'allow-shrink']))
      .option('--region <region>', `${SHARED_OPTIONS.defaultRegion.description} (default us-east-1)`)
    if (output === 'document') cmd.option('--top <n>', 'rows per table in the terminal summary', '10').option('--no-color', 'no ANSI colours')
    return cmd
  }

  addAnalyzeFlags(program.command('analyze').description('Analyze the workspace and print recommendations')).action(
    async (flags: AnalyzeFlags, cmd: Command) => {
      code = await runAnalyzeCommand(flags, await analyzeConfig(flags, cmd, effects), effects)
    },
  )

  addAnalyzeFlags(
    program
      .command('report')
      .description(
        'Write the analysis as one self-contained HTML file: fleet cost and findings, a sortable table of every recommendation, a page of charts per sized resource (works offline)',
      ),
    'html',
  ).action(async (flags: AnalyzeFlags & { pages: string }, cmd: Command) => {
    const { runAnalyze } = await import('./analyze.js')
    code = await runAnalyze(
      {
        config: await analyzeConfig(flags, cmd, effects),
        format: 'html',
        out: resolve(effects.cwd, flags.out!),
        pages: parseNumber('--pages', flags.pages, { min: 0, max: 10_000, integer: true }),
        top: 10,
        color: false,
      },
      effects,
    )
  })

  program
    .command('experiment')
    .description(
      'The same load against two configurations or more (x86 vs Graviton, size A vs B), interleaved in rounds: throughput, latency and cost per request with confidence intervals; see docs/experiment.md',
    )
    .argument('[scenario|path]', 'an Artillery scenario file (each arm its target), or a path added to each arm URL; none: the arm URLs as given')
    .option(
      '--arm <name=URL[,type=T]>',
      'an arm: its URL and EC2 type (for the price); repeat, the first is the baseline',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--rounds <n>', 'rounds; each runs every arm once, the order alternating', '5')
    .option('--no-warmup', 'URL mode: skip the unrecorded run of each arm before round 1')
    .option('-d, --duration <time>', 'URL mode: length of one run', '10s')
    .option('-c, --connections <n>', 'URL mode, closed model: connections (default 10)')
    .option('-R, --rate <n>', 'URL mode: open model at n requests/s (compares latency at that load)')
    .option('-m, --method <method>', 'URL mode: HTTP method', 'GET')
    .option('--slo <objective>', "latency objective counted per round, e.g. 'p99<200ms'")
    .option(
      '--find-capacity',
      'instead of rounds: for each arm the highest arrival rate at which --slo holds (open model; rate doubled, then bisected to 10%; a scenario is scaled)',
    )
    .option('--start-rate <n>', '--find-capacity: the first rate tried (default 50 requests/s; a scenario: its own peak arrival rate)')
    .option('--max-rate <n>', '--find-capacity: stop here (the arm holds at least this)', '100000')
    .option('--confidence <level>', 'of the intervals and the verdict: 0.9, 0.95 or 0.99', '0.95')
    .option('--region <region>', 'region for the prices of the types; --lambda: the function’s (default: the ARN’s, AWS_REGION, us-east-1)')
    .option('--fail-on <what>', 'regression: exit 4 when an arm is significantly worse than the first on the verdict metric')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['terminal', 'json', 'md', 'html']).default('terminal'))
    .option('-o, --out <file>', 'also write the JSON result (schema/experiment-result.schema.json; --lambda: schema/lambda-experiment-result.schema.json)')
    .option('--workers <n>', 'load-generator worker threads')
    .option('--no-color', 'no ANSI colours')
    .option('--lambda <function>', 'Lambda mode: the function (name or ARN, no qualifier) to invoke at each --memory and --arch; see docs/experiment.md')
    .option('--memory <list>', '--lambda: memory sizes in MB', '128,256,512,1024,1536,3008')
    .option('--arch <list>', '--lambda: x86_64, arm64 or both (default: the function’s own)')
    .option('--invocations <n>', '--lambda: invocations per setting, spread over the rounds', '20')
    .option('--payload <json>', '--lambda: the event to invoke with', '{}')
    .option('--payload-file <file>', '--lambda: the event, from a JSON file')
    .addOption(
      new Option('--strategy <s>', '--lambda: what the choice optimises (as Lambda Power Tuning)').choices(['cost', 'speed', 'balanced']).default('cost'),
    )
    .option('--balanced-weight <w>', '--lambda, balanced: weight of cost against duration, 0-1', '0.5')
    .option('--profile <name>', '--lambda: AWS shared-config profile')
    .option('--types <list>', 'plan: the instance types to launch, e.g. m5.large,m6g.large')
    .option('--ami-x86 <ami>', 'plan: the service image for x86_64 types')
    .option('--ami-arm <ami>', 'plan: the service image for arm64 (Graviton) types')
    .option('--subnet <id>', 'plan: subnet to launch in')
    .option('--security-group <id>', 'plan: security group; repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--key-name <name>', 'plan: EC2 key pair')
    .option('--port <n>', 'plan: the port the service listens on', '8080')
    .option('--stack <name>', 'plan: stack name and the headroom:experiment tag', 'headroom-experiment')
    .option('--as <form>', 'plan: cloudformation or cli', 'cloudformation')
    .addHelpText(
      'after',
      '\nheadroom experiment plan --types m5.large,m6g.large --ami-x86 ami-... --ami-arm ami-... prints (does not run) how to launch and tear down the arms, with their cost per hour.',
    )
    .action(async (input: string | undefined, f: ExperimentFlags & PlanFlags) => {
      if (input === 'plan') {
        const { runExperimentPlan } = await import('./experiment.js')
        code = await runExperimentPlan(f, effects)
        return
      }
      const { runExperimentCommand } = await import('./experiment.js')
      code = await runExperimentCommand(
        input,
        { ...f, ...(f.out ? { out: resolve(effects.cwd, f.out) } : {}), color: f.color !== false && effects.stdout.isTTY === true && !effects.env.NO_COLOR },
        effects,
      )
    })

  program
    .command('serve')
    .description('Serve the HTML report live over the workspace on 127.0.0.1 (read-only, a token per start): change percentile and headroom from the page')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--config <file>', 'config file (default: found from here up)')
    .option('--no-config', 'ignore config files')
    .option('--port <n>', 'port (0: a free one)', '0')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow a --host other than loopback (anyone who can reach it and has the token reads the workspace)')
    .option('--pages <n>', 'resources with a page of charts', String(REPORT_PAGES))
    .action(async (f: { workspace?: string; config?: string | false; port: string; host: string; allowRemote?: boolean; pages: string }) => {
      const { runServe } = await import('./serve.js')
      code = await runServe(
        {
          config: (shared) => configOf(effects, f.config, { ...(f.workspace === undefined ? {} : { workspace: f.workspace }), shared }),
          host: f.host,
          port: parseNumber('--port', f.port, { min: 0, max: 65535, integer: true }),
          allowRemote: f.allowRemote === true,
          pages: parseNumber('--pages', f.pages, { min: 0, max: 10_000, integer: true }),
        },
        effects,
      )
    })

  program
    .command('config')
    .description('Print the resolved configuration (defaults < config file < $HEADROOM_WORKSPACE < flags) and where each value came from; see docs/config.md')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--config <file>', 'config file (default: found from here up)')
    .option('--no-config', 'ignore config files')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['terminal', 'json']).default('terminal'))
    .action(async (flags: { workspace?: string; config?: string | false; format: string }) => {
      const { runConfig } = await import('./config.js')
      runConfig(
        await configOf(effects, flags.config, flags.workspace === undefined ? {} : { workspace: flags.workspace }),
        flags.format === 'json' ? 'json' : 'terminal',
        effects,
      )
    })

  addAnalyzeFlags(
    program
      .command('demo')
      .description('Import the bundled real traces (100 Azure VMs, NAB CloudWatch EC2/RDS series) and analyze them; no cloud account needed'),
  ).action(async (flags: AnalyzeFlags, cmd: Command) => {
    const { runDemo } = await import('./demo.js')
    // One resolution for both steps: the demo imports into the workspace the analysis then reads.
    const config = await analyzeConfig(flags, cmd, effects)
    const ws = config.workspace
    await runDemo(ws, effects)
    const htmlOut = join(ws, 'report.html')
    code = await runAnalyzeCommand(flags, config, effects, htmlOut)
    if (flags.format === 'terminal' && !flags.out) {
      const { runDemoScaling, DEMO_POLICY_FILE, DEMO_SEED, DEMO_SHOP_SERVER } = await import('./demo.js')
      const policyHint = relative(effects.cwd, DEMO_POLICY_FILE) || DEMO_POLICY_FILE
      effects.stdout.write('\n')
      await runDemoScaling(ws, effects, flags.color !== false && effects.stdout.isTTY === true && !effects.env.NO_COLOR)
      effects.stderr.write(
        `\nThe workspace ${ws} is ready, and the analysis as a page with charts is in ${relative(effects.cwd, htmlOut) || htmlOut} (open it in a browser). Try:\n  npx headroom analyze --format md --out report.md\n  npx headroom analyze --percentile max --headroom 30\n` +
          `  npx headroom simulate scaling --group nab-asg-misconfiguration --policy-file ${policyHint} --search\n  npx headroom catalog --vcpus 4 --memory 16+ --arch arm64\n  npx headroom review\n` +
          `Load-test the bundled example API with the product document's scenario:\n  node ${relative(effects.cwd, DEMO_SHOP_SERVER) || DEMO_SHOP_SERVER} 8080 &\n  npx headroom loadtest ${relative(effects.cwd, DEMO_SEED) || DEMO_SEED} --target http://127.0.0.1:8080 --duration-scale 0.05\n`,
      )
    }
  })

  const collect = program.command('collect').description('Fill the workspace store from a source')
  collect
    .command('file')
    .description('Import samples (CSV/Parquet, optionally .gz) and resource manifests (CSV/JSON); see docs/file-format.md')
    .argument('<paths...>', 'files to import; all are validated before anything is written')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--period <seconds>', 'sample period for files without a period column', '300')
    .option('--kind <kind>', `kind for resources found only in samples (${ResourceKindSchema.options.join(', ')})`, 'ec2-instance')
    .option('--as-of <date>', 'the time the data ends, if later than now (samples after it + --clock-skew are errors)')
    .option('--clock-skew <duration>', 'how far samples may lie ahead of now (or --as-of): 5m, 30s, 1h', '5m')
    .option('--any-time', 'synthetic data: accept any timestamp (no future or pre-2006 check)')
    .option('--store <url>', STORE_HELP)
    .action(
      async (
        paths: string[],
        flags: { workspace?: string; store?: string; period: string; kind: string; asOf?: string; clockSkew: string; anyTime?: boolean },
      ) => {
        const period = parseNumber('--period', flags.period, { min: 1, max: 86400, integer: true })
        const kind = ResourceKindSchema.safeParse(flags.kind)
        if (!kind.success) throw new UsageError(`--kind '${flags.kind}' is not a resource kind`, `Use one of: ${ResourceKindSchema.options.join(', ')}.`)
        const { parseDurationMs } = await import('../core/duration.js')
        const skew = parseDurationMs(flags.clockSkew)
        if (skew === undefined || skew < 0) throw new UsageError(`--clock-skew '${flags.clockSkew}' is not a duration`, 'Write it like 5m, 30s or 1h.')
        const notAfter = (flags.asOf ? parseDate('--as-of', flags.asOf) : effects.now()) + skew
        const { runCollectFile } = await import('./collect.js')
        await runCollectFile(
          await workspaceOf(flags.workspace),
          paths.map((p) => resolve(effects.cwd, p)),
          { defaultPeriodSec: period, defaultKind: kind.data, notAfter, ...(flags.anyTime ? { anyTime: true } : {}) },
          effects,
          await storeOf(flags.store),
        )
      },
    )

  collect
    .command('lambda-logs')
    .description(
      "A Lambda function's REPORT lines from exported logs: invocations, duration, memory used and cold starts (docs/analyzers/lambda-cold-starts.md)",
    )
    .argument('<paths...>', 'aws logs tail output, or filter-log-events / Logs Insights JSON (optionally .gz)')
    .requiredOption('--function <name>', 'the function the logs are from')
    .option('--region <region>', 'its region (the id becomes region:name, as collect aws names it)')
    .option('--arch <arch>', 'its architecture (REPORT lines do not say)', 'x86_64')
    .option('--period <seconds>', 'aggregation period', '300')
    .option('--any-time', 'synthetic data: accept any timestamp')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action(async (paths: string[], flags: { function: string; region?: string; arch: string; period: string; anyTime?: boolean; workspace?: string }) => {
      const period = parseNumber('--period', flags.period, { min: 60, max: 86400, integer: true })
      const { runCollectLambdaLogs } = await import('./collect-lambda-logs.js')
      await runCollectLambdaLogs(
        await workspaceOf(flags.workspace),
        paths.map((p) => resolve(effects.cwd, p)),
        { function: flags.function, ...(flags.region ? { region: flags.region } : {}), arch: flags.arch, period },
        { notAfter: effects.now() + 5 * 60_000, ...(flags.anyTime ? { anyTime: true } : {}) },
        effects,
      )
    })

  collect
    .command('s3-inventory')
    .description('An S3 Inventory report: bytes and objects by storage class and age, for lifecycle rules (docs/analyzers/s3.md)')
    .argument('<manifest>', "the report's manifest.json, with the data files it lists downloaded beside it")
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action(async (manifest: string, flags: { workspace?: string }) => {
      const { runCollectS3Inventory } = await import('./collect-s3-inventory.js')
      await runCollectS3Inventory(await workspaceOf(flags.workspace), resolve(effects.cwd, manifest), { notAfter: effects.now() + 5 * 60_000 }, effects)
    })

  collect
    .command('aws')
    .description('Discover EC2, EBS, Lambda, RDS, DynamoDB, Auto Scaling, ECS and S3 resources and collect their CloudWatch metrics (read-only; docs/aws.md)')
    .option('--regions <list>', 'comma list of regions, or all', '')
    .option('--days <n>', 'days of history (over 63: 1-hour periods)', '14')
    .option('--profile <name>', 'AWS shared-config profile (default: the SDK default chain)')
    .option('--kinds <list>', 'comma list of ec2, ebs, lambda, rds, dynamodb, asg, ecs, s3', 'ec2,ebs,lambda,rds,dynamodb,asg,ecs,s3')
    .option('--dry-run', 'print resources, series, calls and the estimated CloudWatch cost, and fetch nothing')
    .option('--rate <n>', 'GetMetricData calls per second at most', '40')
    .option('--concurrency <n>', 'GetMetricData calls in flight', '8')
    .option('--as-of <date>', "window end (default: now, or the interrupted run's end when resuming)")
    .option('--compute-optimizer', "also fetch AWS Compute Optimizer's EC2, EBS and Lambda recommendations; analyze shows them beside headroom's")
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--store <url>', STORE_HELP)
    .action(async (f: Record<string, string | boolean | undefined>) => {
      const { runCollectAws } = await import('./collect-aws.js')
      const { AWS_KINDS } = await import('../sources/aws/discover.js')
      const s = (k: string) => (typeof f[k] === 'string' ? f[k] : undefined)
      const { sdkRegion } = await import('../sources/aws/clients.js')
      const regionsRaw = (s('regions') || effects.env.AWS_REGION || effects.env.AWS_DEFAULT_REGION || (await sdkRegion(s('profile'))) || '').trim()
      if (!regionsRaw) {
        // `export AWS_REGION=` reads as unset to the SDK; saying "set AWS_REGION" to someone who did would puzzle them.
        const empty = ['AWS_REGION', 'AWS_DEFAULT_REGION'].filter((k) => effects.env[k] !== undefined && !effects.env[k].trim())
        throw new UsageError(
          `no region: pass --regions us-east-1 (comma list, or all), set AWS_REGION, or set region in the ${s('profile') ? `'${s('profile')!}'` : 'default'} profile${empty.length ? ` (${empty.join(' and ')} ${empty.length > 1 ? 'are' : 'is'} set but empty)` : ''}`,
        )
      }
      const kinds = (s('kinds') ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
      const bad = kinds.find((k) => !(AWS_KINDS as readonly string[]).includes(k))
      if (bad || kinds.length === 0) throw new UsageError(`--kinds '${bad ?? ''}' is not one of ${AWS_KINDS.join(', ')}`)
      const regions = parseRegions(regionsRaw, true)
      code = await runCollectAws(
        {
          workspace: await workspaceOf(s('workspace')),
          store: await storeOf(s('store')),
          regions,
          days: parseNumber('--days', s('days') ?? '14', { min: 1, max: 455, integer: true }),
          ...(s('profile') ? { profile: s('profile') } : {}),
          kinds: kinds as (typeof AWS_KINDS)[number][],
          dryRun: f.dryRun === true,
          rate: parseNumber('--rate', s('rate') ?? '40', { min: 0.1, max: 1000 }),
          concurrency: parseNumber('--concurrency', s('concurrency') ?? '8', { min: 1, max: 64, integer: true }),
          ...(s('asOf') ? { end: parseAsOf(s('asOf')!, effects.now()) } : {}),
          computeOptimizer: f.computeOptimizer === true,
        },
        effects,
      )
    })

  collect
    .command('prometheus')
    .description('Collect hosts (node_exporter) and containers (cAdvisor, kube-state-metrics) from Prometheus; see docs/prometheus.md')
    .requiredOption('--url <url>', 'Prometheus base URL, e.g. http://127.0.0.1:9090')
    .option('--days <n>', 'days of history', '14')
    .option('--selector <matcher>', 'PromQL label matcher for node_exporter/cAdvisor series, e.g. \'{job="node"}\'', '')
    .option(
      '--header <header>',
      '"Name: value" sent with every request (repeatable), e.g. "Authorization: Bearer TOKEN"',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--basic-auth <user:password>', 'HTTP basic authentication')
    .option('--timeout <seconds>', 'per request', '30')
    .option('--concurrency <n>', 'requests in flight', '4')
    .option('--no-hosts', 'skip node_exporter hosts')
    .option('--no-containers', 'skip cAdvisor containers')
    .option('--resolution <seconds>', 'seconds per stored point (5-minute maxima and averages by default)', '300')
    .option('--rate-window <duration>', 'irate() range for the per-minute points of each maximum; at least twice the scrape interval', '2m')
    .option('--as-of <date>', 'window end (default: now)')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--store <url>', STORE_HELP)
    .action(async (f: Record<string, string | boolean | string[] | undefined>) => {
      const { runCollectPrometheus } = await import('./collect-prometheus.js')
      const s = (k: string) => (typeof f[k] === 'string' ? f[k] : undefined)
      if (s('rateWindow') && !/^\d+[smh]$/.test(s('rateWindow')!))
        throw new UsageError(`--rate-window '${s('rateWindow')}' is not a duration`, 'Write it like 2m or 60s.')
      await runCollectPrometheus(
        {
          workspace: await workspaceOf(s('workspace')),
          store: await storeOf(s('store')),
          url: s('url')!,
          days: parseNumber('--days', s('days') ?? '14', { min: 0.001, max: 400 }),
          selector: s('selector') ?? '',
          headers: (f.header as string[] | undefined) ?? [],
          ...(s('basicAuth') ? { basicAuth: s('basicAuth') } : {}),
          timeoutSec: parseNumber('--timeout', s('timeout') ?? '30', { min: 0.1 }),
          concurrency: parseNumber('--concurrency', s('concurrency') ?? '4', { min: 1, max: 64, integer: true }),
          hosts: f.hosts !== false,
          containers: f.containers !== false,
          resolutionSec: parseNumber('--resolution', s('resolution') ?? '300', { min: 1, integer: true }),
          rateWindow: s('rateWindow') ?? '2m',
          end: s('asOf') ? parseAsOf(s('asOf')!, effects.now()) : effects.now(),
          shardSize: 100,
        },
        effects,
      )
    })

  const catalogCmd = program
    .command('catalog')
    .description('List EC2 instance types from the catalog, cheapest first; `catalog update` refreshes it from the AWS APIs')
    .option('--vcpus <n>', 'vCPUs: 4, 4-8, 4+ or -8')
    .option('--memory <gib>', 'memory in GiB: 16, 8-32, 16+ or -32')
    .addOption(new Option('--arch <arch>', 'CPU architecture').choices(['x86_64', 'arm64']))
    .option('--family <list>', 'families, comma-separated; m* matches every m family')
    .option('--max-price <usd>', 'highest on-demand price per hour')
    .option('--region <region>', 'region for offering and price', 'us-east-1')
    .option('--burstable', 'only burstable (T) types')
    .option('--no-burstable', 'no burstable types')
    .option('--all-generations', 'include previous-generation types')
    .option('--limit <n>', 'rows to print (terminal only)', '25')
    .option('--json', 'print JSON instead of a table')
    .option('-w, --workspace <dir>', `${WORKSPACE_HELP}; its catalog/ec2.json, if present, overrides the bundled catalog`)
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const { runCatalog } = await import('./catalog.js')
      const str = (k: string) => (typeof flags[k] === 'string' ? flags[k] : undefined)
      const vcpus = str('vcpus') ? parseRange('--vcpus', str('vcpus')!) : {}
      const memory = str('memory') ? parseRange('--memory', str('memory')!) : {}
      runCatalog(
        {
          ...(vcpus.min !== undefined ? { minVcpus: vcpus.min } : {}),
          ...(vcpus.max !== undefined ? { maxVcpus: vcpus.max } : {}),
          ...(memory.min !== undefined ? { minMemoryGiB: memory.min } : {}),
          ...(memory.max !== undefined ? { maxMemoryGiB: memory.max } : {}),
          ...(str('arch') ? { arch: str('arch') } : {}),
          ...(str('family') ? { family: str('family') } : {}),
          ...(str('maxPrice') ? { maxPricePerHour: parseNumber('--max-price', str('maxPrice')!, { min: 0 }) } : {}),
          ...(typeof flags.burstable === 'boolean' && argv.some((a) => a === '--burstable' || a === '--no-burstable') ? { burstable: flags.burstable } : {}),
          region: str('region') ?? 'us-east-1',
          currentGenerationOnly: !flags.allGenerations,
        },
        {
          json: flags.json === true,
          limit: parseNumber('--limit', str('limit') ?? '25', { min: 1, integer: true }),
          overlay: workspaceCatalogPath(await workspaceOf(str('workspace'))),
        },
        effects,
      )
    })

  program
    .command('loadtest')
    .description('Load-test a target: an Artillery scenario file (open model), a URL (autocannon-style), or `compare BASE NEW`; see docs/loadtest.md')
    .argument('<script|url|compare>', 'scenario YAML, http(s) URL, or the word compare')
    .argument('[files...]', 'compare: BASE.json NEW.json')
    .option('-e, --environment <name>', 'use config.environments.<name>')
    .option('--target <url>', 'override config.target (e.g. a local server)')
    .option('--duration-scale <x>', 'multiply every phase duration (0.05 = a quick check)')
    .option('-o, --out <file>', 'write the JSON result (histograms included, for compare)')
    .addOption(new Option('-f, --format <format>', 'stdout format').choices(REPORT_FORMATS).default('terminal'))
    .option('--no-color', 'no ANSI colours')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('-c, --connections <n>', 'connections, all workers together (URL default 10; scenario default 64 per worker)')
    .option('-d, --duration <time>', 'URL mode: how long (30, 30s, 2m)', '10')
    .option('-R, --rate <n>', 'URL mode: open model at n requests/s (latency from the schedule)')
    .option('-p, --pipelining <n>', 'URL mode, closed model: requests in flight per connection')
    .option('-a, --amount <n>', 'URL mode, closed model: stop after n requests')
    .option('-m, --method <method>', 'URL mode: HTTP method', 'GET')
    .option('-H, --header <k:v>', 'URL mode: request header; repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-b, --body <text>', 'URL mode: request body')
    .option('--timeout <time>', 'per-request timeout (default 10 s, or config.http.timeout)')
    .option('--max-in-flight <n>', 'cap on virtual users in flight; arrivals beyond it are skipped and counted', '20000')
    .option('--quiet', 'no progress line')
    .option('--max-p99-regression <pct>', 'compare: fail when NEW p99 exceeds BASE p99 by more than this')
    .option('--max-error-rate <pct>', 'exit 5 when the request error rate (network errors, timeouts, unexpected statuses) exceeds this; with compare, of NEW')
    .option('--expect <statuses>', 'statuses that count as answers; others are errors (default 2xx,3xx; e.g. 2xx,404 or 200-299)')
    .option('--allow-different-targets', 'compare: allow BASE and NEW to come from different targets')
    .action(async (input: string, files: string[], f: Record<string, string | boolean | string[] | undefined>, cmd: Command) => {
      const s = (k: string) => (typeof f[k] === 'string' ? f[k] : undefined)
      const given = (k: string) => cmd.getOptionValueSource(k) === 'cli'
      if (input === 'compare') {
        const { runLoadTestCompare } = await import('./loadtest.js')
        code = await runLoadTestCompare(
          files.map((x) => resolve(effects.cwd, x)),
          {
            ...(s('maxP99Regression') ? { maxP99Regression: s('maxP99Regression') } : {}),
            ...(s('maxErrorRate') ? { maxErrorRate: s('maxErrorRate') } : {}),
            ...(s('format') === 'json' || s('format') === 'html' ? { format: s('format') } : {}),
            ...(f.allowDifferentTargets === true ? { allowDifferentTargets: true } : {}),
          },
          effects,
        )
        return
      }
      if (files.length > 0) throw new UsageError(`unexpected argument '${files[0]}'`, 'Run one scenario file or URL at a time.')
      const { runLoadTestCommand } = await import('./loadtest.js')
      const target = /^https?:\/\//i.test(input) ? input : resolve(effects.cwd, input)
      code = await runLoadTestCommand(
        target,
        {
          ...(s('environment') ? { environment: s('environment') } : {}),
          ...(s('target') ? { target: s('target') } : {}),
          ...(s('durationScale') ? { durationScale: s('durationScale') } : {}),
          ...(s('out') ? { out: resolve(effects.cwd, s('out')!) } : {}),
          format: s('format') ?? 'terminal',
          ...(s('workers') ? { workers: s('workers') } : {}),
          ...(s('connections') ? { connections: s('connections') } : {}),
          ...(given('duration') ? { duration: s('duration') } : {}),
          ...(s('rate') ? { rate: s('rate') } : {}),
          ...(s('pipelining') ? { pipelining: s('pipelining') } : {}),
          ...(s('amount') ? { amount: s('amount') } : {}),
          ...(given('method') ? { method: s('method') } : {}),
          header: (f.header as string[] | undefined) ?? [],
          ...(s('body') !== undefined ? { body: s('body') } : {}),
          ...(s('timeout') ? { timeout: s('timeout') } : {}),
          ...(s('maxInFlight') ? { maxInFlight: s('maxInFlight') } : {}),
          quiet: f.quiet === true,
          color: f.color !== false && effects.stdout.isTTY === true && !effects.env.NO_COLOR,
          ...(s('expect') ? { expect: s('expect') } : {}),
          ...(s('maxErrorRate') ? { maxErrorRate: s('maxErrorRate') } : {}),
        },
        effects,
      )
    })

  catalogCmd
    .command('update')
    .description('Refresh specs (DescribeInstanceTypes), regional offerings and on-demand Linux prices (Pricing GetProducts) into <workspace>/catalog/ec2.json')
    .option('--regions <list>', 'comma list of regions to price (default: AWS_REGION, else us-east-1)')
    .option('--profile <name>', 'AWS shared-config profile')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .action(async (f: Record<string, string | undefined>) => {
      const { runCatalogUpdate } = await import('./collect-aws.js')
      const { sdkRegion } = await import('../sources/aws/clients.js')
      const regions = parseRegions(
        f.regions || effects.env.AWS_REGION || effects.env.AWS_DEFAULT_REGION || (await sdkRegion(f.profile)) || 'us-east-1',
        false,
      ) as string[]
      // `catalog` has its own --workspace, so commander may hand the flag to the parent command.
      const ws = f.workspace ?? catalogCmd.opts<{ workspace?: string }>().workspace
      code = await runCatalogUpdate({ workspace: await workspaceOf(ws), regions, ...(f.profile ? { profile: f.profile } : {}) }, effects)
    })

  const simulate = program.command('simulate').description('What-if simulations over the stored load')
  simulate
    .command('scaling')
    .description("Replay a group's recorded load against its scaling policies (and a search grid); see docs/simulate.md")
    .requiredOption('-g, --group <name>', 'the Auto Scaling group: a stored resource with this id, or members tagged aws:autoscaling:groupName')
    .option(
      '-p, --policy-file <file>',
      'CloudFormation template (JSON/YAML), describe-policies or describe-alarms JSON, or {"policies": [...]}; repeatable',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--search', 'also evaluate a grid of target tracking and step policies and report the Pareto front')
    .option('--instance-type <types>', 'instance type of the group, or a comma list for a mixed group launched round robin (default: from the manifest)')
    .option('--region <region>', "region for prices (default: the group's, else us-east-1)")
    .option('--launch-delay <seconds>', 'boot + warm-up: seconds until a new instance serves load', '300')
    .option('--min <n>', 'min size (default: template, then manifest)')
    .option('--max <n>', 'max size (default: template, then manifest)')
    .option('--desired <n>', 'desired capacity at the start (default: template, then manifest, then min)')
    .option('--recorded-instances <n>', 'instances that produced a group-average CPU series (turns the average into load)')
    .option('--metric <metric>', 'the load metric', 'cpu.utilization')
    .option('--per-instance-capacity <n>', 'load one instance serves at 100% per minute (needed for non-CPU metrics)')
    .option('--limit <pct>', 'utilization limit: minutes with demand above serving capacity x limit are breach minutes', '100')
    .option('--days <n>', 'days of load before the latest sample', '14')
    .option('--as-of <date>', 'end of the window (default: the latest sample)')
    .option('--timeline', 'include per-minute timelines (current and cheapest zero-breach) in JSON')
    .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('terminal'))
    .option('-o, --out <file>', 'write the report to a file')
    .option('--fail-on-breach', 'exit 4 when the current policy has breach minutes')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--no-color', 'no ANSI colours')
    .action(async (f: Record<string, string | boolean | string[] | undefined>) => {
      const { runSimulateScaling } = await import('./simulate.js')
      const s = (k: string) => (typeof f[k] === 'string' ? f[k] : undefined)
      const int = (k: string, flag: string, min = 0) => (s(k) === undefined ? undefined : parseNumber(flag, s(k)!, { min, integer: true }))
      code = await runSimulateScaling(
        {
          workspace: await workspaceOf(s('workspace')),
          group: s('group')!,
          policyFiles: ((f.policyFile as string[] | undefined) ?? []).map((p) => resolve(effects.cwd, p)),
          search: f.search === true,
          ...(s('instanceType') ? { instanceType: s('instanceType') } : {}),
          ...(s('region') ? { region: s('region') } : {}),
          launchDelaySec: parseNumber('--launch-delay', s('launchDelay') ?? '300', { min: 0, max: 7200 }),
          ...(int('min', '--min') === undefined ? {} : { minSize: int('min', '--min') }),
          ...(int('max', '--max', 1) === undefined ? {} : { maxSize: int('max', '--max', 1) }),
          ...(int('desired', '--desired') === undefined ? {} : { desiredCapacity: int('desired', '--desired') }),
          ...(int('recordedInstances', '--recorded-instances', 1) === undefined
            ? {}
            : { recordedInstances: int('recordedInstances', '--recorded-instances', 1) }),
          metric: s('metric') ?? 'cpu.utilization',
          ...(s('perInstanceCapacity') ? { perInstanceCapacity: parseNumber('--per-instance-capacity', s('perInstanceCapacity')!, { min: 0 }) } : {}),
          limitPct: parseNumber('--limit', (s('limit') ?? '100').replace(/%$/, ''), { min: 1, max: 100 }),
          days: parseNumber('--days', s('days') ?? '14', { min: 1, max: 400 }),
          ...(s('asOf') ? { asOf: parseAsOf(s('asOf')!, effects.now()) } : {}),
          // The HTML page draws a timeline for every outcome it shows (reduced for display), JSON only when asked.
          timeline: f.timeline === true ? true : s('format') === 'html' ? 'all' : false,
          format: (s('format') ?? 'terminal') as ReportFormat,
          ...(s('out') ? { out: resolve(effects.cwd, s('out')!) } : {}),
          failOnBreach: f.failOnBreach === true,
          color: f.color !== false && effects.stdout.isTTY === true && !effects.env.NO_COLOR,
        },
        effects,
      )
    })

  simulate
    .command('cache')
    .description('Hit ratio vs cache size from access logs (exact LRU, every size at once) and the cache a target hit ratio needs; see docs/cache.md')
    .argument('<logs...>', 'access log files, plain or gzip')
    .addOption(new Option('--format-log <format>', 'log format').choices(LOG_FORMATS).default('combined'))
    .addOption(new Option('--key <key>', 'what identifies a cached object').choices(KEY_MODES).default('path+query'))
    .option('--target-hit-ratio <ratio>', 'the hit ratio to size the cache for (0-1, or a percentage)', '0.9')
    .option('--sample <rate>', 'SHARDS spatial sampling rate for large logs, e.g. 0.01 (default: 1, exact)')
    .option('--policy <list>', 'also replay these eviction policies at the same sizes: comma list of lru, fifo, lfu, s3fifo')
    .option('--ttl <duration>', 'objects expire this long after they are stored, e.g. 1h (replayed; LRU unless --policy)')
    .option('--node-prices <file>', 'price ElastiCache nodes for the target from an AWS Price List file (aws pricing get-products; see docs/cache.md)')
    .option('--engine <engine>', 'with --node-prices: the engine to price (redis, valkey, memcached)', 'redis')
    .option('--region <region>', "with --node-prices: the region to price (default: the file's only region)")
    .option('--reserved-memory <pct>', "with --node-prices: share of each node's memory the engine keeps (default: 25% for redis and valkey, 0 for memcached)")
    .option('--for <resource-id>', "store the measured hit ratio for this RDS instance or DynamoDB table; analyze's caching estimate uses it")
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('terminal'))
    .option('-o, --out <file>', 'write the report to a file')
    .option('--no-color', 'no ANSI colours')
    .action(async (logs: string[], f: Record<string, string | boolean | undefined>) => {
      const { runSimulateCache } = await import('./simulate.js')
      const { POLICIES } = await import('../simulators/cache/policies.js')
      const { parseDurationMs } = await import('../core/duration.js')
      const policies = typeof f.policy === 'string' ? f.policy.split(',').map((p) => p.trim().toLowerCase()) : undefined
      const badPolicy = policies?.find((p) => !(POLICIES as readonly string[]).includes(p))
      if (badPolicy !== undefined || policies?.length === 0)
        throw new UsageError(`--policy '${badPolicy ?? ''}' is not an eviction policy headroom replays`, `Use a comma list of: ${POLICIES.join(', ')}.`)
      const ttlMs = typeof f.ttl === 'string' ? parseDurationMs(f.ttl) : undefined
      if (typeof f.ttl === 'string' && (ttlMs === undefined || ttlMs <= 0))
        throw new UsageError(`--ttl '${f.ttl}' is not a duration`, 'Write it like 1h, 30m or 3600.')
      const share = (flag: string, value: string, max: number) => {
        const raw = value.trim()
        return raw.endsWith('%') ? parseNumber(flag, raw.slice(0, -1), { min: 0, max: max * 100 }) / 100 : parseNumber(flag, raw, { min: 0, max })
      }
      const target = share('--target-hit-ratio', String(f.targetHitRatio ?? '0.9'), 1)
      const engine = String(f.engine ?? 'redis').toLowerCase()
      for (const flag of ['region', 'reservedMemory'] as const)
        if (typeof f[flag] === 'string' && typeof f.nodePrices !== 'string')
          throw new UsageError(
            `--${flag === 'region' ? 'region' : 'reserved-memory'} applies to --node-prices`,
            'Pass --node-prices FILE as well, or drop the flag.',
          )
      code = await runSimulateCache(
        {
          files: logs.map((p) => resolve(effects.cwd, p)),
          format: f.formatLog as (typeof LOG_FORMATS)[number],
          key: f.key as (typeof KEY_MODES)[number],
          targetHitRatio: target,
          ...(typeof f.sample === 'string' ? { sample: parseNumber('--sample', f.sample, { min: 0.0001, max: 1 }) } : {}),
          ...(policies ? { policies: policies as (typeof POLICIES)[number][] } : {}),
          ...(ttlMs !== undefined ? { ttlSec: ttlMs / 1000 } : {}),
          ...(typeof f.nodePrices === 'string'
            ? {
                nodePricing: {
                  file: resolve(effects.cwd, f.nodePrices),
                  engine,
                  ...(typeof f.region === 'string' ? { region: f.region } : {}),
                  ...(typeof f.reservedMemory === 'string' ? { reservedShare: share('--reserved-memory', f.reservedMemory, 0.99) } : {}),
                },
              }
            : {}),
          reportFormat: (f.format ?? 'terminal') as ReportFormat,
          ...(typeof f.out === 'string' ? { out: resolve(effects.cwd, f.out) } : {}),
          color: f.color !== false && effects.stdout.isTTY === true && !effects.env.NO_COLOR,
          ...(typeof f.for === 'string' ? { for: f.for, workspace: await workspaceOf(typeof f.workspace === 'string' ? f.workspace : undefined) } : {}),
        },
        effects,
      )
    })

  program
    .command('monitor')
    .description('CloudWatch dashboards and alarms (or Prometheus rules) from what the analysis measured; --apply puts them; see docs/monitor.md')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--config <file>', 'config file (default: found from here up)')
    .option('--no-config', 'ignore config files')
    .addOption(new Option('-f, --format <format>', 'what to write').choices(MONITOR_FORMATS).default('cloudformation-yaml'))
    .option('-o, --out <file>', 'write it to a file (default: stdout)')
    .option('--name <prefix>', 'dashboard name (prefix with --group-by-tag)', 'headroom')
    .option('--region <region>', "only resources in this region (default: the workspace's only region)")
    .option('--group-by-tag <key>', 'one dashboard per value of this tag (e.g. workload)')
    .option('--resources <ids>', 'only these resources: comma list of ids')
    .option('--after-recommendations', "size alarm thresholds for each resource's recommended type instead of today's")
    .option('--alarm-actions <arns>', 'comma list of ARNs (e.g. an SNS topic) the alarms notify')
    .option('--apply', 'put the dashboards and alarms through the CloudWatch API (write actions: docs/iam-policy-monitor.json)')
    .option('--profile <name>', 'AWS profile for --apply')
    .action(
      async (f: {
        workspace?: string
        config?: string | false
        format: string
        out?: string
        name: string
        region?: string
        groupByTag?: string
        resources?: string
        afterRecommendations?: boolean
        alarmActions?: string
        apply?: boolean
        profile?: string
      }) => {
        const { runMonitor } = await import('./monitor.js')
        const list = (s: string | undefined) =>
          s === undefined
            ? undefined
            : s
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean)
        const actions = list(f.alarmActions) ?? []
        const badArn = actions.find((a) => !/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(a))
        if (badArn !== undefined)
          throw new UsageError(`--alarm-actions '${badArn}' is not an ARN`, 'Give ARNs like arn:aws:sns:us-east-1:123456789012:ops, comma separated.')
        if (actions.length > 5) throw new UsageError(`--alarm-actions: ${actions.length} actions`, 'CloudWatch takes at most 5 actions per alarm state.')
        code = await runMonitor(
          {
            config: await configOf(effects, f.config, f.workspace === undefined ? {} : { workspace: f.workspace }),
            format: f.format as MonitorFormat,
            ...(f.out === undefined ? {} : { out: resolve(effects.cwd, f.out) }),
            name: f.name,
            ...(f.region === undefined ? {} : { region: f.region }),
            ...(f.groupByTag === undefined ? {} : { groupByTag: f.groupByTag }),
            ...(f.resources === undefined ? {} : { resources: list(f.resources)! }),
            afterRecommendations: f.afterRecommendations === true,
            alarmActions: actions,
            apply: f.apply === true,
            ...(f.profile === undefined ? {} : { profile: f.profile }),
          },
          effects,
        )
      },
    )

  program
    .command('review')
    .description("Well-Architected Performance Efficiency review from the workspace's evidence, exportable as a custom lens; see docs/review.md")
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--config <file>', 'config file (default: found from here up)')
    .option('--no-config', 'ignore config files')
    .option('--workload <name>', "the workload reviewed (default: the answers file's, else the workspace's folder)")
    .option('--answers <file>', 'answers (YAML or JSON) for the best practices no measurement judges; schema/review-answers.schema.json')
    .option('--answers-template', 'print an answers file to fill in, and exit')
    .option('--evidence <files...>', 'headroom JSON documents to judge by: simulate scaling, loadtest, simulate cache results (-f json -o FILE)')
    .option('--ask', 'ask, in a terminal, each practice neither measured nor answered (kept in the workspace as an answers file)')
    .option('--export-lens <dir>', 'also write a Well-Architected Tool custom lens and the answers for it to this folder')
    .addOption(new Option('--fail-on <level>', 'exit 4 when a question is at this risk or higher').choices(['high-risk', 'medium-risk']))
    .option('--no-store', 'do not keep this review in the workspace (the next review compares against the last kept)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('terminal'))
    .option('-o, --out <file>', 'write the review to a file')
    .option('--no-color', 'no ANSI colours')
    .action(
      async (f: {
        workspace?: string
        config?: string | false
        workload?: string
        answers?: string
        answersTemplate?: boolean
        evidence?: string[]
        ask?: boolean
        exportLens?: string
        failOn?: 'high-risk' | 'medium-risk'
        store: boolean
        format: ReportFormat
        out?: string
        color: boolean
      }) => {
        if (f.answersTemplate) {
          const { answersTemplate } = await import('../review/template.js')
          effects.stdout.write(answersTemplate(f.workload ?? 'my-workload'))
          return
        }
        const { runReview } = await import('./review.js')
        code = await runReview(
          {
            config: await configOf(effects, f.config, f.workspace === undefined ? {} : { workspace: f.workspace }),
            ...(f.workload === undefined ? {} : { workload: f.workload }),
            ...(f.answers === undefined ? {} : { answers: resolve(effects.cwd, f.answers) }),
            evidence: (f.evidence ?? []).map((p) => resolve(effects.cwd, p)),
            ...(f.exportLens === undefined ? {} : { exportLens: resolve(effects.cwd, f.exportLens) }),
            ...(f.failOn === undefined ? {} : { failOn: f.failOn }),
            store: f.store,
            ask: f.ask === true,
            format: f.format,
            ...(f.out === undefined ? {} : { out: resolve(effects.cwd, f.out) }),
            color: f.color !== false && effects.stdout.isTTY === true && !effects.env.NO_COLOR,
          },
          effects,
          process.stdin.isTTY ? { input: process.stdin } : undefined,
        )
      },
    )

  program
    .command('status')
    .description('Show what the workspace holds')
    .option('-w, --workspace <dir>', WORKSPACE_HELP)
    .option('--store <url>', STORE_HELP)
    .action(async (flags: { workspace?: string; store?: string }) => {
      const { runStatus } = await import('./collect.js')
      await runStatus(await workspaceOf(flags.workspace), effects, await storeOf(flags.store))
    })

  program
    .command('migrate')
    .description('Copy a workspace into a ClickHouse store (resources, samples, collection issues and the small tables); see docs/clickhouse.md')
    .requiredOption('--to <url>', 'the store: clickhouse://host:8123/db[?shards=h:p,h:p]')
    .option('--from <dir>', 'the workspace folder to copy (default: .headroom, or $HEADROOM_WORKSPACE)')
    .action(async (flags: { from?: string; to: string }) => {
      const { runMigrate } = await import('./migrate.js')
      await runMigrate(await workspaceOf(flags.from), flags.to, effects)
    })

  program
    .command('exit-codes')
    .description('Print the table of exit codes')
    .action(async () => {
      const { EXIT_CODE_TABLE } = await import('../core/exit-codes.js')
      for (const e of EXIT_CODE_TABLE) effects.stdout.write(`${e.code}  ${e.name.padEnd(10)}  ${e.meaning}\n`)
    })

  try {
    await program.parseAsync([...argv], { from: 'user' })
    return code
  } catch (err) {
    return reportError(err, effects, debug)
  }
}

/** The configuration a command runs with (app/config.ts), loaded on first use: it brings in every analyzer. */
async function configOf(effects: Effects, configFile: string | false | undefined, flags: ConfigFlags = {}): Promise<ResolvedConfig> {
  const { resolveConfig } = await import('../app/config.js')
  return resolveConfig({ cwd: effects.cwd, env: effects.env, ...(configFile === undefined ? {} : { file: configFile }), flags })
}

/** `analyze` and `demo` flags over the config file. Only what the user typed overrides it; commander's defaults are not flags. */
async function analyzeConfig(flags: AnalyzeFlags, cmd: Command, effects: Effects): Promise<ResolvedConfig> {
  const given = (k: string) => cmd.getOptionValueSource(k) === 'cli'
  const shared: SharedOptions = {
    ...(given('percentile') ? { percentile: flags.percentile } : {}),
    ...(given('headroom') ? { headroomPct: parsePercent('--headroom', flags.headroom!) } : {}),
    ...(given('memoryHeadroom') ? { memoryHeadroomPct: parsePercent('--memory-headroom', flags.memoryHeadroom!) } : {}),
    ...(given('graviton') ? { allowArchitectureChange: flags.graviton } : {}),
    ...(given('preferArchitecture') ? { preferArchitecture: flags.preferArchitecture } : {}),
    ...(given('rankBy') ? { rankBy: flags.rankBy } : {}),
    ...(given('memoryBlind') ? { memoryBlind: flags.memoryBlind } : {}),
    ...(given('region') ? { defaultRegion: flags.region } : {}),
  }
  return configOf(effects, flags.config, {
    ...(flags.workspace === undefined ? {} : { workspace: flags.workspace }),
    ...(flags.store === undefined ? {} : { store: flags.store }),
    shared,
    ...(flags.lookbackDays === undefined ? {} : { lookbackDays: parseNumber('--lookback-days', flags.lookbackDays, { min: 1, max: 400, integer: true }) }),
    ...(flags.asOf ? { asOf: parseAsOf(flags.asOf, effects.now()) } : {}),
  })
}

async function runAnalyzeCommand(flags: AnalyzeFlags, config: ResolvedConfig, effects: Effects, htmlOut?: string): Promise<ExitCode> {
  const { runAnalyze } = await import('./analyze.js')
  return runAnalyze(
    {
      config,
      ...(htmlOut ? { htmlOut } : {}),
      format: flags.format as ReportFormat,
      ...(flags.out ? { out: resolve(effects.cwd, flags.out) } : {}),
      ...(flags.failOn ? { failOn: flags.failOn } : {}),
      ...(flags.lifecycleDir ? { lifecycleDir: resolve(effects.cwd, flags.lifecycleDir) } : {}),
      top: parseNumber('--top', flags.top, { min: 1, integer: true }),
      color: flags.color !== false && effects.stdout.isTTY === true && !effects.env.NO_COLOR,
    },
    effects,
  )
}

function reportError(err: unknown, effects: Effects, debug: boolean): ExitCode {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK
    return EXIT.USAGE // commander already printed the message
  }
  if (err instanceof ToolError) {
    effects.stderr.write(`headroom: error: ${err.message}\n`)
    if (err.hint) effects.stderr.write(`  fix: ${err.hint}\n`)
    if (err instanceof InputError) effects.stderr.write('  nothing was written.\n')
    if (debug && err.stack) effects.stderr.write(`${err.stack}\n`)
    return err.exitCode
  }
  effects.stderr.write(`headroom: internal error: ${(err as Error)?.message ?? String(err)}\n`)
  effects.stderr.write(debug ? `${(err as Error)?.stack ?? ''}\n` : '  run again with --debug for the stack trace, and please report it.\n')
  return EXIT.INTERNAL
}
