/**
 * The price of protection (issue 3): GET /api/v1/persons/{id} with its timeline, as served
 * (bearer token audited, membership checked, sealed fields opened, the secret read audited),
 * against the same store and server without them: a bench-only route beside it, through the same
 * hooks, that reads the same rows with the sealed values left sealed, no membership check and no
 * audit entry. Alternating rounds, so the machine's noise falls on both.
 *
 *   node --import tsx bench/protection.bench.ts [--persons 100000] [--db postgres://…] [--regenerate]
 *                                               [--duration 10] [--connections 16] [--rounds 3]
 *
 * The store is kept in bench/data/protection-<backend>-N (and the schema bench_protection_N on
 * PostgreSQL) until --regenerate. Needs wrk (`apt-get install -y wrk`).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { createToken } from '../src/auth/tokens.service.ts';
import { IdParams } from '../src/http/schemas.ts';
import { readConfig } from '../src/config.ts';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import type { FieldCipher } from '../src/keys/field-cipher.ts';
import { presentPerson } from '../src/persons/persons.presenter.ts';
import { findPersonById } from '../src/persons/persons.repository.ts';
import { findStatusEntriesByIds, listTimeline } from '../src/timeline/statuses.repository.ts';
import { openStore } from '../src/store.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    db: { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
  },
});
const PERSONS = Number(args.persons);
const BACKEND = args.db ? 'postgres' : 'sqlite';
const STORE_DIR = join(ROOT, 'bench', 'data', `protection-${BACKEND}-${PERSONS}`);
const SCHEMA = `bench_protection_${PERSONS}`;
const MARKER = join(STORE_DIR, 'bench.json');
const WRK_SCRIPT = join(ROOT, 'bench', 'wrk-persons.lua');

const log = (line: string) => process.stderr.write(`${line}\n`);
const run = promisify(execFile);

function dbUrl(): string | undefined {
  if (!args.db) return undefined;
  const url = new URL(args.db);
  url.searchParams.set('options', `-c search_path=${SCHEMA}`);
  return url.toString();
}

async function onAdmin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: args.db });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** A store of N synthetic cases, every one with the bench user as its coordinator; returns that user's token. */
async function ensureStore(): Promise<{ token: string }> {
  if (!args.regenerate && existsSync(MARKER)) return JSON.parse(readFileSync(MARKER, 'utf8')) as { token: string };
  rmSync(STORE_DIR, { recursive: true, force: true });
  mkdirSync(STORE_DIR, { recursive: true });
  if (args.db) await onAdmin(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`);
  const store = await openStore({ dataDir: STORE_DIR, dbUrl: dbUrl() });
  try {
    const member = await createToken(store.ctx.db, store.ctx.clock, { role: 'researcher', name: 'protection bench' });
    log(`loading ${PERSONS} synthetic cases into ${BACKEND}…`);
    const started = performance.now();
    await generateSyntheticStore(store, { persons: PERSONS, seed: 1, memberUserId: member.userId });
    log(`  loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (args.db) await onAdmin(`analyze ${SCHEMA}.persons, ${SCHEMA}.person_names, ${SCHEMA}.status_entries, ${SCHEMA}.case_members`);
    writeFileSync(MARKER, JSON.stringify({ token: member.token }));
    return { token: member.token };
  } finally {
    await store.close();
  }
}

/** Reads a sealed value as it is stored: the baseline pays for no decryption. */
const leaveSealed = { open: (sealed: string) => sealed, openNullable: (sealed: string | null) => sealed } as unknown as FieldCipher;

/** One wrk run; asynchronous, since the server under test shares this process's event loop. */
async function wrk(base: string, prefix: string, token: string, idsFile: string): Promise<{ rps: number; p99ms: number; cpuUs: number }> {
  // The server shares this process: its CPU over the run, per request served, is the least noisy figure.
  const cpu = process.cpuUsage();
  const result = await run('wrk', ['-t2', `-c${args.connections}`, `-d${args.duration}s`, '-s', WRK_SCRIPT, base], {
    env: { ...process.env, VIGIL_BENCH_TOKEN: token, VIGIL_BENCH_IDS: idsFile, VIGIL_BENCH_PREFIX: prefix },
  });
  const line = /WRK_RESULT (.*)/.exec(result.stdout)?.[1];
  if (!line) throw new Error(`wrk failed: ${result.stderr || result.stdout}`);
  const figures = JSON.parse(line) as { requests: number; duration_us: number; non_2xx: number; socket_errors: number; latency_us: { p99: number } };
  if (figures.requests === 0) throw new Error(`no request completed on ${prefix}: ${result.stdout}`);
  if (figures.non_2xx || figures.socket_errors) throw new Error(`${figures.non_2xx} failed and ${figures.socket_errors} broken requests on ${prefix}`);
  const used = process.cpuUsage(cpu);
  return { rps: figures.requests / (figures.duration_us / 1e6), p99ms: figures.latency_us.p99 / 1000, cpuUs: (used.user + used.system) / figures.requests };
}

