/**
 * Backup benchmark: `vigil backup` of a synthetic store of N persons (target: 10⁶ persons in
 * < 60 s), each figure beside baselines measured in the same run, since the machine is shared:
 *   - plain dump: the same rows, read the same way from the same kind of snapshot, written as the
 *     same JSON lines to a file with neither compression nor encryption (what the format costs);
 *   - copy: the store as it lies on disk (`cp` of the SQLite file; `pg_dump -Fp` of the schema).
 * Then the restore of the backup into an empty store, and the peak memory of this process.
 *
 *   node --import tsx bench/backup.bench.ts [--persons 100000] [--db postgres://postgres@127.0.0.1:5432/test]
 *                                           [--regenerate] [--no-restore] [--no-cli]
 *
 * The store is kept under bench/data/backup-<backend>-N (and the schema bench_backup_N) and reused
 * until --regenerate. --no-cli skips the end-to-end `node bin/vigil.js backup` run.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { listColumns, listDataTables, withSnapshot } from '../src/backup/backup.repository.ts';
import { createBackup, restoreBackup } from '../src/backup/backup.service.ts';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import { openStoreWithKey, type StoreConfig } from '../src/store.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
const VIGIL = join(ROOT, 'bin', 'vigil.js');
const SEED = 1;

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    db: { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    'no-restore': { type: 'boolean', default: false },
    'no-cli': { type: 'boolean', default: false },
  },
});

const PERSONS = Number(args.persons);
const BACKEND = args.db ? 'postgres' : 'sqlite';
const SCHEMA = `bench_backup_${PERSONS}`;
const STORE_DIR = join(DATA, `backup-${BACKEND}-${PERSONS}`);
const OUT_DIR = join(DATA, `backup-out-${BACKEND}-${PERSONS}`);
const MARKER = join(STORE_DIR, 'synthetic.json');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

const config: StoreConfig = { dataDir: STORE_DIR, dbUrl: args.db ? withSearchPath(args.db, SCHEMA) : undefined };

async function pgAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: args.db });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function ensureStore(): Promise<{ rows: number; generated_at: string }> {
  if (!args.regenerate && existsSync(MARKER)) return JSON.parse(readFileSync(MARKER, 'utf8'));
  rmSync(STORE_DIR, { recursive: true, force: true });
  mkdirSync(STORE_DIR, { recursive: true });
  if (args.db) await pgAdmin((c) => c.query(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`));
  log(`generating ${PERSONS} synthetic persons into ${BACKEND}…`);
  const started = performance.now();
  const { store } = await openStoreWithKey(config);
  try {
    const summary = await generateSyntheticStore(store, { persons: PERSONS, seed: SEED });
    const marker = { rows: summary.persons + summary.names + summary.statuses + summary.revisions, generated_at: new Date().toISOString(), summary };
    writeFileSync(MARKER, `${JSON.stringify(marker, null, 2)}\n`);
    log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return marker;
  } finally {
    await store.close();
  }
}

/** Wall time, and this process's CPU time (all its threads: gzip runs in libuv's pool), which other load moves less. */
async function timed<T>(label: string, run: () => Promise<T>): Promise<{ seconds: number; cpuSeconds: number; result: T }> {
  log(`${label}…`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  log(`  ${seconds.toFixed(2)} s, ${cpuSeconds.toFixed(2)} s CPU`);
  return { seconds, cpuSeconds, result };
}

/** The baseline: the same rows from the same kind of snapshot, as plain JSON lines. */
async function plainDump(file: string): Promise<number> {
  const { store } = await openStoreWithKey(config);
  try {
    return await withSnapshot(store.database, async (snapshot) => {
      let rows = 0;
      async function* lines() {
        for (const name of await listDataTables(snapshot.db, snapshot.dialect)) {
          const table = { name, columns: (await listColumns(snapshot.db, snapshot.dialect, name)).map((c) => c.name) };
          yield `${JSON.stringify({ table: name })}\n`;
          for await (const block of snapshot.rowBlocks(table, 256 * 1024)) {
            rows += block.rows;
            yield block.text;
          }
        }
      }
      await pipeline(Readable.from(lines()), createWriteStream(file));
      return rows;
    });
  } finally {
    await store.close();
  }
}

async function backupInProcess(file: string, compress: boolean) {
  const { store, key } = await openStoreWithKey(config);
  try {
    return await createBackup(store, key, file, { compress });
  } finally {
    await store.close();
  }
}

function copyAsItLies(file: string): void {
  const result = args.db
    ? spawnSync('pg_dump', ['--dbname', args.db, '--schema', SCHEMA, '--format', 'plain', '--file', file], { encoding: 'utf8' })
    : spawnSync('cp', [join(STORE_DIR, 'vigil.db'), file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`copy failed: ${result.stderr}`);
}

function fmt(value: number | null, digits = 1): string {
  return value === null ? '–' : value.toFixed(digits);
}

async function main(): Promise<void> {
  if (!Number.isInteger(PERSONS) || PERSONS < 100) throw new Error('--persons takes a whole number ≥ 100');
  const loadAtStart = loadavg();
  const store = await ensureStore();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const out = (name: string) => join(OUT_DIR, name);

  const plain = await timed('baseline: plain dump of the same rows (no compression, no encryption)', () => plainDump(out('plain.jsonl')));
  const made = await timed('vigil backup (AES-256-GCM), in process', () => backupInProcess(out('backup.vbk'), false));
  const compressed = await timed('vigil backup --compress (gzip, then AES-256-GCM), in process', () => backupInProcess(out('backup-gz.vbk'), true));
  const copy = await timed(args.db ? 'baseline: pg_dump -Fp of the schema' : 'baseline: cp of the SQLite file', async () => copyAsItLies(out('copy')));
  // Peak memory of the backup process itself, by GNU time: the body streams, so it stays flat with N.
  const cli = args['no-cli']
    ? null
    : await timed('vigil backup, end to end (node bin/vigil.js, under /usr/bin/time)', async () => {
        // bin/vigil.js runs the bundle only when it is newer than the sources (else tsx compiles them at start).
        if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
        const flags = ['--data', STORE_DIR, ...(config.dbUrl ? ['--db', config.dbUrl] : [])];
        const result = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, VIGIL, 'backup', out('cli.vbk'), ...flags], {
          encoding: 'utf8',
          env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '' },
        });
        if (result.status !== 0) throw new Error(`vigil backup failed: ${result.stderr}`);
        return Number(/maxrss_kb=(\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1024;
      });
  let restore: { seconds: number; cpuSeconds: number } | null = null;
  if (!args['no-restore']) {
    const target = out('restored');
    const schema = `${SCHEMA}_restored`;
    if (args.db) await pgAdmin((c) => c.query(`drop schema if exists ${schema} cascade; create schema ${schema}`));
    try {
      restore = await timed('vigil restore into an empty store', () =>
        restoreBackup({ dataDir: target, dbUrl: args.db ? withSearchPath(args.db, schema) : undefined, keyFile: join(STORE_DIR, 'vigil.key') }, out('backup.vbk')),
      );
    } finally {
      if (args.db) await pgAdmin((c) => c.query(`drop schema if exists ${schema} cascade`));
      rmSync(target, { recursive: true, force: true });
    }
  }

  const scale = 1_000_000 / PERSONS;
  const size = (name: string) => statSync(out(name)).size / 1e6;
  const row = (label: string, figure: { seconds: number; cpuSeconds: number } | null, file?: string): string[] => [
    label,
    fmt(figure?.seconds ?? null),
    fmt(figure && figure.cpuSeconds > 0 ? figure.cpuSeconds : null),
    fmt(figure ? figure.seconds * scale : null, 0),
    file ? `${fmt(size(file), 0)} MB` : '',
  ];
  const ratio = (label: string, a: { seconds: number; cpuSeconds: number }, b: { seconds: number; cpuSeconds: number }): string[] => [
    label,
    `${fmt(a.seconds / b.seconds, 2)}×`,
    `${fmt(a.cpuSeconds / b.cpuSeconds, 2)}×`,
    '',
    '',
  ];
  const rows: string[][] = [
    row('plain dump, baseline', plain, 'plain.jsonl'),
    row('vigil backup', made, 'backup.vbk'),
    ratio('  ratio to plain dump', made, plain),
    row('vigil backup --compress', compressed, 'backup-gz.vbk'),
    ratio('  ratio to plain dump', compressed, plain),
    row(args.db ? 'pg_dump -Fp, baseline' : 'cp of the SQLite file, baseline', { ...copy, cpuSeconds: 0 }, 'copy'),
    row('vigil backup end to end, CLI process', cli ? { ...cli, cpuSeconds: 0 } : null),
    ['  peak RSS of that process (MB)', fmt(cli?.result ?? null, 0), '', '', ''],
    row('vigil restore', restore),
    ['rows per second, vigil backup', fmt(made.result.rows / made.seconds, 0), fmt(made.result.rows / made.cpuSeconds, 0), '', ''],
  ];
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((r) => r[c]!.length), 10));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  process.stdout.write(`\n${BACKEND}, ${PERSONS} persons, ${made.result.rows} rows in ${made.result.tables} tables (store generated ${store.generated_at})\n`);
  process.stdout.write(`${line(['seconds', 'wall', 'CPU', 'wall ×10⁶/N', 'file'])}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(
    `wall ×10⁶/N: the wall time scaled linearly to 10⁶ persons (target: backup < 60 s); run with --persons 1000000 to measure it.\n` +
      `CPU: this process's CPU time, all threads (not measured for child processes)\n` +
      `load average ${loadAtStart.map((v) => v.toFixed(1)).join(' ')} at start, ${loadavg().map((v) => v.toFixed(1)).join(' ')} at end (2 cores, shared)\n`,
  );
  writeFileSync(
    join(DATA, `results-backup-${BACKEND}-${PERSONS}.json`),
    `${JSON.stringify({ backend: BACKEND, persons: PERSONS, at: new Date().toISOString(), plain: plain.seconds, backup: made.seconds, backup_compressed: compressed.seconds, copy: copy.seconds, cli: cli?.seconds ?? null, cli_max_rss_mb: cli?.result ?? null, restore: restore?.seconds ?? null, rows: made.result.rows }, null, 2)}\n`,
  );
  rmSync(OUT_DIR, { recursive: true, force: true });
}

await main();
