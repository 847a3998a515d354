import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { pipeline } from 'node:stream/promises'
import { Writable } from 'node:stream'
import { InputError } from '../../core/errors.js'

/** Decompresses a .gz file to nowhere so a truncated or corrupt archive fails before anything is read. */
export async function checkGzip(path: string): Promise<void> {
  try {
    await pipeline(createReadStream(path), createGunzip(), new Writable({ write: (_c, _e, cb) => cb() }))
  } catch (cause) {
    const msg = (cause as Error).message
    const truncated = /unexpected end of file/i.test(msg)
    throw new InputError(
      { file: path },
      truncated ? 'the gzip stream is truncated (unexpected end of file)' : `the file is not valid gzip (${msg})`,
      truncated
        ? 'The file was cut short while copying or compressing. Re-copy it, or re-compress the original with `gzip -k FILE`.'
        : 'Remove the .gz suffix if the file is not compressed, or re-compress it with `gzip -k FILE`.',
    )
  }
}
