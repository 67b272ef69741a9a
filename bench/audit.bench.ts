/**
 * Audit benchmark: appends per second (awaited one after another, and from many concurrent
 * callers, group-committed; on SQLite both through the raw connection and through Kysely, the
 * PostgreSQL path), each next to a baseline measured in the same run: the same rows inserted one
 * by one into a bare table of the same columns, without hashing, chaining or head, through Kysely
 * as any other row of the app is written. Then verify over 10^6 entries, in process and as
 * `vigil audit verify`, next to reading the same pages without checking them.
 *
 *   node --import tsx bench/audit.bench.ts [--appends 20000] [--concurrency 64] [--entries 1000000]
 *                                          [--db postgres://postgres@127.0.0.1:5432/test]
 *
 * Everything lives in a temporary data directory (and, on PostgreSQL, a schema of its own),
 * removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { chainEntries, type ChainedFields } from '../src/audit/audit-chain.ts';
import { countAuditEntries, listAuditEntriesAfter, readAuditHead } from '../src/audit/audit.repository.ts';
import { createAuditLog, verifyAuditChain, type AuditEvent } from '../src/audit/audit.service.ts';
import type { AuditEntryRow, Database } from '../src/db/schema.ts';
import { openStore, type Store } from '../src/store.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VIGIL = join(ROOT, 'bin', 'vigil.js');

const { values: args } = parseArgs({
  options: {
    appends: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    entries: { type: 'string', default: '1000000' },
    db: { type: 'string' },
  },
});
const BACKEND = args.db ? 'PostgreSQL' : 'SQLite';
const APPENDS = Number(args.appends);
const CONCURRENCY = Number(args.concurrency);
const ENTRIES = Number(args.entries);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Events shaped like the real ones: a user reading a secret field of a case. */
function makeEvents(n: number): AuditEvent[] {
  const users = Array.from({ length: 20 }, () => `user:${randomUUID()}`);
  const cases = Array.from({ length: 500 }, () => randomUUID());
  return Array.from({ length: n }, (_, i): AuditEvent => ({
    actor: users[i % users.length]!,
    action: i % 3 === 0 ? 'person.update' : 'person.read_secret',
    case_id: cases[i % cases.length]!,
    entity: 'person',
    entity_id: cases[i % cases.length]!,
    detail: i % 3 === 0 ? { version: i, fields: 'residence,notes' } : { fields: 'national_id' },
  }));
}

/** The same row as an entry would be, minus what chaining adds (seq from the table, no hashes). */
function plainRow(event: AuditEvent, at: string) {
  return {
    at,
    actor: event.actor,
    action: event.action,
    case_id: event.case_id ?? null,
    entity: event.entity ?? null,
    entity_id: event.entity_id ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
    prev_hash: '',
    hash: '',
  };
}

type PlainDb = Kysely<Database & { audit_plain: Omit<AuditEntryRow, 'seq'> }>;

interface Timing {
  wall: number;
  /** This process's user + system CPU seconds: the figure least moved by other programs on a shared machine. */
  cpu: number;
}

async function timed(run: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const perSecond = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en');

/** `concurrency` callers, each awaiting its own call before making the next, as request handlers do. */
async function concurrently(events: AuditEvent[], concurrency: number, call: (event: AuditEvent) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) await call(events[next++]!);
    }),
  );
}

interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  cpu: string;
  baselineCpu: string;
}

