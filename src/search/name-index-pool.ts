import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FieldCipher } from '../keys/field-cipher.ts';
import type { KeyPage } from './name-index.ts';
import type { SearchKey } from './search-keys.ts';

/**
 * Worker threads that open a page's names and compute its hashed keys (keyRowsOfPage), so that a
 * rebuild uses every core. The data keys and the search key go to each thread over its own message
 * channel, copied in this process's memory: never argv, the environment or disk.
 */
export interface KeyPool {
  size: number;
  run(page: KeyPage): Promise<string[]>;
  close(): Promise<void>;
}

export interface KeyWorkerData {
  cipherKeys: ReturnType<FieldCipher['keyMaterial']>;
  searchKey: Uint8Array;
}

/** The worker's code: the TypeScript source through tsx, or beside the bundle (dist/name-index-worker.js). */
function workerEntry(): { code: string; eval: true } | { url: URL; eval: false } | null {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
      .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./name-index-worker.ts', here).href)}); })`;
    return { code: boot, eval: true };
  }
  const url = new URL('./name-index-worker.js', here);
  return existsSync(fileURLToPath(url)) ? { url, eval: false } : null;
}

/** A pool of `size` threads, or null where no worker code can be found (then the caller keys in its own thread). */
export async function startKeyPool(size: number, cipher: FieldCipher, key: SearchKey): Promise<KeyPool | null> {
  const entry = workerEntry();
  if (!entry) return null;
  const workerData: KeyWorkerData = { cipherKeys: cipher.keyMaterial(), searchKey: key.keyMaterial() };
  const workers = Array.from({ length: size }, () => (entry.eval ? new Worker(entry.code, { eval: true, workerData }) : new Worker(entry.url, { workerData })));
  type Waiter = { resolve: (rows: string[]) => void; reject: (error: Error) => void };
  const waiting = new Map<Worker, Waiter[]>(workers.map((worker) => [worker, []]));
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const list of waiting.values()) for (const waiter of list.splice(0)) waiter.reject(error);
  };
  for (const worker of workers) {
    // Each thread answers its pages in the order it was given them.
    worker.on('message', (rows: string[]) => waiting.get(worker)!.shift()?.resolve(rows));
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a name index thread stopped (${code})`)));
  }
  let next = 0;
  return {
    size,
    run(page) {
      if (failure) return Promise.reject(failure);
      const worker = workers[next++ % workers.length]!;
      return new Promise((resolve, reject) => {
        waiting.get(worker)!.push({ resolve, reject });
        worker.postMessage(page);
      });
    },
    async close() {
      for (const worker of workers) worker.removeAllListeners('exit');
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
