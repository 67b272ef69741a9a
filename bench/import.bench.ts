/**
 * Import benchmark (issue 7: 10⁵ persons from CSV in < 60 s). A synthetic store of N persons is
 * made by the bulk loader (the baseline, timed: the same persons written by raw batched inserts, no
 * name or text keys, one revision per person), exported with `vigil export --format csv`'s code,
 * and that CSV is imported into a fresh SQLite store through the import service (both passes:
 * check, then write with revisions, audit, name and text keys). Both figures come from this run,
 * since the machine is shared.
 *
 *   node --import tsx bench/import.bench.ts [--persons 100000] [--duplicates]
 *
 * --duplicates also looks for likely duplicates of every row in the check pass (off by default:
 * into an empty store there is nothing to find, and the cost is per row against a full store).
 */
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import { exportPersonsCsv } from '../src/export/export.service.ts';
import { importFile } from '../src/import/import.service.ts';
import { openStoreWithKey } from '../src/store.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data', 'import');

const { values: args } = parseArgs({ options: { persons: { type: 'string', default: '100000' }, duplicates: { type: 'boolean', default: false } } });
const PERSONS = Number(args.persons);

const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s`;

async function main(): Promise<void> {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  const csv = join(DATA, 'persons.csv');

  const source = (await openStoreWithKey({ dataDir: join(DATA, 'source'), dbUrl: undefined })).store;
  let generateMs: number;
  try {
    const started = performance.now();
    await generateSyntheticStore(source, { persons: PERSONS, seed: 1 });
    generateMs = performance.now() - started;
    await pipeline(Readable.from(exportPersonsCsv(source.ctx)), createWriteStream(csv));
  } finally {
    await source.close();
  }

  const target = (await openStoreWithKey({ dataDir: join(DATA, 'target'), dbUrl: undefined })).store;
  let notes = 0;
  try {
    const started = performance.now();
    const summary = await importFile(target.ctx, csv, { dryRun: false, skipBad: false, duplicateRows: args.duplicates ? PERSONS : 0 }, { note: () => (notes += 1) });
    const importMs = performance.now() - started;
    if (summary.imported !== PERSONS || !summary.written) throw new Error(`imported ${summary.imported} of ${PERSONS}: ${JSON.stringify(summary)}`);
    console.log(`import bench: ${PERSONS.toLocaleString('en')} persons, CSV ${(statSync(csv).size / 1e6).toFixed(1)} MB, SQLite, load ${loadavg()[0]!.toFixed(2)}`);
    console.log(`  baseline, bulk loader (generateSyntheticStore): ${(generateMs / 1000).toFixed(1)} s  ${rate(PERSONS, generateMs)}`);
    console.log(`  vigil import (check + write${args.duplicates ? ' + duplicates' : ''}):        ${(importMs / 1000).toFixed(1)} s  ${rate(PERSONS, importMs)}  (${notes} notes)`);
  } finally {
    await target.close();
    rmSync(DATA, { recursive: true, force: true });
  }
}

await main();