async function appendFigures(store: Store): Promise<Row[]> {
  const { db, audit, clock, dialect } = store.ctx;
  const plain = db.withTables<{ audit_plain: Omit<AuditEntryRow, 'seq'> }>() as PlainDb;
  await plain.schema
    .createTable('audit_plain')
    .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('entity', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await plain.schema.createIndex('audit_plain_case_idx').on('audit_plain').columns(['case_id', 'seq']).execute();
  const insertPlain = (event: AuditEvent) => plain.insertInto('audit_plain').values(plainRow(event, clock.now().toISOString())).execute();
  const events = makeEvents(APPENDS);
  // The store's log: on SQLite through the raw connection (once store.ts hands it over), else through Kysely.
  const viaStore = createAuditLog(db, dialect, clock, store.database.sqlite);
  const viaKysely = createAuditLog(db, dialect, clock);
  const both = dialect === 'sqlite';
  // Warm every path (statement cache, JIT) before measuring.
  for (const event of events.slice(0, 500)) {
    await viaStore.append(event);
    await viaKysely.append(event);
    await db.transaction().execute((trx) => audit.appendIn(trx, event));
    await insertPlain(event);
  }
  const rows: Row[] = [];
  const add = (figure: string, measured: Timing, baseline: Timing) => {
    const ratio = baseline.wall / measured.wall;
    rows.push({
      figure,
      value: perSecond(APPENDS, measured.wall),
      baseline: perSecond(APPENDS, baseline.wall),
      ratio: `${(ratio * 100).toFixed(0)} %`,
      cpu: perSecond(APPENDS, measured.cpu),
      baselineCpu: perSecond(APPENDS, baseline.cpu),
    });
    log(`  ${figure}: ${perSecond(APPENDS, measured.wall)}/s (baseline ${perSecond(APPENDS, baseline.wall)}/s)`);
  };

  log(`appends, one after another (${APPENDS})…`);
  const seqBase = await timed(async () => {
    for (const event of events) await insertPlain(event);
  });
  add('append, awaited one after another (entries/s)', await timed(async () => {
    for (const event of events) await viaStore.append(event);
  }), seqBase);
  if (both) {
    add('  the same through Kysely (the PostgreSQL path)', await timed(async () => {
      for (const event of events) await viaKysely.append(event);
    }), seqBase);
  }

  log(`appends from ${CONCURRENCY} concurrent callers…`);
  const concBase = await timed(() => concurrently(events, CONCURRENCY, insertPlain));
  add(`append, ${CONCURRENCY} concurrent callers, group-committed (entries/s)`, await timed(() => concurrently(events, CONCURRENCY, (event) => viaStore.append(event))), concBase);
  if (both) add('  the same through Kysely (the PostgreSQL path)', await timed(() => concurrently(events, CONCURRENCY, (event) => viaKysely.append(event))), concBase);

  log('appendIn, one transaction per entry…');
  const inBase = await timed(async () => {
    for (const event of events) await plain.transaction().execute((trx) => trx.insertInto('audit_plain').values(plainRow(event, clock.now().toISOString())).execute());
  });
  const inTrx = await timed(async () => {
    for (const event of events) await db.transaction().execute((trx) => audit.appendIn(trx, event));
  });
  add('appendIn, own transaction each (entries/s)', inTrx, inBase);
  return rows;
}

/** Fields of the i-th generated entry: the event mix of the append runs, a second apart. */
function generatedFields(events: AuditEvent[], i: number): Omit<ChainedFields, 'seq'> {
  const { prev_hash: _p, hash: _h, ...fields } = plainRow(events[i % events.length]!, new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString());
  return fields;
}

/**
 * Continues the chain to n entries in large batches, bypassing the service for speed: on SQLite
 * through the raw connection, on PostgreSQL with one `unnest` insert per 10,000 rows.
 */
async function generateChain(store: Store, n: number): Promise<void> {
  const events = makeEvents(10_000);
  const { db } = store.ctx;
  let head = (await readAuditHead(db))!;
  const sqlite = store.database.sqlite;
  const insert = sqlite?.prepare(
    'insert into audit_entries (seq, at, actor, action, case_id, entity, entity_id, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const writeSqlite = sqlite?.transaction((entries: ReturnType<typeof chainEntries>) => {
    for (const e of entries) insert!.run(e.seq, e.at, e.actor, e.action, e.case_id, e.entity, e.entity_id, e.detail, e.prev_hash, e.hash);
    sqlite.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(head.seq, head.hash);
  });
  const batch = sqlite ? 50_000 : 10_000;
  while (head.seq < n) {
    const size = Math.min(batch, n - head.seq);
    const entries = chainEntries(head, Array.from({ length: size }, (_, i) => generatedFields(events, head.seq + i)));
    head = { seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash };
    if (writeSqlite) {
      writeSqlite(entries);
      continue;
    }
    const column = (name: keyof (typeof entries)[number]) => entries.map((e) => e[name]);
    await db.transaction().execute(async (trx) => {
      await sql`insert into audit_entries (seq, at, actor, action, case_id, entity, entity_id, detail, prev_hash, hash)
        select * from unnest(${column('seq')}::bigint[], ${column('at')}::text[], ${column('actor')}::text[], ${column('action')}::text[],
          ${column('case_id')}::text[], ${column('entity')}::text[], ${column('entity_id')}::text[], ${column('detail')}::text[],
          ${column('prev_hash')}::text[], ${column('hash')}::text[])`.execute(trx);
      await sql`update audit_head set seq = ${head.seq}, hash = ${head.hash} where id = 1`.execute(trx);
    });
  }
  if (!sqlite) await sql`analyze audit_entries`.execute(db);
}

