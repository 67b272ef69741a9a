import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { access, link, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the age files live: `<data>/vault/blobs/ab/<address>.age`, written first under
 * `<data>/vault/tmp/` and moved into place only once complete and flushed, so a cut-off upload or
 * a crash never leaves a half file under an address. Addresses are keyed hashes (evidence.service),
 * so the directory names no content. PostgreSQL deployments with several app nodes would put the
 * same files in the database as chunks behind this interface (DESIGN §5); not built yet.
 */
export interface BlobStore {
  /** A new temporary file to stream an upload into. */
  createTemp(): { path: string; stream: WriteStream };
  /** Flushes a complete temporary file and moves it to its address; an existing file there stays (the temp is dropped). */
  commit(tempPath: string, address: string): Promise<void>;
  discard(tempPath: string): Promise<void>;
  path(address: string): string;
  exists(address: string): Promise<boolean>;
}

const STALE_TEMP_MS = 24 * 3600 * 1000;

export function fileBlobStore(dataDir: string): BlobStore {
  const root = join(dataDir, 'vault');
  const tmp = join(root, 'tmp');
  const blobs = join(root, 'blobs');
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  mkdirSync(blobs, { recursive: true, mode: 0o700 });
  const pathOf = (address: string): string => {
    if (!/^[0-9a-f]{64}$/.test(address)) throw new Error('a blob address is 64 hex digits');
    return join(blobs, address.slice(0, 2), `${address}.age`);
  };
  return {
    createTemp() {
      const path = join(tmp, `${Date.now()}-${randomBytes(8).toString('hex')}.partial`);
      return { path, stream: createWriteStream(path, { flags: 'wx', mode: 0o600 }) };
    },
    async commit(tempPath, address) {
      const handle = await open(tempPath, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const target = pathOf(address);
      const dir = join(blobs, address.slice(0, 2));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // link, not rename: a file already at the address (the same content, stored by a concurrent
      // upload) is never replaced under a reader.
      try {
        await link(tempPath, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      await rm(tempPath, { force: true });
      const dirHandle = await open(dir, 'r');
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
    },
    async discard(tempPath) {
      await rm(tempPath, { force: true });
    },
    path: pathOf,
    async exists(address) {
      try {
        await access(pathOf(address));
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Removes what uploads cut off by a crash left behind (older than a day: another process may be writing). */
export async function sweepStaleTemps(dataDir: string, nowMs: number): Promise<number> {
  const tmp = join(dataDir, 'vault', 'tmp');
  let removed = 0;
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const path = join(tmp, name);
    const info = await stat(path).catch(() => null);
    if (info && nowMs - info.mtimeMs > STALE_TEMP_MS) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
