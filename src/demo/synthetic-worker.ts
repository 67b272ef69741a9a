import { parentPort, workerData } from 'node:worker_threads';
import { buildSyntheticBatch, SyntheticRandom } from './synthetic.ts';

/**
 * Builds synthetic batches on a second core while the main thread writes the previous one.
 * Each message asks for the next batch; the sequence is the one the main thread would build.
 */
const { seed, firstSeq, persons, batchSize } = workerData as { seed: number; firstSeq: number; persons: number; batchSize: number };
const random = new SyntheticRandom(seed);
let built = 0;

parentPort!.on('message', () => {
  if (built >= persons) return;
  const count = Math.min(batchSize, persons - built);
  parentPort!.postMessage(buildSyntheticBatch(random, firstSeq + built, count));
  built += count;
});