async function main(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is needed: apt-get install -y wrk');
  const { token } = await ensureStore();
  const config = { ...readConfig({ data: STORE_DIR, db: dbUrl(), port: 0 }, {}), logger: false };
  const app = await createApp(config);
  const { ctx } = app;
  // The baseline: a route on the same server (same hooks, headers, bearer check, validation,
  // presenter) reading the same rows, minus the three: it drops the request's audit entry, checks
  // no membership and leaves sealed values sealed.
  app.server.get<{ Params: { id: string } }>('/bench/persons/:id', { schema: { params: IdParams } }, async (request, reply) => {
    if (!request.principal) return reply.code(401).send();
    request.principal.requestAudit = undefined;
    const timeline = await listTimeline(ctx.db, leaveSealed, request.params.id, false);
    const read = new Map(timeline.map((entry) => [entry.id, entry]));
    const person = await findPersonById(ctx.db, leaveSealed, request.params.id, (ids) =>
      ids.every((i) => read.has(i)) ? Promise.resolve(read) : findStatusEntriesByIds(ctx.db, leaveSealed, ids),
    );
    if (!person) return reply.code(404).send();
    return presentPerson(person, { timeline });
  });
  const url = await app.start();
  const baselineUrl = url;
  const ids = await ctx.db.selectFrom('persons').select('id').orderBy('case_seq').limit(10_000).execute();
  const idsFile = join(STORE_DIR, 'ids.txt');
  writeFileSync(idsFile, ids.map((row) => row.id).join('\n'));
  const auditBefore = await ctx.db.selectFrom('audit_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rounds: Array<{ protected: Awaited<ReturnType<typeof wrk>>; baseline: Awaited<ReturnType<typeof wrk>> }> = [];
  // Warm both paths' caches.
  await wrk(baselineUrl, '/bench/persons/', token, idsFile);
  await wrk(url, '/api/v1/persons/', token, idsFile);
  for (let round = 0; round < Number(args.rounds); round += 1) {
    const baseline = await wrk(baselineUrl, '/bench/persons/', token, idsFile);
    const guarded = await wrk(url, '/api/v1/persons/', token, idsFile);
    rounds.push({ protected: guarded, baseline });
    log(`  round ${round + 1}: protected ${guarded.rps.toFixed(0)} req/s (${guarded.cpuUs.toFixed(0)} µs CPU), baseline ${baseline.rps.toFixed(0)} req/s (${baseline.cpuUs.toFixed(0)} µs CPU)`);
  }
  const auditAfter = await ctx.db.selectFrom('audit_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await app.stop();
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const p = median(rounds.map((r) => r.protected.rps));
  const b = median(rounds.map((r) => r.baseline.rps));
  console.log(`GET person with timeline, ${PERSONS} persons, ${BACKEND}, ${args.connections} connections, ${args.rounds} rounds of ${args.duration} s (median)`);
  console.log(`  protected (token audit + membership + decryption + secret-read audit): ${p.toFixed(0)} req/s, p99 ${median(rounds.map((r) => r.protected.p99ms)).toFixed(1)} ms`);
  console.log(`  baseline (same store and server, none of the three):                   ${b.toFixed(0)} req/s, p99 ${median(rounds.map((r) => r.baseline.p99ms)).toFixed(1)} ms`);
  const pc = median(rounds.map((r) => r.protected.cpuUs));
  const bc = median(rounds.map((r) => r.baseline.cpuUs));
  console.log(`  server CPU per request: protected ${pc.toFixed(0)} µs, baseline ${bc.toFixed(0)} µs (${(pc / bc).toFixed(2)}x)`);
  console.log(`  slowdown: ${(b / p).toFixed(2)}x (target <= 1.3x); audit entries written: ${Number(auditAfter.n) - Number(auditBefore.n)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
