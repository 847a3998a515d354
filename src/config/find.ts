import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** Looked for in the working directory, then in each parent, first match wins. */
export const CONFIG_FILE_NAMES = ['headroom.config.yaml', 'headroom.config.yml', 'headroom.config.json'] as const

/** The first config file from `cwd` up to the filesystem root. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd)
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = join(dir, name)
      if (existsSync(p)) return p
    }
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}
