/**
 * Case-file benchmark: bulk load of N synthetic persons, cold start, GET /api/v1/persons/{id}
 * (with its timeline) under load, and the server's memory; each figure next to a baseline
 * measured in the same run, since the machine is shared and a ratio holds where a time drifts.
 *
 *   npm run bench -- [--persons 1000000] [--db postgres://postgres@127.0.0.1:5432/test] [--regenerate]
 *                    [--duration 15] [--connections 32] [--sample 10000] [--no-load-baseline]
 *
 * The store is kept under bench/data/ (SQLite) or in the schema bench_persons_N (PostgreSQL) and
 * reused until --regenerate. Needs wrk (`apt-get install -y wrk`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import type { FieldCipher } from '../src/keys/field-cipher.ts';
import { openStore as openVigilStore } from '../src/store.ts';
import { addUserAtServer } from '../src/users/users.service.ts';
import { freePort } from './processes.ts';
import {
  generateSyntheticStore,
  openBatchSource,
  postgresWriter,
  sqliteWriter,
  SyntheticRandom,
  SYNTHETIC_TABLES,
  writeBatches,
} from '../src/demo/synthetic.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
const VIGIL = join(ROOT, 'bin', 'vigil.js');
const WRK_SCRIPT = join(ROOT, 'bench', 'wrk-persons.lua');
const SEED = 1;

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    sample: { type: 'string', default: '10000' },
    'cold-starts': { type: 'string', default: '3' },
    'no-load-baseline': { type: 'boolean', default: false },
  },
});

const PERSONS = Number(args.persons);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const SAMPLE = Number(args.sample);
const BACKEND = args.db ? 'postgres' : 'sqlite';
const SCHEMA = `bench_persons_${PERSONS}`;
const STORE_DIR = join(DATA, `${BACKEND}-${PERSONS}`);
const MARKER = join(STORE_DIR, 'synthetic.json');
/** The benchmark's reader: a researcher who coordinates every synthetic case (so reads check membership, open secrets and audit them). */
const READER_EMAIL = 'bench-reader@vigil.invalid';

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** The flags that point vigil (and openDatabase) at the benchmark store. */
function storeFlags(): string[] {
  return args.db ? ['--data', STORE_DIR, '--db', withSearchPath(args.db, SCHEMA)] : ['--data', STORE_DIR];
}

/** The benchmark store, opened with its key (the SQLite file is encrypted). */
async function openStore(): Promise<{ db: DatabaseHandle['db']; close(): Promise<void> }> {
  const store = await openVigilStore({ dataDir: STORE_DIR, dbUrl: args.db }, { dbSchema: args.db ? SCHEMA : undefined });
  return { db: store.ctx.db, close: () => store.close() };
}

async function pgAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: args.db });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Bulk load, and its baseline: the same rows into tables without keys or indexes

interface LoadFigures {
  seconds: number;
  persons_per_second: number;
  rows: number;
  baseline_seconds: number | null;
  baseline_persons_per_second: number | null;
  analyze_seconds: number | null;
  generated_at: string;
  load_average: number[];
}

function progress(started: number, label: string) {
  let last = 0;
  return (done: number, total: number) => {
    const now = performance.now();
    if (now - last < 5000 && done < total) return;
    last = now;
    const seconds = (now - started) / 1000;
    log(`  ${label}: ${done}/${total} persons, ${seconds.toFixed(1)} s, ${Math.round(done / seconds)}/s`);
  };
}

