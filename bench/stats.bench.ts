/**
 * Statistics (issue 7): how long the counts by status, ethnicity, region and year of detention take
 * over a synthetic store, as the operator and as a member of every case, beside a baseline measured
 * in the same run (a plain count of the persons), since the machine is shared.
 *
 *   npm run bench:stats -- [--persons 1000000] [--db postgres://…] [--regenerate] [--runs 20] [--store-only]
 *
 * The store is kept in bench/data/stats-<backend>-N (the schema bench_stats_N on PostgreSQL) until --regenerate.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { authenticate, createToken } from '../src/auth/tokens.service.ts';
import { systemPrincipal, type Principal } from '../src/auth/roles.ts';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import { publicStatistics, statistics } from '../src/stats/stats.service.ts';
import type { Store } from '../src/store.ts';
import { onAdmin, openBenchStore } from './stores.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    runs: { type: 'string', default: '20' },
    'store-only': { type: 'boolean', default: false },
  },
});
const PERSONS = Number(args.persons);
const RUNS = Number(args.runs);
if (!Number.isInteger(PERSONS) || PERSONS < 100) throw new Error('--persons takes a whole number ≥ 100');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a whole number ≥ 1');
const BACKEND = args.db ? 'postgres' : 'sqlite';
const STORE_DIR = join(ROOT, 'bench', 'data', `stats-${BACKEND}-${PERSONS}`);
const SCHEMA = `bench_stats_${PERSONS}`;
const MARKER = join(STORE_DIR, 'bench.json');

const log = (line: string): void => void process.stderr.write(`${line}\n`);


const open = (): Promise<Store> => openBenchStore(STORE_DIR, args.db, SCHEMA);

interface Marker {
  persons: number;
  token: string;
  load_seconds: number;
}

async function ensureStore(): Promise<Marker> {
  if (!args.regenerate && existsSync(MARKER)) {
    const marker = JSON.parse(readFileSync(MARKER, 'utf8')) as Marker;
    if (marker.persons === PERSONS) return marker;
  }
  rmSync(STORE_DIR, { recursive: true, force: true });
  mkdirSync(STORE_DIR, { recursive: true });
  if (args.db) await onAdmin(args.db, (client) => client.query(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`));
  const store = await open();
  try {
    const member = await createToken(store.ctx.db, store.ctx.clock, { role: 'researcher', name: 'stats bench' });
    log(`loading ${PERSONS} synthetic cases into ${BACKEND}…`);
    const started = performance.now();
    await generateSyntheticStore(store, { persons: PERSONS, seed: 1, memberUserId: member.userId, onProgress: (done, total) => done % 100_000 === 0 && log(`  ${done}/${total}`) });
    const seconds = (performance.now() - started) / 1000;
    if (args.db) await onAdmin(args.db, (client) => client.query(`analyze ${SCHEMA}.persons, ${SCHEMA}.status_entries, ${SCHEMA}.case_members`));
    const marker: Marker = { persons: PERSONS, token: member.token, load_seconds: seconds };
    writeFileSync(MARKER, `${JSON.stringify(marker, null, 2)}\n`);
    return marker;
  } finally {
    await store.close();
  }
}

function percentiles(values: number[]): { p50: number; p95: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), n: sorted.length };
}

async function timed(run: () => Promise<unknown>): Promise<{ p50: number; p95: number; n: number }> {
  await run(); // warm the page cache and the statement cache
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return percentiles(times);
}

const fmt = (p: { p50: number; p95: number }): string => `${p.p50.toFixed(1)} / ${p.p95.toFixed(1)} ms`;

async function main(): Promise<void> {
  const marker = await ensureStore();
  if (args['store-only']) return;
  const openedAt = performance.now();
  const store = await open();
  log(`store opened (migrations included) in ${((performance.now() - openedAt) / 1000).toFixed(1)} s`);
  try {
    const { ctx } = store;
    const member: Principal = (await authenticate(ctx.db, ctx.clock, marker.token))!;
    const operator = systemPrincipal('stats bench');
    // A member of ten cases, as most case workers are: her counts start from her cases.
    const few = await createToken(ctx.db, ctx.clock, { role: 'researcher', name: 'stats bench, ten cases' });
    const cases = await ctx.db.selectFrom('persons').select('case_id').orderBy('case_seq').limit(10).execute();
    const at = ctx.clock.now().toISOString();
    await ctx.db.insertInto('case_members').values(cases.map(({ case_id }) => ({ case_id, user_id: few.userId, role: 'researcher', added_at: at, added_by: 'stats bench' }))).execute();
    const memberOfTen: Principal = (await authenticate(ctx.db, ctx.clock, few.token))!;
    const total = await statistics(ctx, operator);
    const baseline = await timed(() => sql`select count(*) from persons`.execute(ctx.db));
    // One pass over the same rows without grouping: what the grouping itself costs shows beside it.
    const from = ctx.dialect === 'sqlite' ? sql`persons indexed by persons_stats_idx` : sql`persons`;
    const pass = await timed(() => sql`select count(*), max(hometown) from ${from} where retracted_at is null and duplicate_of is null`.execute(ctx.db));
    const asOperator = await timed(() => statistics(ctx, operator));
    const asMember = await timed(() => statistics(ctx, member));
    const asMemberOfTen = await timed(() => statistics(ctx, memberOfTen));
    const published = await timed(() => publicStatistics(ctx));
    const figures = { backend: BACKEND, persons: PERSONS, counted: total.total, runs: RUNS, baseline_count_ms: baseline, baseline_one_pass_ms: pass, operator_ms: asOperator, member_of_every_case_ms: asMember, member_of_ten_cases_ms: asMemberOfTen, public_ms: published };
    writeFileSync(join(ROOT, 'bench', 'data', `results-stats-${BACKEND}-${PERSONS}.json`), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`statistics over ${PERSONS} persons (${total.total} counted) on ${BACKEND}, ${RUNS} runs, p50 / p95, target < 500 ms`);
    console.log(`  baseline, same run: select count(*) from persons   ${fmt(baseline)}`);
    console.log(`  baseline, same run: one ungrouped pass over them   ${fmt(pass)}`);
    console.log(`  statistics as the operator                         ${fmt(asOperator)}`);
    console.log(`  statistics as a member of every case               ${fmt(asMember)}`);
    console.log(`  statistics as a member of ten cases                ${fmt(asMemberOfTen)}`);
    console.log(`  public statistics (published persons)              ${fmt(published)}`);
  } finally {
    await store.close();
  }
}

await main();
