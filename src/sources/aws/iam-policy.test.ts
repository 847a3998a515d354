import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * Every AWS SDK command the code can send must be granted by docs/iam-policy.json and be read-only. The commands are
 * found in the source (`new XCommand(` and `paginateX(`), mapped to IAM actions by their client package.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SERVICE: Record<string, string> = {
  'client-ec2': 'ec2',
  'client-cloudwatch': 'cloudwatch',
  'client-lambda': 'lambda',
  'client-rds': 'rds',
  'client-dynamodb': 'dynamodb',
  'client-auto-scaling': 'autoscaling',
  'client-pricing': 'pricing',
  'client-compute-optimizer': 'compute-optimizer',
  'client-ecs': 'ecs',
  'client-application-auto-scaling': 'application-autoscaling',
  'client-s3': 's3',
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  )
}

const READ_ONLY = /^[a-z0-9-]+:(Describe|List|Get)\w+$/

/** Commands whose IAM action is not their name. */
const IAM_NAME: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration',
}
/** The experiment's Lambda mode changes one function and puts it back: its actions are a policy of their own. */
const EXPERIMENT = join(ROOT, 'src', 'experiment')

/** The IAM actions of every SDK command imported in src/ (`experiment`: only src/experiment/; else all but it), read or write. */
function sentActions(which: 'collect' | 'experiment' = 'collect'): Set<string> {
  const actions = new Set<string>()
  for (const file of sources(join(ROOT, 'src'))) {
    if (file.startsWith(EXPERIMENT) !== (which === 'experiment')) continue
    const text = readFileSync(file, 'utf8')
    for (const imp of text.matchAll(/import \{([^}]+)\} from '@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
      const service = SERVICE[imp[2]!]
      expect(service, `${file}: unknown client ${imp[2]}`).toBeDefined()
      for (const name of imp[1]!.split(',').map((x) => x.trim().replace(/^type /, ''))) {
        const cmd = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1]
        if (cmd) actions.add(IAM_NAME[`${service}:${cmd}`] ?? `${service}:${cmd}`)
      }
    }
  }
  return actions
}

function granted(file: string): Set<string> {
  const policy = JSON.parse(readFileSync(join(ROOT, 'docs', file), 'utf8')) as {
    Statement: { Effect: string; Action: string[]; Resource: string | string[] }[]
  }
  return new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action))
}

describe('docs/iam-policy.json', () => {
  it('grants every read command the code sends, and only read-only actions', () => {
    const actions = [...sentActions()].filter((a) => READ_ONLY.test(a))
    const read = granted('iam-policy.json')
    expect(actions.length).toBeGreaterThanOrEqual(10)
    for (const a of actions) expect(read.has(a), `${a} is sent but not in docs/iam-policy.json`).toBe(true)
    for (const a of read) {
      expect(a, 'only read-only actions').toMatch(READ_ONLY)
      expect(actions.includes(a), `${a} is granted but never sent: remove it (least privilege)`).toBe(true)
    }
  })
})

describe('docs/iam-policy-monitor.json', () => {
  it('grants exactly the write commands the code sends (monitor --apply), kept apart from the read-only policy', () => {
    const writes = [...sentActions()].filter((a) => !READ_ONLY.test(a)).sort()
    expect(writes).toEqual(['cloudwatch:PutDashboard', 'cloudwatch:PutMetricAlarm'])
    expect([...granted('iam-policy-monitor.json')].sort()).toEqual(writes)
  })
})

describe('docs/iam-policy-experiment-lambda.json', () => {
  it('grants exactly the Lambda commands `experiment --lambda` sends, on the one function', () => {
    const sent = [...sentActions('experiment')].sort()
    expect(sent).toContain('lambda:InvokeFunction')
    expect(sent).toContain('lambda:UpdateFunctionConfiguration')
    expect([...granted('iam-policy-experiment-lambda.json')].sort()).toEqual(sent)
  })
})
