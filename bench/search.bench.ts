/**
 * Name search (issue 6): how fast the name index is built and how big it is, how fast a name query
 * answers, and how well it finds real persons across scripts; each figure beside a baseline
 * measured in the same run, since the machine is shared and a ratio holds where a time drifts.
 *
 *   npm run bench:search -- [--persons 1000000] [--db postgres://…] [--regenerate] [--quick] [--store-only]
 *                           [--only recall,index,latency,text] [--keep-text-index]
 *
 * The synthetic store is kept in bench/data/search-<backend>-N (and the schema bench_search_N on
 * PostgreSQL) until --regenerate; its name index is rebuilt on every run, since that is measured.
 * --quick: fewer queries, no HTTP sample. --store-only: make sure the store exists, then stop.
 * --only latency on a store whose index an earlier run built measures the queries alone.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { sql } from 'kysely';
import { createApp, type App } from '../src/app.ts';
import type { Principal } from '../src/auth/roles.ts';
import { authenticate, createToken } from '../src/auth/tokens.service.ts';
import { readConfig } from '../src/config.ts';
import { generateSyntheticStore, SyntheticRandom } from '../src/demo/synthetic.ts';
import { listNamesOfPersons } from '../src/persons/persons.repository.ts';
import { getPersonSummary } from '../src/persons/persons.service.ts';
import { reindexAllPersons } from '../src/search/name-index.ts';
import { loadSearchKey, type SearchKey } from '../src/search/search-keys.ts';
import { searchPersons } from '../src/search/search.service.ts';
import { reindexAllText } from '../src/search/text-index.ts';
import { searchText } from '../src/search/text-search.service.ts';
import { systemPrincipal } from '../src/auth/roles.ts';
import type { Store } from '../src/store.ts';
import { onAdmin, openBenchStore } from './stores.ts';
import {
  loadNamePersons,
  measureRecall,
  namesakes,
  nameKeyRanker,
  tokenOverlapRanker,
  type IndexedName,
  type RecallFigures,
  type Ranker,
} from '../test/helpers/name-recall.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'store-only': { type: 'boolean', default: false },
    only: { type: 'string', default: 'recall,index,latency,text' },
    'keep-text-index': { type: 'boolean', default: false },
  },
});
const PERSONS = Number(args.persons);
if (!Number.isInteger(PERSONS) || PERSONS < 100) throw new Error('--persons takes a whole number ≥ 100');
const BACKEND = args.db ? 'postgres' : 'sqlite';
const STORE_DIR = join(ROOT, 'bench', 'data', `search-${BACKEND}-${PERSONS}`);
const SCHEMA = `bench_search_${PERSONS}`;
const MARKER = join(STORE_DIR, 'bench.json');
const SEED = 1;

const log = (line: string): void => void process.stderr.write(`${line}\n`);


const open = (): Promise<Store> => openBenchStore(STORE_DIR, args.db, SCHEMA);

interface Marker {
  persons: number;
  token: string;
  load: { seconds: number; persons_per_second: number; at: string; load_average: number[] };
}

/** A store of N synthetic cases, every one with the bench user as its coordinator. */
async function ensureStore(): Promise<Marker> {
  if (!args.regenerate && existsSync(MARKER)) {
    const marker = JSON.parse(readFileSync(MARKER, 'utf8')) as Marker;
    if (marker.persons === PERSONS) return marker;
  }
  rmSync(STORE_DIR, { recursive: true, force: true });
  mkdirSync(STORE_DIR, { recursive: true });
  if (args.db) await onAdmin(args.db, (c) => c.query(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`));
  const store = await open();
  try {
    const member = await createToken(store.ctx.db, store.ctx.clock, { role: 'researcher', name: 'search bench' });
    log(`loading ${PERSONS} synthetic cases into ${BACKEND}…`);
    const load = loadavg();
    const started = performance.now();
    let last = started;
    await generateSyntheticStore(store, {
      persons: PERSONS,
      seed: SEED,
      memberUserId: member.userId,
      onProgress(done, total) {
        const now = performance.now();
        if (now - last < 10_000 && done < total) return;
        last = now;
        log(`  ${done}/${total} persons, ${((now - started) / 1000).toFixed(0)} s`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    log(`  loaded in ${seconds.toFixed(1)} s`);
    if (args.db) await onAdmin(args.db, (c) => c.query(`analyze ${SCHEMA}.persons, ${SCHEMA}.person_names, ${SCHEMA}.status_entries, ${SCHEMA}.case_members`));
    const marker: Marker = { persons: PERSONS, token: member.token, load: { seconds, persons_per_second: PERSONS / seconds, at: new Date().toISOString(), load_average: load } };
    writeFileSync(MARKER, `${JSON.stringify(marker, null, 2)}\n`);
    return marker;
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Figures

const ms = (start: number): number => performance.now() - start;
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function percentiles(values: number[]): { p50: number; p95: number; p99: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: sorted.length };
}

const pct = (p: { p50: number; p95: number; p99: number }): string => `${p.p50.toFixed(2)} / ${p.p95.toFixed(2)} / ${p.p99.toFixed(2)}`;

/** Everything the sections print, also written to bench/data/results-search-<backend>-N.json. */
const results: Record<string, unknown> = {};

function out(line: string): void {
  console.log(line);
}

interface Env {
  app: App;
  key: SearchKey;
  member: Principal;
  token: string;
  marker: Marker;
}

// ---------------------------------------------------------------------------------------------
// 1. Building the name index

async function indexSize(app: App): Promise<{ bytes: number; rows: number }> {
  const { ctx, database } = app;
  const rows = Number((await ctx.db.selectFrom('person_name_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  if (database.sqlite) {
    // The table (a rowid table), its primary-key index and the (key, person_id) index.
    const sizes = database.sqlite
      .prepare(`select name, pgsize from dbstat where aggregate = 1 and name in ('person_name_keys', 'sqlite_autoindex_person_name_keys_1', 'person_name_keys_key_idx')`)
      .all() as Array<{ name: string; pgsize: number }>;
    return { bytes: sizes.reduce((sum, row) => sum + row.pgsize, 0), rows };
  }
  const size = await sql<{ bytes: string }>`select pg_total_relation_size('person_name_keys') as bytes`.execute(ctx.db);
  return { bytes: Number(size.rows[0]!.bytes), rows };
}

/** Baseline: the same number of rows of the same shape (random keys) into a bare copy of the table with its keys and index. */
async function plainInsert(app: App, rows: number): Promise<number> {
  const { ctx, database } = app;
  const random = new SyntheticRandom(7);
  const persons = await ctx.db.selectFrom('persons').select(['id', 'case_id']).orderBy('id').execute();
  const perPerson = rows / persons.length;
  const keyOf = (): string => Buffer.from([random.next(), random.next(), random.next(), random.next()].flatMap((n) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24])).toString('base64url');
  const rowsOf = function* (): Generator<[string, string, string]> {
    let owed = 0;
    for (const person of persons) {
      owed += perPerson;
      for (; owed >= 1; owed--) yield [person.id, person.case_id, keyOf()];
    }
  };
  if (database.sqlite) {
    const db = database.sqlite;
    db.exec('drop table if exists bench_name_keys');
    db.exec('create table bench_name_keys (person_id text not null, case_id text not null, key text not null, primary key (person_id, key))');
    db.exec('create index bench_name_keys_key_idx on bench_name_keys (key, person_id)');
    const insert = db.prepare('insert or ignore into bench_name_keys (person_id, case_id, key) values (?, ?, ?)');
    // The same page cache as the rebuild gives itself (withRebuildCache).
    const cacheSize = Number(db.pragma('cache_size', { simple: true }));
    db.pragma('cache_size = -262144');
    const started = performance.now();
    const write = db.transaction((batch: Array<[string, string, string]>) => {
      for (const row of batch) insert.run(row);
    });
    let batch: Array<[string, string, string]> = [];
    for (const row of rowsOf()) {
      batch.push(row);
      if (batch.length === 50_000) {
        write(batch);
        batch = [];
      }
    }
    write(batch);
    const seconds = ms(started) / 1000;
    db.pragma(`cache_size = ${cacheSize}`);
    db.exec('drop table bench_name_keys');
    return seconds;
  }
  await sql`drop table if exists bench_name_keys`.execute(ctx.db);
  await sql`create table bench_name_keys (like person_name_keys including all)`.execute(ctx.db);
  const started = performance.now();
  let batch: Array<[string, string, string]> = [];
  const flush = async (): Promise<void> => {
    const column = (c: number) => batch.map((row) => row[c]);
    await sql`insert into bench_name_keys (person_id, case_id, key) select * from unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::text[])`.execute(ctx.db);
    batch = [];
  };
  for (const row of rowsOf()) {
    batch.push(row);
    if (batch.length === 20_000) await flush();
  }
  await flush();
  const seconds = ms(started) / 1000;
  await sql`drop table bench_name_keys`.execute(ctx.db);
  return seconds;
}

async function indexSection(env: Env): Promise<void> {
  const { app, key, marker } = env;
  log('index: clearing person_name_keys, then reindexAllPersons…');
  await app.ctx.db.deleteFrom('person_name_keys').execute();
  const load = loadavg();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const count = await reindexAllPersons(app.ctx, key);
  const seconds = ms(started) / 1000;
  const used = process.cpuUsage(cpu);
  if (count !== PERSONS) throw new Error(`reindexed ${count} persons, expected ${PERSONS}`);
  if (args.db) await sql`analyze person_name_keys`.execute(app.ctx.db);
  const size = await indexSize(app);
  log(`  ${fmt(count)} persons in ${seconds.toFixed(1)} s; baseline: ${fmt(size.rows)} plain rows into a bare copy of the table…`);
  const baseline = await plainInsert(app, size.rows);
  const rate = count / seconds;
  const figures = {
    persons: count,
    seconds,
    persons_per_second: rate,
    cpu_seconds: (used.user + used.system) / 1e6,
    load_average_before: load,
    rows: size.rows,
    keys_per_person: size.rows / count,
    bytes: size.bytes,
    bytes_per_person: size.bytes / count,
    baseline_plain_insert_seconds: baseline,
    baseline_persons_per_second: count / baseline,
    bulk_load: marker.load,
  };
  results.index = figures;
  out(`1. name index build, ${fmt(PERSONS)} persons, ${BACKEND} (load before: ${load.map((l) => l.toFixed(1)).join(' ')})`);
  out(`   reindexAllPersons: ${fmt(rate)} persons/s (${seconds.toFixed(1)} s; CPU of this process, all threads: ${figures.cpu_seconds.toFixed(1)} s) — target ≥ 20,000/s`);
  out(`   baseline, same run: plain insert of the same ${fmt(size.rows)} rows (random keys) into a bare copy of the table: ${fmt(count / baseline)} persons/s (${baseline.toFixed(1)} s) → ${(seconds / baseline).toFixed(2)}× its time`);
  out(`   for reference, the bulk load of this store (${marker.load.at}, load ${marker.load.load_average.map((l) => l.toFixed(1)).join(' ')}): ${fmt(marker.load.persons_per_second)} persons/s`);
  out(`   index size: ${fmt(size.bytes / 2 ** 20, 1)} MiB, ${fmt(figures.bytes_per_person)} bytes per person, ${figures.keys_per_person.toFixed(2)} keys per person (${fmt(size.rows)} rows; ${BACKEND === 'sqlite' ? 'dbstat: table + both indexes' : 'pg_total_relation_size'})`);
}

// ---------------------------------------------------------------------------------------------
// 2. Name query latency

interface BenchQuery {
  kind: 'cross-script' | 'other form' | 'partial';
  q: string;
  personId: string;
}

/**
 * Queries from random persons of the store. Cross-script: a form of the person's name in a script
 * the person has no name in (learned from other persons of the sample who have both forms); other
 * form: one of the person's own forms, not its first; partial: one word of one of its forms.
 */
async function sampleQueries(app: App, count: number): Promise<BenchQuery[]> {
  const random = new SyntheticRandom(11);
  const rows = await app.ctx.db.selectFrom('persons').select(['id']).where('case_seq', 'in', Array.from({ length: count * 2 }, () => random.int(1, PERSONS))).execute();
  const names = await listNamesOfPersons(app.ctx.db, app.ctx.cipher, rows.map((row) => row.id));
  const scriptOf = (s: string): string => (s === 'Hant' ? 'Hans' : s);
  const otherForms = new Map<string, Set<string>>();
  const scriptOfText = new Map<string, string>();
  for (const forms of names.values()) {
    for (const a of forms) {
      scriptOfText.set(a.text, scriptOf(a.script));
      for (const b of forms) if (scriptOf(a.script) !== scriptOf(b.script)) (otherForms.get(a.text) ?? otherForms.set(a.text, new Set()).get(a.text)!).add(b.text);
    }
  }
  const queries: BenchQuery[] = [];
  const persons = [...names].filter(([, forms]) => forms.length > 0);
  for (let i = 0; queries.length < count && i < persons.length; i++) {
    const [personId, forms] = persons[i]!;
    const own = new Set(forms.map((f) => scriptOf(f.script)));
    const kind = (['cross-script', 'other form', 'partial'] as const)[queries.length % 3]!;
    if (kind === 'cross-script') {
      const foreign = [...new Set(forms.flatMap((f) => [...(otherForms.get(f.text) ?? [])]))].filter((t) => !own.has(scriptOfText.get(t)!));
      if (foreign.length > 0) {
        queries.push({ kind, q: random.pick(foreign), personId });
        continue;
      }
    }
    if (kind === 'partial') {
      const words = random.pick(forms).text.split(/[\s·]+/).filter(Boolean);
      queries.push({ kind, q: random.pick(words), personId });
      continue;
    }
    queries.push({ kind: 'other form', q: forms.length > 1 ? random.pick(forms.slice(1)).text : forms[0]!.text, personId });
  }
  return queries;
}

async function latencySection(env: Env): Promise<void> {
  const { app, key, member, token } = env;
  const count = args.quick ? 300 : 3000;
  const queries = await sampleQueries(app, count);
  const ctx = app.ctx;
  const keyHash = key.hash('bench');
  // Warm both paths (JIT, caches, the compiled queries).
  for (const query of queries.slice(0, 50)) {
    await searchPersons(ctx, key, member, { q: query.q, limit: 20 });
    await getPersonSummary(ctx, member, query.personId);
  }
  const search: Record<string, number[]> = { all: [] };
  const summary: number[] = [];
  const select: number[] = [];
  let hits = 0;
  let found = 0;
  log(`latency: ${queries.length} queries in process…`);
  for (const [i, query] of queries.entries()) {
    // Alternate the order, so neither path always runs first after the other.
    const runSearch = async (): Promise<void> => {
      const start = performance.now();
      const result = await searchPersons(ctx, key, member, { q: query.q, limit: 20 });
      const took = ms(start);
      search.all!.push(took);
      (search[query.kind] ??= []).push(took);
      hits += result.length;
      if (result.length > 0) found++;
    };
    const runBaseline = async (): Promise<void> => {
      let start = performance.now();
      await getPersonSummary(ctx, member, query.personId);
      summary.push(ms(start));
      start = performance.now();
      await ctx.db.selectFrom('person_name_keys').select('person_id').where('key', '=', keyHash).limit(1).execute();
      select.push(ms(start));
    };
    if (i % 2 === 0) {
      await runSearch();
      await runBaseline();
    } else {
      await runBaseline();
      await runSearch();
    }
  }
  const figures: Record<string, unknown> = {
    queries: queries.length,
    results_per_query: hits / queries.length,
    queries_with_a_result: found / queries.length,
    search_ms: Object.fromEntries(Object.entries(search).map(([kind, values]) => [kind, percentiles(values)])),
    baseline_get_person_summary_ms: percentiles(summary),
    baseline_single_key_select_ms: percentiles(select),
    examples: queries.slice(0, 6).map((q) => `${q.kind}: ${q.q}`),
  };
  out(`2. name query latency, in process as a member of every case, ${queries.length} queries (${fmt(hits / queries.length, 1)} results each, limit 20) — ms p50 / p95 / p99, target p95 < 50`);
  for (const [kind, values] of Object.entries(search)) out(`   searchPersons, ${kind.padEnd(12)} (${String(values.length).padStart(4)}): ${pct(percentiles(values))}`);
  out(`   baseline, same run: getPersonSummary of the query's person: ${pct(percentiles(summary))}; one single-key select on person_name_keys: ${pct(percentiles(select))}`);
  out(`   e.g. ${queries.slice(0, 6).map((q) => `${q.kind} "${q.q}"`).join(', ')}`);
  if (!args.quick) {
    const sample = queries.filter((_, i) => i % 10 === 0);
    const base = await app.start();
    const http: number[] = [];
    const httpBaseline: number[] = [];
    const get = async (path: string, into: number[]): Promise<void> => {
      const start = performance.now();
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      into.push(ms(start));
    };
    log(`latency: ${sample.length} queries over HTTP…`);
    for (const query of sample.slice(0, 20)) await get(`/api/v1/search?q=${encodeURIComponent(query.q)}`, []);
    for (const query of sample) {
      await get(`/api/v1/search?q=${encodeURIComponent(query.q)}`, http);
      await get(`/api/v1/persons/${query.personId}`, httpBaseline);
    }
    figures.http_search_ms = percentiles(http);
    figures.http_baseline_get_person_ms = percentiles(httpBaseline);
    out(`   over HTTP (fetch, one at a time, ${sample.length} of them): GET /api/v1/search ${pct(percentiles(http))}; baseline GET /api/v1/persons/{id} (with timeline, audited): ${pct(percentiles(httpBaseline))}`);
  }
  results.latency = figures;
}

// ---------------------------------------------------------------------------------------------
// 4. Full text (notes, status notes, sources…): the blind index's build, size and query latency

/**
 * Words of the synthetic notes (a handful of sentences repeated over the whole store, so every
 * word is very common: the worst case for a keyword index), two common words never in one note
 * (every candidate is read and fails) and one word found nowhere.
 */
const TEXT_QUERIES = ['relative abroad', 'detainee', 'phone contact', 'secure line', 'reprisals parents', 'officials refused', 'photo', 'family informed', 'brother', 'detainee abroad', 'zzyzx'];

async function textSection(env: Env): Promise<void> {
  const { app, key, member } = env;
  const ctx = app.ctx;
  if (!args['keep-text-index']) {
    log('text: rebuilding the full-text index…');
    const start = performance.now();
    const records = await reindexAllText(ctx, key);
    const seconds = ms(start) / 1000;
    const rows = Number((await ctx.db.selectFrom('text_search_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    let bytes: number | null = null;
    if (app.database.sqlite) {
      bytes = (app.database.sqlite.prepare("select sum(pgsize) as b from dbstat where name = 'text_search_keys' or name like 'sqlite_autoindex_text_search_keys%' or name like 'text_search_keys%'").get() as { b: number }).b;
    } else {
      bytes = Number((await sql<{ b: string }>`select pg_total_relation_size('text_search_keys') as b`.execute(ctx.db)).rows[0]!.b);
    }
    results.text_index = { records, seconds, records_per_second: records / seconds, rows, bytes };
    out(`4. full-text index rebuild: ${fmt(records)} records with text in ${seconds.toFixed(1)} s (${fmt(records / seconds)} records/s), ${fmt(rows)} key rows, ${bytes === null ? '?' : `${fmt(bytes / 2 ** 20, 1)} MiB`}`);
  }
  const operator = systemPrincipal('bench');
  const rounds = args.quick ? 10 : 50;
  const keyHash = key.hash('t:bench');
  const timings: Record<string, number[]> = { member: [], operator: [] };
  const select: number[] = [];
  let hits = 0;
  for (const q of TEXT_QUERIES) await searchText(ctx, key, member, q, { limit: 20 });
  log(`text: ${rounds} rounds of ${TEXT_QUERIES.length} queries…`);
  for (let round = 0; round < rounds; round++) {
    for (const q of TEXT_QUERIES) {
      for (const [label, principal] of [['member', member], ['operator', operator]] as const) {
        const start = performance.now();
        hits += (await searchText(ctx, key, principal, q, { limit: 20 })).length;
        timings[label]!.push(ms(start));
      }
      const start = performance.now();
      await ctx.db.selectFrom('text_search_keys').select('record_id').where('key', '=', keyHash).limit(1).execute();
      select.push(ms(start));
    }
  }
  results.text_latency = { queries: TEXT_QUERIES, rounds, member_ms: percentiles(timings.member!), operator_ms: percentiles(timings.operator!), baseline_single_key_select_ms: percentiles(select) };
  out(`   full-text query latency, ${TEXT_QUERIES.length} queries × ${rounds} (${fmt(hits / (2 * rounds * TEXT_QUERIES.length), 1)} hits each, limit 20) — ms p50 / p95 / p99, target p95 < 100`);
  out(`   searchText as a member of every case: ${pct(percentiles(timings.member!))}; as the operator: ${pct(percentiles(timings.operator!))}`);
  out(`   baseline, same run: one single-key select on text_search_keys: ${pct(percentiles(select))}`);
}

// ---------------------------------------------------------------------------------------------
// 3. Recall on real cross-script name pairs

/** Baseline: a plain SQLite FTS5 trigram index of the same forms, queried with each word of the query (OR), ranked by bm25. */
const fts5TrigramRanker: Ranker = (indexed: IndexedName[]) => {
  const db = new Sqlite(':memory:');
  db.exec("create virtual table names using fts5(text, tokenize = 'trigram')");
  const insert = db.prepare('insert into names (rowid, text) values (?, ?)');
  db.transaction(() => indexed.forEach((entry, i) => insert.run(i + 1, entry.form.text)))();
  const find = db.prepare('select rowid from names where names match ? order by rank limit 1000').pluck();
  return (query) => {
    // Trigrams need three characters; each word quoted, so nothing in it is read as FTS5 syntax.
    const words = query.split(/[\s\p{P}]+/u).filter((w) => [...w].length >= 3).map((w) => `"${w.replaceAll('"', '""')}"`);
    if (words.length === 0) return { ranked: [] };
    return { ranked: (find.all(words.join(' OR ')) as number[]).map((rowid) => rowid - 1) };
  };
};

function recallSection(): void {
  const persons = loadNamePersons();
  const distractors = namesakes(persons, 1500);
  const rows: Array<[string, RecallFigures, RecallFigures, RecallFigures]> = [];
  for (const [label, extra] of [['real persons only', []], ['+ 1,500 namesakes', distractors]] as const) {
    rows.push([label, measureRecall(persons, extra, nameKeyRanker), measureRecall(persons, extra, fts5TrigramRanker), measureRecall(persons, extra, tokenOverlapRanker)]);
  }
  const f = (x: number): string => x.toFixed(3);
  out(`3. recall on ${rows[0]![1].pairs} real cross-script pairs (test/fixtures/names-dev.tsv, ${persons.length} persons; one form indexed, each form in another script a query) — targets recall@10 ≥ 0.97, recall@1 ≥ 0.93; with namesakes recall@10 ≥ 0.95`);
  for (const [label, keys, fts, tokens] of rows) {
    out(`   ${label.padEnd(18)} name keys: recall@1 ${f(keys.at1)}, recall@10 ${f(keys.at10)} (key lookup finds ${f(keys.found)}, ${keys.candidates.toFixed(1)} candidates a query)`);
    out(`   ${''.padEnd(18)} baseline, FTS5 trigram: recall@1 ${f(fts.at1)}, recall@10 ${f(fts.at10)} (finds ${f(fts.found)}); exact token overlap: recall@1 ${f(tokens.at1)}, recall@10 ${f(tokens.at10)}`);
  }
  results.recall = Object.fromEntries(rows.map(([label, keys, fts, tokens]) => [label, { name_keys: keys, fts5_trigram: fts, token_overlap: tokens }]));
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const marker = await ensureStore();
  if (args['store-only']) return;
  out(`search bench: ${fmt(PERSONS)} persons, ${BACKEND}${args.quick ? ', --quick' : ''}, ${new Date().toISOString()}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const only = new Set(args.only.split(','));
  if (only.has('recall')) recallSection();
  const dbUrl = args.db ? (() => {
    const url = new URL(args.db);
    url.searchParams.set('options', `-c search_path=${SCHEMA}`);
    return url.toString();
  })() : undefined;
  const app = await createApp({ ...readConfig({ data: STORE_DIR, db: dbUrl, port: 0 }, {}), logger: false, worker: false });
  try {
    const member = await authenticate(app.ctx.db, app.ctx.clock, marker.token);
    if (!member) throw new Error('the bench token no longer works: run with --regenerate');
    const env: Env = { app, key: await loadSearchKey(app.ctx), member, token: marker.token, marker };
    if (only.has('index')) await indexSection(env);
    if (only.has('latency')) await latencySection(env);
    if (only.has('text')) await textSection(env);
  } finally {
    await app.stop();
  }
  results.finished_at = new Date().toISOString();
  results.load_average_after = loadavg();
  const file = join(ROOT, 'bench', 'data', `results-search-${BACKEND}-${PERSONS}${args.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  out(`load after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}; figures in ${file}`);
}


main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