/** Runs a command under bash's `time`, which reports the child's own CPU time beside the wall time. */
function timedCommand(argv: string[]): { timing: Timing; stdout: string; stderr: string; status: number | null } {
  const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const result = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time ${quoted}`], { encoding: 'utf8', env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '' } });
  const [wall, user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { timing: { wall, cpu: user + system }, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

async function verifyFigures(storeArgs: string[], store: Store): Promise<Row[]> {
  log(`generating a chain of ${ENTRIES} entries…`);
  const generation = await timed(() => generateChain(store, ENTRIES));
  log(`  ${generation.wall.toFixed(1)} s`);
  const count = await countAuditEntries(store.ctx.db);

  log('baseline: the same pages read, without checking them…');
  const scan = await timed(async () => {
    let n = 0;
    for (let after = 0; ; ) {
      const page = await listAuditEntriesAfter(store.ctx.db, after, null, 10_000);
      n += page.length;
      if (page.length < 10_000) break;
      after = page.at(-1)!.seq;
    }
    if (n !== count) throw new Error('the scan saw a different number of entries');
  });

  log('verifyAuditChain in this process…');
  const verify = await timed(async () => {
    const result = await verifyAuditChain(store.ctx.db);
    if (!result.ok || result.count !== count) throw new Error(`the generated chain does not verify: ${result.ok ? result.count : result.message}`);
  });
  await store.close();

  log('npm run build (the CLI runs from the bundle, as after npm install)…');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) log(`  build failed, the CLI runs its sources through tsx: ${build.stderr.split('\n')[0]}`);

  log('vigil audit verify (a child process, start to exit)…');
  const cli = timedCommand([process.execPath, VIGIL, 'audit', 'verify', ...storeArgs]);
  if (cli.status !== 0) throw new Error(`vigil audit verify failed: ${cli.stderr}`);
  log(`  ${cli.stdout.trim()}`);
  const start = timedCommand([process.execPath, VIGIL, '--help']);

  const ratio = (a: Timing, b: Timing) => `${(a.wall / b.wall).toFixed(1)}×`;
  const none = { baseline: '', ratio: '', baselineCpu: '' };
  return [
    { figure: `chain of ${count.toLocaleString('en')} entries generated in bulk (s)`, value: generation.wall.toFixed(1), cpu: generation.cpu.toFixed(1), ...none },
    { figure: 'verifyAuditChain, in process (s)', value: verify.wall.toFixed(2), baseline: scan.wall.toFixed(2), ratio: ratio(verify, scan), cpu: verify.cpu.toFixed(2), baselineCpu: scan.cpu.toFixed(2) },
    { figure: 'verifyAuditChain (entries/s)', value: perSecond(count, verify.wall), baseline: perSecond(count, scan.wall), ratio: '', cpu: perSecond(count, verify.cpu), baselineCpu: perSecond(count, scan.cpu) },
    { figure: '`vigil audit verify`, process start to exit (s; baseline `vigil --help`)', value: cli.timing.wall.toFixed(2), baseline: start.timing.wall.toFixed(2), ratio: '', cpu: cli.timing.cpu.toFixed(2), baselineCpu: start.timing.cpu.toFixed(2) },
  ];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-audit-bench-'));
  const schema = `audit_bench_${process.pid}`;
  let dbUrl: string | undefined;
  if (args.db) {
    await onPostgres(`create schema ${schema}`);
    const url = new URL(args.db);
    url.searchParams.set('options', `-c search_path=${schema}`);
    dbUrl = url.toString();
  }
  const load = loadavg();
  try {
    const store = await openStore({ dataDir, dbUrl });
    const appends = await appendFigures(store);
    // The chain for verify starts where the append runs left it, so it is one real chain.
    const verify = ENTRIES > 0 ? await verifyFigures(['--data', dataDir, ...(dbUrl ? ['--db', dbUrl] : [])], store) : (await store.close(), []);
    const rows = [...appends, ...verify];
    console.log(`\nAudit on ${BACKEND}, ${new Date().toISOString()}, load average ${load.map((l) => l.toFixed(1)).join(' ')} → ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log('| figure | Vigil | baseline | ratio | Vigil, CPU | baseline, CPU |');
    console.log('|---|---|---|---|---|---|');
    for (const row of rows) console.log(`| ${row.figure} | ${row.value} | ${row.baseline} | ${row.ratio} | ${row.cpu} | ${row.baselineCpu} |`);
    console.log(
      '\nBaselines: appends, the same rows into a bare table of the same columns (no hash, no chain, no head), one insert each, through Kysely;' +
        ' verify, the same pages read without checking them; the command, `vigil --help`.' +
        ' CPU columns: per CPU-second of this process, or of the command (rates), or CPU seconds (times); on a shared machine they move less than wall time.',
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (args.db) await onPostgres(`drop schema ${schema} cascade`);
  }
}

async function onPostgres(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: args.db });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

await main();
