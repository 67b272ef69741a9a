import { parentPort, workerData } from 'node:worker_threads';
import { buildSyntheticBatch, cipherFromKeys, prepareBatch, SyntheticRandom, type SyntheticWorkerData } from './synthetic.ts';

/**
 * Builds and seals synthetic batches on a second core while the main thread writes the previous
 * one. Each message asks for the next batch; the sequence is the one the main thread would build.
 */
const { seed, firstSeq, persons, batchSize, keys, memberUserId } = workerData as SyntheticWorkerData;
const cipher = cipherFromKeys(keys);
const random = new SyntheticRandom(seed);
let built = 0;

parentPort!.on('message', () => {
  if (built >= persons) return;
  const count = Math.min(batchSize, persons - built);
  parentPort!.postMessage(prepareBatch(buildSyntheticBatch(random, firstSeq + built, count), cipher, memberUserId ?? undefined));
  built += count;
});
