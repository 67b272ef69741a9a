/**
 * The public register (issue 7): how long its pages take over a synthetic store (about 10 % of the
 * persons published, 6 % with their names, as src/demo/synthetic.ts makes them), through real HTTP,
 * beside baselines measured in the same run (GET /healthz; the same page's rows read by primary key
 * without the published condition), since the machine is shared.
 *
 *   npm run bench:public -- [--persons 1000000] [--regenerate] [--runs 200]
 *
 * The store is kept in bench/data/public-sqlite-N until --regenerate (SQLite; PostgreSQL is not measured here);
 * its name index is built on the first run.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import { encodeCursor } from '../src/http/schemas.ts';
import { listNamesOfPersons } from '../src/persons/persons.repository.ts';
import { reindexAllPersons } from '../src/search/name-index.ts';
import { loadSearchKey } from '../src/search/search-keys.ts';
import { openStore } from '../src/store.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    regenerate: { type: 'boolean', default: false },
    runs: { type: 'string', default: '200' },
  },
});
const PERSONS = Number(args.persons);
const RUNS = Number(args.runs);
if (!Number.isInteger(PERSONS) || PERSONS < 100) throw new Error('--persons takes a whole number ≥ 100');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a whole number ≥ 1');
const STORE_DIR = join(ROOT, 'bench', 'data', `public-sqlite-${PERSONS}`);
const MARKER = join(STORE_DIR, 'bench.json');

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function ensureStore(): Promise<void> {
  if (!args.regenerate && existsSync(MARKER) && (JSON.parse(readFileSync(MARKER, 'utf8')) as { persons: number }).persons === PERSONS) return;
  rmSync(STORE_DIR, { recursive: true, force: true });
  mkdirSync(STORE_DIR, { recursive: true });
  const store = await openStore({ dataDir: STORE_DIR, dbUrl: undefined });
  try {
    log(`loading ${PERSONS} synthetic cases…`);
    await generateSyntheticStore(store, { persons: PERSONS, seed: 1, onProgress: (done, total) => done % 100_000 === 0 && log(`  ${done}/${total}`) });
  } finally {
    await store.close();
  }
  writeFileSync(MARKER, `${JSON.stringify({ persons: PERSONS })}\n`);
}

function percentiles(values: number[]): { p50: number; p95: number; p99: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: sorted.length };
}

/** Times `run(i)` RUNS times after one warm-up; i picks the request (a different page or query each time). */
async function timed(run: (i: number) => Promise<unknown>): Promise<ReturnType<typeof percentiles>> {
  await run(0);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(i + 1);
    times.push(performance.now() - start);
  }
  return percentiles(times);
}

const fmt = (p: { p50: number; p95: number; p99: number }): string => `${p.p50.toFixed(1)} / ${p.p95.toFixed(1)} / ${p.p99.toFixed(1)} ms`;

