import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { link, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';

/**
 * Where the age files live: `<data>/vault/blobs/ab/<address>.age`, written first under
 * `<data>/vault/tmp/` and moved into place only once complete and flushed, so a cut-off upload or
 * a crash never leaves a half file under an address. Addresses are keyed hashes (evidence.service),
 * so the directory names no content. PostgreSQL deployments with several app nodes would put the
 * same files in the database as chunks behind this interface (DESIGN §5); not built yet.
 */
export interface BlobStore {
  /** A new temporary file to stream an upload into; it is on disk (flushed) once the stream has finished. */
  createTemp(): { path: string; stream: Writable };
  /** Moves a complete, flushed temporary file to its address; an existing file there stays (the temp is dropped). */
  commit(tempPath: string, address: string): Promise<void>;
  discard(tempPath: string): Promise<void>;
  path(address: string): string;
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
      return { path, stream: new FlushingFile(path) };
    },
    async commit(tempPath, address) {
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

/** How much is written between two flushes while a file grows. */
const FLUSH_EVERY = 32 * 1024 * 1024;

/**
 * A file written and flushed to disk as it grows, so the disk works while an upload still streams
 * and the flush at the end (before the file is filed) is short. The flushes run one after another,
 * beside the writes; the file is closed only once the last has finished.
 */
class FlushingFile extends Writable {
  private handle: FileHandle | null = null;
  private unflushed = 0;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'wx', 0o600).then((handle) => {
      this.handle = handle;
      callback();
    }, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeAll(chunks.map(({ chunk }) => chunk)).then(() => callback(), callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    const handle = this.handle!;
    let pending = buffers;
    while (pending.length) {
      const { bytesWritten } = await handle.writev(pending);
      this.unflushed += bytesWritten;
      pending = dropBytes(pending, bytesWritten);
    }
    if (this.unflushed >= FLUSH_EVERY) {
      this.unflushed = 0;
      this.flushing = this.flushing.then(() => handle.datasync());
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushing.then(() => this.handle!.sync()).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    if (!handle) return callback(error);
    this.flushing
      .catch(() => undefined)
      .then(() => handle.close())
      .then(
        () => callback(error),
        (closeError: Error) => callback(error ?? closeError),
      );
  }
}

/** The buffers left after the first `count` bytes. */
function dropBytes(buffers: Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}
