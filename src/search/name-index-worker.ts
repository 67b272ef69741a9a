import { parentPort, workerData } from 'node:worker_threads';
import { FieldCipher } from '../keys/field-cipher.ts';
import { keyRowsOfPage, type KeyPage } from './name-index.ts';
import type { KeyWorkerData } from './name-index-pool.ts';
import { rebuildHasher, SearchKey } from './search-keys.ts';

/** A thread of the name index rebuild (name-index-pool.ts): each message a page, each answer its rows. */
const { cipherKeys, searchKey } = workerData as KeyWorkerData;
const cipher = new FieldCipher(new Map(cipherKeys.keys.map(([id, key]) => [id, Buffer.from(key)])), cipherKeys.currentKeyId);
// The thread lives for one rebuild: so does what its hasher remembers.
const hash = rebuildHasher(new SearchKey(Buffer.from(searchKey)));

parentPort!.on('message', (page: KeyPage) => {
  parentPort!.postMessage(keyRowsOfPage(page, cipher, hash));
});