async function main(): Promise<void> {
  await ensureStore();
  const openedAt = performance.now();
  const app = await createApp({ ...readConfig({ data: STORE_DIR, port: 0, worker: false }, {}), logger: false });
  log(`app opened (migrations included) in ${((performance.now() - openedAt) / 1000).toFixed(1)} s`);
  try {
    const { ctx } = app;
    // The bulk loader writes no name keys: the name index is built once, as `vigil search reindex` would.
    if (!(await ctx.db.selectFrom('person_name_keys').select('person_id').limit(1).executeTakeFirst())) {
      const started = performance.now();
      log('building the name index (vigil search reindex)…');
      await reindexAllPersons(ctx, await loadSearchKey(ctx));
      log(`  ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const url = await app.start();
    const fetchOk = async (path: string): Promise<string> => {
      const response = await fetch(url + path);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
      return body;
    };
    const published = await sql<{ n: number | string; last: number | string }>`select count(*) as n, max(case_seq) as last from persons where published = 1 and retracted_at is null and duplicate_of is null`.execute(ctx.db);
    const onRegister = Number(published.rows[0]!.n);
    const lastSeq = Number(published.rows[0]!.last);
    // Cursors spread over the whole register: a page anywhere in it.
    const cursorAt = (i: number) => encodeCursor(Math.floor(((i * 7919) % 1000) / 1000 * lastSeq));
    // Persons published with their names, picked at random over the whole register (seeded, so every run
    // asks the same): their primary names to search for, and their case numbers.
    const namedRows = await sql<{ id: string; case_number: string }>`
      select id, case_number from persons
      where published = 1 and retracted_at is null and duplicate_of is null and consent like '%"publicity":"named"%'
      order by (case_seq * 7919) % 100003, case_seq limit 200`.execute(ctx.db);
    const numbers = namedRows.rows.map((row) => row.case_number);
    const namesOf = await listNamesOfPersons(ctx.db, ctx.cipher, namedRows.rows.map((row) => row.id));
    const searches = namedRows.rows.flatMap((row) => {
      const primary = (namesOf.get(row.id) ?? []).find((name) => name.kind === 'primary') ?? namesOf.get(row.id)?.[0];
      return primary ? [{ name: primary.text, case_number: row.case_number }] : [];
    });
    if (searches.length === 0) throw new Error('no person on the register with named consent');

    const healthz = await timed(() => fetchOk('/healthz'));
    const sqlBaseline = await timed((i) => sql`select id, case_number, consent from persons where case_seq > ${Math.floor(((i * 7919) % 1000) / 1000 * lastSeq)} order by case_seq limit 51`.execute(ctx.db));
    const listFirst = await timed(() => fetchOk('/public'));
    const listAnywhere = await timed((i) => fetchOk(`/public?cursor=${cursorAt(i)}`));
    const listByStatus = await timed((i) => fetchOk(`/public?status=disappeared&cursor=${cursorAt(i)}`));
    const listByRareStatus = await timed((i) => fetchOk(`/public?status=forced_psychiatric&cursor=${cursorAt(i)}`));
    let found = 0;
    let searched = 0;
    // Found only if THAT person's case is among the results (not merely some case).
    const searchName = await timed(async (i) => {
      const search = searches[i % searches.length]!;
      const body = await fetchOk(`/public?q=${encodeURIComponent(search.name)}`);
      searched++;
      if (body.includes(`/public/cases/${search.case_number}"`)) found++;
    });
    const searchNumber = await timed((i) => fetchOk(`/public?q=${numbers[i % numbers.length]!}`));
    const casePage = await timed((i) => fetchOk(`/public/cases/${numbers[i % numbers.length]!}`));
    const feed = await timed(() => fetchOk('/public/feed.atom'));
    const figures = { persons: PERSONS, on_register: onRegister, runs: RUNS, healthz, sql_baseline: sqlBaseline, list_first: listFirst, list_anywhere: listAnywhere, list_by_status: listByStatus, list_by_rare_status: listByRareStatus, search_name: searchName, search_name_found: `${found}/${searched}`, search_number: searchNumber, case_page: casePage, feed };
    writeFileSync(join(ROOT, 'bench', 'data', `results-public-sqlite-${PERSONS}.json`), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`public register over ${PERSONS} persons (${onRegister} on the register), SQLite, through HTTP, ${RUNS} requests each, p50 / p95 / p99; target: list p95 < 100 ms`);
    console.log(`  baseline, same run: GET /healthz                          ${fmt(healthz)}`);
    console.log(`  baseline, same run: 51 rows by case_seq, no condition     ${fmt(sqlBaseline)}`);
    console.log(`  GET /public (first page)                                  ${fmt(listFirst)}`);
    console.log(`  GET /public?cursor=… (a page anywhere)                    ${fmt(listAnywhere)}`);
    console.log(`  GET /public?status=disappeared&cursor=…                   ${fmt(listByStatus)}`);
    console.log(`  GET /public?status=forced_psychiatric&cursor=… (rare)      ${fmt(listByRareStatus)}`);
    console.log(`  GET /public?q=NAME (a named person's name)                 ${fmt(searchName)}   (found in ${found} of ${searched} queries)`);
    console.log(`  GET /public?q=VG-… (a case number)                        ${fmt(searchNumber)}`);
    console.log(`  GET /public/cases/VG-…                                    ${fmt(casePage)}`);
    console.log(`  GET /public/feed.atom (newest 50)                         ${fmt(feed)}`);
  } finally {
    await app.stop();
  }
}

await main();
