import { DuckDbStore } from '../../src/store/duckdb/store.js'

/**
 * The environment that points the real AWS SDK at the local AWS-shaped server (fake-aws.ts) and away from any real
 * account: test credentials, no instance metadata, no shared config or credentials files (`missing` names a path
 * that does not exist).
 */
export const fakeAwsEnv = (url: string, missing: (name: string) => string): Record<string, string> => ({
  AWS_ENDPOINT_URL: url,
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: missing('no-config'),
  AWS_SHARED_CREDENTIALS_FILE: missing('no-credentials'),
  AWS_REGION: '',
  AWS_PROFILE: '',
})

/** What a workspace holds, as one comparable line: sample count, value sum, series owners, resources. */
export async function storeFingerprint(workspaceDir: string): Promise<string> {
  const s = await DuckDbStore.open(workspaceDir, { readOnly: true })
  try {
    const r = await s.all('SELECT count(*)::BIGINT AS n, round(sum(value), 3) AS v, count(DISTINCT resource_key)::BIGINT AS k FROM samples')
    const res = await s.all('SELECT count(*)::BIGINT AS n FROM resources')
    return `${String(r[0]!.n)} samples, sum ${String(r[0]!.v)}, ${String(r[0]!.k)} series owners, ${String(res[0]!.n)} resources`
  } finally {
    s.close()
  }
}

/**
 * Sets environment variables in this process (the AWS SDK reads AWS_ENDPOINT_URL and friends from process.env when a
 * test calls the library in-process) and returns the function that puts every one back as it was.
 */
export function setProcessEnv(vars: Record<string, string>): () => void {
  const saved = new Map<string, string | undefined>()
  for (const [k, v] of Object.entries(vars)) {
    if (!saved.has(k)) saved.set(k, process.env[k])
    process.env[k] = v
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}