async function bulkLoad(): Promise<LoadFigures> {
  rmSync(STORE_DIR, { recursive: true, force: true });
  mkdirSync(STORE_DIR, { recursive: true });
  if (args.db) await pgAdmin((c) => c.query(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`));
  const store = await openVigilStore({ dataDir: STORE_DIR, dbUrl: args.db }, { dbSchema: args.db ? SCHEMA : undefined });
  const load = loadavg();
  log(`bulk load of ${PERSONS} persons into ${BACKEND}…`);
  let started = performance.now();
  let summary;
  let seconds: number;
  let baseline: number | null;
  try {
    const { user } = await addUserAtServer(store.ctx, { email: READER_EMAIL, role: 'researcher' });
    started = performance.now();
    summary = await generateSyntheticStore(store, { persons: PERSONS, seed: SEED, memberUserId: user.id, onProgress: progress(started, 'load') });
    seconds = (performance.now() - started) / 1000;
    baseline = args['no-load-baseline'] ? null : await baselineLoad(store.ctx.cipher, user.id);
  } finally {
    await store.close();
  }
  let analyzeSeconds: number | null = null;
  if (args.db) {
    // A store that grew by normal use has planner statistics; autovacuum would get there later.
    const t = performance.now();
    await pgAdmin((c) => c.query(`analyze ${SCHEMA}.persons, ${SCHEMA}.person_names, ${SCHEMA}.status_entries, ${SCHEMA}.revisions`));
    analyzeSeconds = (performance.now() - t) / 1000;
  }
  const figures: LoadFigures = {
    seconds,
    persons_per_second: PERSONS / seconds,
    rows: summary.persons + summary.names + summary.statuses + summary.revisions,
    baseline_seconds: baseline,
    baseline_persons_per_second: baseline === null ? null : PERSONS / baseline,
    analyze_seconds: analyzeSeconds,
    generated_at: new Date().toISOString(),
    load_average: load,
  };
  writeFileSync(MARKER, `${JSON.stringify({ persons: PERSONS, seed: SEED, summary, load: figures }, null, 2)}\n`);
  return figures;
}

/** The same rows, generated the same way, inserted into bare tables: what the storage costs at least. */
async function baselineLoad(cipher: FieldCipher, memberUserId: string): Promise<number> {
  log('baseline: the same rows into tables without keys or indexes…');
  // Built and written the same way as the real load (worker thread, batches, transactions,
  // writers in parallel on PostgreSQL), so only the keys and indexes differ.
  const source = openBatchSource({ seed: SEED, firstSeq: 1, persons: PERSONS, batchSize: 5000, cipher, memberUserId });
  if (!args.db) {
    const dir = join(DATA, 'baseline-sqlite');
    rmSync(dir, { recursive: true, force: true });
    const handle = openDatabase({ dataDir: dir });
    for (const [table, columns] of Object.entries(SYNTHETIC_TABLES)) handle.sqlite!.exec(`create table ${table} (${columns.join(', ')})`);
    const started = performance.now();
    await writeBatches(source, sqliteWriter(handle.sqlite!), PERSONS, progressOf(started));
    const seconds = (performance.now() - started) / 1000;
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
    return seconds;
  }
  const schema = 'bench_baseline';
  await pgAdmin(async (c) => {
    await c.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
    for (const table of Object.keys(SYNTHETIC_TABLES)) await c.query(`create table ${schema}.${table} (like ${SCHEMA}.${table})`);
  });
  const handle = openDatabase({ url: args.db, dataDir: DATA, schema });
  const started = performance.now();
  try {
    await writeBatches(source, postgresWriter(handle.db), PERSONS, progressOf(started));
  } finally {
    await handle.close();
  }
  const seconds = (performance.now() - started) / 1000;
  await pgAdmin((c) => c.query(`drop schema ${schema} cascade`));
  return seconds;
}

function progressOf(started: number) {
  const report = progress(started, 'baseline');
  return (_batch: unknown, done: number) => report(done, PERSONS);
}

async function cachedLoad(): Promise<LoadFigures | null> {
  if (args.regenerate || !existsSync(MARKER)) return null;
  const marker = JSON.parse(readFileSync(MARKER, 'utf8')) as { persons: number; seed: number; load: LoadFigures };
  if (marker.persons !== PERSONS || marker.seed !== SEED) return null;
  const handle = await openStore();
  try {
    const row = await handle.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(row?.n) >= PERSONS ? marker.load : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The server under test


async function waitForHealthy(url: string, child: ChildProcess, started: number, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with status ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error('the server did not answer /healthz in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Running {
  child: ChildProcess;
  url: string;
  coldStartMs: number;
}

async function startProcess(argv: string[]): Promise<Running> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...argv, '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, VIGIL_LOG: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const coldStartMs = await waitForHealthy(url, child, started);
  return { child, url, coldStartMs };
}

async function stopProcess(running: Running): Promise<void> {
  if (running.child.exitCode !== null) return;
  const exited = new Promise((r) => running.child.once('exit', r));
  running.child.kill('SIGTERM');
  await exited;
}

function startVigil(): Promise<Running> {
  return startProcess([VIGIL, 'serve', '--host', '127.0.0.1', '--no-worker', ...storeFlags()]);
}

/** The smallest Node HTTP server, started the same way: what a cold start costs at least. */
function startBareNode(): Promise<Running> {
  const script = `const http = require('node:http'); const port = Number(process.argv.at(-1));
http.createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{"ok":true}'); }).listen(port, '127.0.0.1');`;
  return startProcess(['-e', script, '--']);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function processStatus(pid: number): { rssMb: number; hwmMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  // utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuMs };
}

// ---------------------------------------------------------------------------------------------
// Load generation

interface WrkFigures {
  requests_per_second: number;
  requests: number;
  non_2xx: number;
  errors: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  server_cpu_us_per_request: number;
}

async function runWrk(url: string, env: Record<string, string>, seconds: number, pid: number): Promise<WrkFigures> {
  const before = processStatus(pid).cpuMs;
  // One wrk thread is plenty for a few thousand requests a second and leaves the cores to the server.
  const result = await new Promise<string>((resolveRun, reject) => {
    const child = spawn('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '5s', '-s', WRK_SCRIPT, url], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`wrk exited with ${code}: ${out}`))));
  });
  const cpuMs = processStatus(pid).cpuMs - before;
  const line = result.split('\n').find((l) => l.startsWith('WRK_RESULT '));
  if (!line) throw new Error(`wrk printed no result:\n${result}`);
  const raw = JSON.parse(line.slice('WRK_RESULT '.length)) as {
    requests: number;
    duration_us: number;
    non_2xx: number;
    socket_errors: number;
    timeouts: number;
    latency_us: { p50: number; p90: number; p99: number; max: number };
  };
  return {
    requests_per_second: raw.requests / (raw.duration_us / 1e6),
    requests: raw.requests,
    non_2xx: raw.non_2xx,
    errors: raw.socket_errors + raw.timeouts,
    p50_ms: raw.latency_us.p50 / 1000,
    p90_ms: raw.latency_us.p90 / 1000,
    p99_ms: raw.latency_us.p99 / 1000,
    max_ms: raw.latency_us.max / 1000,
    server_cpu_us_per_request: (cpuMs * 1000) / Math.max(1, raw.requests),
  };
}

/** A spread of existing ids, chosen by case number with a fixed seed. */
async function sampleIds(count: number): Promise<string[]> {
  const handle = await openStore();
  try {
    const random = new SyntheticRandom(SEED + 1);
    const seqs = new Set<number>();
    while (seqs.size < Math.min(count, PERSONS)) seqs.add(random.int(1, PERSONS));
    const all = [...seqs];
    const ids: string[] = [];
    for (let i = 0; i < all.length; i += 500) {
      const rows = await handle.db.selectFrom('persons').select('id').where('case_seq', 'in', all.slice(i, i + 500)).execute();
      ids.push(...rows.map((r) => r.id));
    }
    return ids;
  } finally {
    await handle.close();
  }
}

function createToken(): string {
  const result = spawnSync(process.execPath, [VIGIL, 'token', 'create', '--role', 'researcher', '--email', READER_EMAIL, '--name', 'benchmark', ...storeFlags()], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, VIGIL_LOG: 'off' },
  });
  if (result.status !== 0) throw new Error(`vigil token create failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** One request checked by hand before the load, so a fast stream of errors cannot pass for speed. */
async function checkOnePerson(url: string, token: string, id: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/persons/${id}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { id: string; names: unknown[]; timeline: { status: string }[]; current_status: { id: string } | null };
  if (response.status !== 200 || body.id !== id || body.names.length < 2 || body.timeline.length < 3 || !body.current_status) {
    throw new Error(`GET /api/v1/persons/${id} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------------------------------------

function fmt(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
}

async function main(): Promise<void> {
  if (!Number.isInteger(PERSONS) || PERSONS < 100) throw new Error('--persons takes a whole number ≥ 100');
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: apt-get install -y wrk');
  mkdirSync(DATA, { recursive: true });
  const loadAverageAtStart = loadavg();

  let load = await cachedLoad();
  const cached = load !== null;
  if (load) log(`reusing the ${BACKEND} store of ${PERSONS} persons from ${load.generated_at} (--regenerate to load again)`);
  else load = await bulkLoad();

  const ids = await sampleIds(SAMPLE);
  const idsFile = join(DATA, `ids-${BACKEND}-${PERSONS}.txt`);
  writeFileSync(idsFile, `${ids.join('\n')}\n`);
  const token = createToken();

  log('cold starts (vigil serve, then a bare Node HTTP server)…');
  const vigilStarts: number[] = [];
  const bareStarts: number[] = [];
  const coldStarts = Math.max(1, Number(args['cold-starts']));
  let server: Running | null = null;
  for (let i = 0; i < coldStarts; i++) {
    if (server) await stopProcess(server);
    server = await startVigil();
    vigilStarts.push(server.coldStartMs);
    const bare = await startBareNode();
    bareStarts.push(bare.coldStartMs);
    await stopProcess(bare);
  }
  const running = server!;
  const pid = running.child.pid!;
  try {
    await checkOnePerson(running.url, token, ids[0]!);
    const idle = processStatus(pid);
    const wrkEnv = { VIGIL_BENCH_TOKEN: token, VIGIL_BENCH_IDS: idsFile };

    log(`GET /healthz (baseline), ${CONNECTIONS} connections, ${DURATION} s…`);
    const healthBefore = await runWrk(running.url, { ...wrkEnv, VIGIL_BENCH_PATH: '/healthz' }, DURATION, pid);
    log('GET /api/v1/persons/{id}: warm-up 5 s…');
    await runWrk(running.url, wrkEnv, 5, pid);
    log(`GET /api/v1/persons/{id} over ${ids.length} ids, ${CONNECTIONS} connections, ${DURATION} s…`);
    const persons = await runWrk(running.url, wrkEnv, DURATION, pid);
    log(`GET /healthz (baseline again), ${DURATION} s…`);
    const healthAfter = await runWrk(running.url, { ...wrkEnv, VIGIL_BENCH_PATH: '/healthz' }, DURATION, pid);
    const afterLoad = processStatus(pid);
    const health = healthBefore.requests_per_second > healthAfter.requests_per_second ? healthBefore : healthAfter;
    const healthRps = (healthBefore.requests_per_second + healthAfter.requests_per_second) / 2;

    const results = {
      backend: BACKEND,
      persons: PERSONS,
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      at: new Date().toISOString(),
      load_average_start: loadAverageAtStart,
      load_average_end: loadavg(),
      load: { ...load, cached },
      cold_start_ms: { vigil: vigilStarts, bare_node: bareStarts, vigil_median: median(vigilStarts), bare_node_median: median(bareStarts) },
      get_person: persons,
      healthz_before: healthBefore,
      healthz_after: healthAfter,
      rss_mb: { idle: idle.rssMb, after_load: afterLoad.rssMb, peak: afterLoad.hwmMb },
    };
    writeFileSync(join(DATA, `results-${BACKEND}-${PERSONS}.json`), `${JSON.stringify(results, null, 2)}\n`);

    const rows: [string, string, string, string][] = [
      ['bulk load (s)', fmt(load.seconds, 1), fmt(load.baseline_seconds, 1), load.baseline_seconds ? `${fmt(load.seconds / load.baseline_seconds, 2)}×` : '–'],
      ['bulk load (persons/s)', fmt(load.persons_per_second), fmt(load.baseline_persons_per_second), ''],
      ['cold start to first 200 (ms, median)', fmt(median(vigilStarts)), fmt(median(bareStarts)), `${fmt(median(vigilStarts) / median(bareStarts), 1)}×`],
      ['GET person + timeline (req/s)', fmt(persons.requests_per_second), fmt(healthRps), `${fmt((persons.requests_per_second / healthRps) * 100, 0)}%`],
      ['  p50 latency (ms)', fmt(persons.p50_ms, 2), fmt(health.p50_ms, 2), ''],
      ['  p99 latency (ms)', fmt(persons.p99_ms, 2), fmt(health.p99_ms, 2), ''],
      ['  server CPU per request (µs)', fmt(persons.server_cpu_us_per_request), fmt(health.server_cpu_us_per_request), `${fmt(persons.server_cpu_us_per_request / health.server_cpu_us_per_request, 1)}×`],
      ['  non-2xx / socket errors', `${persons.non_2xx} / ${persons.errors}`, `${health.non_2xx} / ${health.errors}`, ''],
      ['RSS after load (MB) / peak', `${fmt(afterLoad.rssMb)} / ${fmt(afterLoad.hwmMb)}`, `idle ${fmt(idle.rssMb)}`, ''],
    ];
    const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length), 12));
    const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    process.stdout.write(`\n${BACKEND}, ${PERSONS} persons${cached ? ' (store reused; load figures from its generation)' : ''}\n`);
    process.stdout.write(`${line(['', 'vigil', 'baseline', 'ratio'])}\n${rows.map(line).join('\n')}\n`);
    process.stdout.write(
      `baselines: load = same rows into tables without keys/indexes; cold start = bare node:http server; throughput = GET /healthz (mean of before and after)\n` +
        `load average ${loadAverageAtStart.map((v) => v.toFixed(1)).join(' ')} at start, ${loadavg().map((v) => v.toFixed(1)).join(' ')} at end (2 cores, shared)\n`,
    );
  } finally {
    await stopProcess(running);
  }
}

await main();
