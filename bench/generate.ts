/**
 * Fills a store with synthetic case files for benchmarks, sealed under the store's key:
 *   node --import tsx bench/generate.ts --persons 100000 --data DIR [--member USER_ID]
 *   node --import tsx bench/generate.ts --persons 100000 --db 'postgres://…?options=-c%20search_path%3Dbench'
 * --member makes that user coordinator of every synthetic case, so it can read them.
 */
import { parseArgs } from 'node:util';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import { openStore } from '../src/store.ts';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    data: { type: 'string' },
    db: { type: 'string' },
    schema: { type: 'string' },
    member: { type: 'string' },
  },
});

const persons = Number(values.persons);
if (!Number.isInteger(persons) || persons < 1) throw new Error('--persons takes a whole number ≥ 1');
if (!values.data && !values.db) throw new Error('give --data DIR (SQLite) or --db postgres://…');

const store = await openStore({ dbUrl: values.db, dataDir: values.data ?? '.' }, { dbSchema: values.schema });
const started = performance.now();
let lastReport = started;
try {
  const summary = await generateSyntheticStore(store, {
    persons,
    seed: Number(values.seed),
    memberUserId: values.member,
    onProgress(done, total) {
      const now = performance.now();
      if (now - lastReport < 2000 && done < total) return;
      lastReport = now;
      const seconds = (now - started) / 1000;
      process.stderr.write(`${done}/${total} persons, ${seconds.toFixed(1)} s, ${Math.round(done / seconds)} persons/s\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ ...summary, seconds: Number(seconds.toFixed(2)), persons_per_second: Math.round(summary.persons / seconds) })}\n`);
} finally {
  await store.close();
}
