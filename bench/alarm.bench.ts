/**
 * The alarm (issue 4): N active watches (10⁵ by default) in a store, a real `vigil worker` process
 * mailing a real SMTP server (smtp-server, in this process), and a real `vigil serve` for check-ins.
 * Every figure is printed beside a baseline from the same run, since the machine is shared.
 *
 *   npm run bench:alarm -- [--watches 100000] [--db postgres://postgres@127.0.0.1:5432/test]
 *                          [--latency 200] [--spacing-ms 250] [--burst 10000] [--idle-seconds 30]
 *                          [--duration 15] [--connections 32] [--rounds 2] [--no-checkins] [--keep]
 *                          [--profile-worker DIR]   (a CPU profile of the worker process, written when it stops)
 *
 * 1. deadline → first notice handed to SMTP: `--latency` watches fall due one after another,
 *    `--spacing-ms` apart; for each, the time from its deadline to the end of the notice's DATA at
 *    the SMTP server. Baselines: a plain nodemailer send to the same server, and a bare
 *    `select … where next_deadline <= now` on the same table.
 * 2. a burst: `--burst` watches fall due in the same second; the time from that second until the
 *    last notice arrived. Baseline: the same number of plain nodemailer sends.
 * 3. an idle worker's CPU over `--idle-seconds`, from /proc/PID/stat (on PostgreSQL also the
 *    database backends serving it), on the fresh store and again after the burst. Baseline: an
 *    idle `node -e "setInterval(() => {}, 1000)"` sampled over the same seconds.
 * 4. check-ins per second through real HTTP: POST /api/v1/watches/{id}/contact against `vigil serve
 *    --no-worker`; baselines GET /healthz and GET /api/v1/watches/{id}. Then the person's own page
 *    POST /c/{secret} (two scrypt derivations per attempt), beside the bare scrypt rate.
 *
 * A watch's deadline is moved as a check-in moves it (last_contact_at and next_deadline, by SQL).
 * The store is made afresh each run (deadlines are relative to now) in bench/data/alarm-BACKEND-N,
 * or the schema bench_alarm on PostgreSQL, and removed at the end unless --keep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, scrypt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { createToken } from '../src/auth/tokens.service.ts';
import type { RevisionRow, WatchRow } from '../src/db/schema.ts';
import { generateSyntheticStore, SYNTHETIC_ACTOR } from '../src/demo/synthetic.ts';
import { sealContext } from '../src/keys/field-cipher.ts';
import { newId } from '../src/lib/ids.ts';
import { diffChanges } from '../src/records/versioning.ts';
import { openStore, type Store } from '../src/store.ts';
import { hashPin } from '../src/watch/pins.ts';
import { findWatchById, findWatchBySecretHash } from '../src/watch/watches.repository.ts';
import { findMissedDeadlines } from '../src/watch/alerts.repository.ts';
import { findNextDueTime } from '../src/notify/notifications.repository.ts';
import type { EscalationTier } from '../src/watch/watches.types.ts';
import { cpuMs, cpuMsIfAlive, freePort } from './processes.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VIGIL = join(ROOT, 'bin', 'vigil.js');
const { values: args } = parseArgs({
  options: {
    watches: { type: 'string', default: '100000' },
    db: { type: 'string' },
    latency: { type: 'string', default: '200' },
    'spacing-ms': { type: 'string', default: '250' },
    burst: { type: 'string', default: '10000' },
    'idle-seconds': { type: 'string', default: '30' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
    'no-checkins': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'profile-worker': { type: 'string' },
  },
});

const WATCHES = Number(args.watches);
const LATENCY = Number(args.latency);
const SPACING_MS = Number(args['spacing-ms']);
const BURST = Number(args.burst);
const IDLE_SECONDS = Number(args['idle-seconds']);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const BACKEND = args.db ? 'postgres' : 'sqlite';
const SCHEMA = 'bench_alarm';
const STORE_DIR = join(ROOT, 'bench', 'data', `alarm-${BACKEND}-${WATCHES}`);
/** Watches whose own check-in page is measured; their secrets are kept (in memory only). */
const PAGE_SAMPLE = 1000;
const CONTACT_SAMPLE = 10_000;
const PIN = '2468';
const DURESS_PIN = '1357';
/** As createWatch: these fields are recorded as "changed" in the revision, never with a value. */
const SECRET_IN_HISTORY = ['pin', 'duress_pin', 'escalation'];
const INTERVAL = { text: 'PT24H', seconds: 86_400 };
const GRACE = { text: 'PT1H', seconds: 3600 };
/** Background deadlines lie this far ahead at least, so nothing but the measured watches falls due during the run. */
const BACKGROUND_FROM_MS = 30 * 60_000;

for (const [name, value] of Object.entries({ WATCHES, LATENCY, SPACING_MS, BURST, DURATION, CONNECTIONS, ROUNDS })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name.toLowerCase()} takes a whole number ≥ 1`);
}
if (WATCHES < LATENCY + BURST + PAGE_SAMPLE + 1000) throw new Error(`--watches must be at least --latency + --burst + ${PAGE_SAMPLE + 1000}`);

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

function dbUrl(): string | undefined {
  if (!args.db) return undefined;
  const url = new URL(args.db);
  url.searchParams.set('options', `-c search_path=${SCHEMA}`);
  return url.toString();
}

function storeFlags(): string[] {
  const url = dbUrl();
  return url ? ['--data', STORE_DIR, '--db', url] : ['--data', STORE_DIR];
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

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function summary(values: number[]): { n: number; p50: number; p99: number; max: number; min: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? NaN };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}


// ---------------------------------------------------------------------------------------------
// The SMTP server notices are handed to: it notes when each message's DATA ended, by key

interface Sink {
  url: string;
  port: number;
  /** Idempotency key (X-Vigil-Idempotency-Key, or X-Bench-Key for baseline sends) → arrival, ms since the epoch. */
  arrivals: Map<string, number>;
  waitFor(count: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const arrivals = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 100,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const at = Date.now();
        const headers = head.slice(0, Math.max(0, head.indexOf('\r\n\r\n')) || head.length);
        const key = /^X-(?:Vigil-Idempotency|Bench)-Key:\s*(\S+)/im.exec(headers)?.[1];
        if (key && !arrivals.has(key)) arrivals.set(key, at);
        callback();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    arrivals,
    async waitFor(count, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (arrivals.size < count) {
        if (Date.now() > until) return false;
        await sleep(20);
      }
      return true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// ---------------------------------------------------------------------------------------------
// The store: N synthetic persons, one active watch each, sealed as insertWatch seals them

interface Loaded {
  token: string;
  latency: string[];
  burst: string[];
  background: string[];
  pageSecrets: string[];
  personsSeconds: number;
  watchesSeconds: number;
}

async function buildStore(store: Store): Promise<Loaded> {
  const { ctx } = store;
  const member = await createToken(ctx.db, ctx.clock, { role: 'researcher', name: 'alarm bench' });
  log(`loading ${WATCHES} synthetic persons into ${BACKEND}…`);
  let started = performance.now();
  await generateSyntheticStore(store, { persons: WATCHES, seed: 1, memberUserId: member.userId });
  const personsSeconds = (performance.now() - started) / 1000;
  log(`  ${personsSeconds.toFixed(1)} s`);

  // One PIN pair for all (scrypt at 2¹⁴ costs ~50 ms a hash); sealed per watch, as insertWatch does.
  const [pinHash, duressHash] = await Promise.all([hashPin(PIN), hashPin(DURESS_PIN)]);
  const persons = await ctx.db.selectFrom('persons').select(['id', 'case_id']).orderBy('case_seq').execute();
  log(`loading ${persons.length} watches…`);
  started = performance.now();
  const now = Date.now();
  const at = new Date(now).toISOString();
  const ids: string[] = [];
  const pageSecrets: string[] = [];
  const backgroundFrom = LATENCY + BURST;
  const batchSize = 500;
  for (let first = 0; first < persons.length; first += batchSize) {
    const watches: WatchRow[] = [];
    const revisions: RevisionRow[] = [];
    for (const [offset, person] of persons.slice(first, first + batchSize).entries()) {
      const index = first + offset;
      const id = newId();
      const secret = randomBytes(32).toString('base64url');
      // The page sample is taken from the background watches, whose deadlines check-ins may move.
      if (index >= backgroundFrom && pageSecrets.length < PAGE_SAMPLE) pageSecrets.push(secret);
      const escalation: EscalationTier[] = [
        { after: 'PT0S', after_seconds: 0, ack_within: 'PT30M', ack_within_seconds: 1800, notify: [{ email: `watch-${index}@alarm.bench.invalid` }] },
      ];
      // Deadlines spread over the coming day, as for people who check in once a day.
      const deadline = new Date(now + BACKGROUND_FROM_MS + Math.floor(Math.random() * (INTERVAL.seconds * 1000 - BACKGROUND_FROM_MS))).toISOString();
      const seal = (column: string, value: string) => ctx.cipher.seal(value, sealContext('watches', column, id));
      watches.push({
        id,
        case_id: person.case_id,
        person_id: person.id,
        check_interval: INTERVAL.text,
        check_interval_seconds: INTERVAL.seconds,
        grace: GRACE.text,
        grace_seconds: GRACE.seconds,
        proxies: '[]',
        pin_hash: seal('pin_hash', pinHash),
        duress_pin_hash: seal('duress_pin_hash', duressHash),
        checkin_secret_hash: createHash('sha256').update(secret).digest('hex'),
        escalation: seal('escalation', JSON.stringify(escalation)),
        last_contact_at: null,
        next_deadline: deadline,
        state: 'active',
        failed_pins: 0,
        locked_until: null,
        version: 1,
        created_at: at,
        updated_at: at,
        retracted_at: null,
        retraction_reason: null,
        // An interval schedule: the columns of fixed times, rest and travel as insertWatch leaves them.
        check_times: null,
        time_zone: 'UTC',
        rest_periods: '[]',
        travel_started_at: null,
        travel_until: null,
        travel_interval: null,
        travel_interval_seconds: null,
        travel_note: null,
        counting_from: at,
      });
      const revisionId = newId();
      const changes = diffChanges(
        null,
        { person_id: person.id, interval: INTERVAL.text, grace: GRACE.text, proxies: [], escalation: true, pin: true, duress_pin: true, state: 'active', next_deadline: deadline },
        SECRET_IN_HISTORY,
      );
      revisions.push({
        id: revisionId,
        case_id: person.case_id,
        entity: 'watch',
        entity_id: id,
        version: 1,
        action: 'create',
        actor: SYNTHETIC_ACTOR,
        at,
        changes: ctx.cipher.seal(JSON.stringify(changes), sealContext('revisions', 'changes', revisionId)),
        reason: null,
      });
      ids.push(id);
    }
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('watches').values(watches).execute();
      await trx.insertInto('revisions').values(revisions).execute();
    });
  }
  await ctx.audit.append({ actor: SYNTHETIC_ACTOR, action: 'synthetic.load', detail: { complete: true, watches: ids.length } });
  if (args.db) await sql`analyze watches, persons, revisions`.execute(ctx.db);
  const watchesSeconds = (performance.now() - started) / 1000;
  log(`  ${watchesSeconds.toFixed(1)} s`);

  // The rows read back through the repository: sealed where it expects, openable with the store's key.
  const check = await findWatchById(ctx.db, ctx.cipher, ids[0]!);
  const viaPage = await findWatchBySecretHash(ctx.db, ctx.cipher, createHash('sha256').update(pageSecrets[0]!).digest('hex'));
  if (!check?.escalation?.[0]?.notify.length || viaPage?.pin_hash !== pinHash) throw new Error('the loaded watches do not read back through the repository');
  return {
    token: member.token,
    latency: ids.slice(0, LATENCY),
    burst: ids.slice(LATENCY, LATENCY + BURST),
    background: ids.slice(LATENCY + BURST),
    pageSecrets,
    personsSeconds,
    watchesSeconds,
  };
}

/** Moves deadlines as a check-in would: last contact = deadline − interval − grace. One statement or transaction. */
async function setDeadlines(store: Store, plan: Array<{ id: string; deadline: number }>): Promise<void> {
  const span = (INTERVAL.seconds + GRACE.seconds) * 1000;
  const contacts = plan.map((p) => new Date(p.deadline - span).toISOString());
  const deadlines = plan.map((p) => new Date(p.deadline).toISOString());
  if (store.database.sqlite) {
    const update = store.database.sqlite.prepare('update watches set last_contact_at = ?, next_deadline = ? where id = ?');
    store.database.sqlite.transaction(() => plan.forEach((p, i) => update.run(contacts[i], deadlines[i], p.id)))();
    return;
  }
  await sql`update watches as w set last_contact_at = v.c, next_deadline = v.d
    from unnest(${plan.map((p) => p.id)}::text[], ${contacts}::text[], ${deadlines}::text[]) as v(id, c, d) where w.id = v.id`.execute(store.ctx.db);
}

interface Measured {
  /** Arrival at the SMTP server − deadline, ms, per watch. */
  values: number[];
  missing: number;
  firstArrival: number;
  lastArrival: number;
  /** The worker's steps, from the rows' own timestamps: alert opened − deadline, notice recorded − alert opened, arrival − notice recorded (ms). */
  stages: { opened: number[]; recorded: number[]; handed: number[] };
  /** When the last alert was opened and the last notice recorded (ms since the epoch). */
  lastOpened: number;
  lastRecorded: number;
}

/** Each watch's first notice: when its alert opened, its notice was recorded and it reached the SMTP server (the key is `alert.tier.target`). */
async function latencies(store: Store, sink: Sink, watchIds: string[]): Promise<Measured> {
  const m: Measured = { values: [], missing: 0, firstArrival: Infinity, lastArrival: -Infinity, stages: { opened: [], recorded: [], handed: [] }, lastOpened: -Infinity, lastRecorded: -Infinity };
  for (let i = 0; i < watchIds.length; i += 1000) {
    const rows = await store.ctx.db
      .selectFrom('alerts')
      .leftJoin('notifications', (join) => join.onRef('notifications.alert_id', '=', 'alerts.id').on('notifications.tier', '=', 1))
      .select(['alerts.id', 'alerts.deadline_at', 'alerts.opened_at', 'notifications.created_at as recorded_at'])
      .where('alerts.kind', '=', 'missed')
      .where('alerts.watch_id', 'in', watchIds.slice(i, i + 1000))
      .execute();
    m.missing += Math.min(1000, watchIds.length - i) - rows.length;
    for (const row of rows) {
      const arrival = sink.arrivals.get(`${row.id}.1.0`);
      if (arrival === undefined || !row.recorded_at) {
        m.missing++;
        continue;
      }
      const deadline = Date.parse(row.deadline_at!);
      const opened = Date.parse(row.opened_at);
      const recorded = Date.parse(row.recorded_at);
      m.firstArrival = Math.min(m.firstArrival, arrival);
      m.lastArrival = Math.max(m.lastArrival, arrival);
      m.lastOpened = Math.max(m.lastOpened, opened);
      m.lastRecorded = Math.max(m.lastRecorded, recorded);
      m.values.push(arrival - deadline);
      m.stages.opened.push(opened - deadline);
      m.stages.recorded.push(recorded - opened);
      m.stages.handed.push(arrival - recorded);
    }
  }
  return m;
}

function stageSummary(m: Measured) {
  return { opened_ms: summary(m.stages.opened), recorded_ms: summary(m.stages.recorded), handed_ms: summary(m.stages.handed) };
}

/** The two queries every worker pass asks of the watches, timed here on the same store (ms, median of 30). */
async function passQueries(store: Store): Promise<{ sweep_ms: number; next_due_ms: number }> {
  const time = async (run: () => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    return summary(times).p50;
  };
  const now = () => new Date().toISOString();
  return {
    sweep_ms: await time(() => findMissedDeadlines(store.ctx.db, now(), 200)),
    next_due_ms: await time(() => findNextDueTime(store.ctx.db, now())),
  };
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Running {
  child: ChildProcess;
  pid: number;
  /** What the worker said about each pass that did something, and when (ms since the epoch). */
  passes: Array<{ at: number; missed: number; tiers: number; sent: number }>;
}

function vigilEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, VIGIL_LOG: 'off', VIGIL_DB: '', VIGIL_DATA: '', VIGIL_BASE_URL: 'https://vigil.bench.invalid', ...extra };
}

async function startWorkerProcess(smtpUrl: string): Promise<Running> {
  const profile = args['profile-worker'] ? ['--cpu-prof', '--cpu-prof-dir', resolve(args['profile-worker'])] : [];
  const child = spawn(process.execPath, [...profile, VIGIL, 'worker', ...storeFlags()], { cwd: ROOT, env: vigilEnv({ VIGIL_SMTP_URL: smtpUrl }), stdio: ['ignore', 'pipe', 'inherit'] });
  const running: Running = { child, pid: child.pid!, passes: [] };
  await new Promise<void>((resolveReady, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line.includes('Vigil worker is running')) resolveReady();
        const pass = /^worker pass (\{.*\})$/.exec(line)?.[1];
        if (pass) {
          const { worker: counts } = JSON.parse(pass) as { worker: { missed: number; tiers: number; sent: number } };
          running.passes.push({ at: Date.now(), missed: counts.missed, tiers: counts.tiers, sent: counts.sent });
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`vigil worker exited with ${code}`)));
  });
  return running;
}

async function startServe(): Promise<{ running: Running; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [VIGIL, 'serve', '--host', '127.0.0.1', '--no-worker', '--port', String(port), ...storeFlags()], {
    cwd: ROOT,
    env: vigilEnv({}),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vigil serve exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 60_000) throw new Error('vigil serve did not answer /healthz in time');
    await sleep(20);
  }
  return { running: { child, pid: child.pid!, passes: [] }, url };
}

async function stop(running: Running): Promise<void> {
  if (running.child.exitCode !== null) return;
  const exited = new Promise((r) => running.child.once('exit', r));
  running.child.kill('SIGTERM');
  await exited;
}

/** The PostgreSQL backends that serve a process: its TCP connections' ports, as pg_stat_activity knows them. */
async function backendsOf(store: Store, pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9]!)) ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  if (ports.length === 0) return [];
  const rows = await sql<{ pid: number }>`select pid from pg_stat_activity where client_port = any(${ports}::int[])`.execute(store.ctx.db);
  return rows.rows.map((row) => Number(row.pid));
}

/**
 * Starts counting the CPU time of the worker and of the PostgreSQL backends serving it (looked for
 * every half second, since its pool opens and closes connections); the returned function stops
 * and reads it (ms). A backend's time before it was first seen is not counted: a lower bound.
 */
async function startCpuCount(store: Store, worker: Running): Promise<() => Promise<{ worker: number; database: number | null; backends: number }>> {
  const workerFirst = cpuMs(worker.pid);
  const seen = new Map<number, { first: number; last: number }>();
  const poll = async () => {
    if (!args.db) return;
    for (const pid of await backendsOf(store, worker.pid)) if (!seen.has(pid)) seen.set(pid, { first: cpuMsIfAlive(pid) ?? 0, last: 0 });
    for (const [pid, entry] of seen) entry.last = cpuMsIfAlive(pid) ?? entry.last;
  };
  await poll();
  const timer = setInterval(() => void poll().catch(() => {}), 500);
  return async () => {
    clearInterval(timer);
    await poll();
    const database = [...seen.values()].reduce((sum, e) => sum + Math.max(0, e.last - e.first), 0);
    return { worker: cpuMs(worker.pid) - workerFirst, database: args.db ? database : null, backends: seen.size };
  };
}

interface IdleFigures {
  seconds: number;
  worker_percent: number;
  worker_rss_mb: number;
  database_backends: number | null;
  database_percent: number | null;
  baseline_percent: number;
  load: number[];
}

/** CPU over `seconds` of the worker (and its PostgreSQL backends) and of an idle Node process, sampled side by side. */
async function measureIdle(store: Store, worker: Running, seconds: number): Promise<IdleFigures> {
  const baseline = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(3000);
    const count = await startCpuCount(store, worker);
    const baselineFirst = cpuMs(baseline.pid!);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const elapsed = performance.now() - t0;
    const used = await count();
    const baselineMs = cpuMs(baseline.pid!) - baselineFirst;
    return {
      seconds,
      worker_percent: (used.worker / elapsed) * 100,
      worker_rss_mb: rssMb(worker.pid),
      database_backends: args.db ? used.backends : null,
      database_percent: used.database === null ? null : (used.database / elapsed) * 100,
      baseline_percent: (baselineMs / elapsed) * 100,
      load: load(),
    };
  } finally {
    baseline.kill('SIGTERM');
  }
}

// ---------------------------------------------------------------------------------------------
// Plain SMTP sends: the baseline for what the worker hands over

function plainTransport(port: number) {
  // As createDeliveryChannels configures it.
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, maxConnections: 5 });
}

const PLAIN_TEXT = `${'A plain message of about the size of a notice. '.repeat(16)}\n`;

async function plainSends(port: number, count: number, concurrent: boolean): Promise<{ roundTrips: number[]; seconds: number }> {
  const transport = plainTransport(port);
  const send = async (i: number) => {
    const t = performance.now();
    await transport.sendMail({
      from: 'vigil@localhost',
      to: `plain-${i}@alarm.bench.invalid`,
      subject: 'Plain baseline',
      text: PLAIN_TEXT,
      headers: { 'X-Bench-Key': `plain-${concurrent ? 'burst' : 'single'}-${i}` },
    });
    return performance.now() - t;
  };
  // A warm pool, as the worker's is.
  await send(-1);
  const started = performance.now();
  const roundTrips = concurrent ? await Promise.all(Array.from({ length: count }, (_, i) => send(i))) : [];
  if (!concurrent) for (let i = 0; i < count; i++) roundTrips.push(await send(i));
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return { roundTrips, seconds };
}

async function bareSelect(store: Store, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await store.ctx.db
      .selectFrom('watches')
      .select(['id', 'case_id', 'person_id', 'next_deadline'])
      .where('state', '=', 'active')
      .where('next_deadline', '<=', new Date().toISOString())
      .orderBy('next_deadline')
      .limit(200)
      .execute();
    times.push(performance.now() - t);
  }
  return times;
}

// ---------------------------------------------------------------------------------------------
// HTTP load: keep-alive connections, each sending its next request when the last one answered

interface HttpRequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface LoadFigures {
  label: string;
  requests: number;
  seconds: number;
  rps: number;
  unexpected: number;
  statuses: Record<string, number>;
  p50_ms: number;
  p99_ms: number;
  server_cpu_us_per_request: number;
  load: number[];
}

async function drive(base: string, label: string, seconds: number, connections: number, expect: number, serverPid: number, next: () => HttpRequestSpec): Promise<LoadFigures> {
  const { hostname, port } = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const send = (spec: HttpRequestSpec) =>
    new Promise<number>((resolveStatus, reject) => {
      const req = httpRequest({ host: hostname, port, method: spec.method, path: spec.path, headers: spec.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolveStatus(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(spec.body);
    });
  const cpuBefore = cpuMs(serverPid);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        let status: number;
        try {
          status = await send(next());
        } catch {
          status = 0;
        }
        latenciesMs.push(performance.now() - t);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuMs(serverPid) - cpuBefore;
  agent.destroy();
  const stats = summary(latenciesMs);
  const requests = latenciesMs.length;
  return {
    label,
    requests,
    seconds: elapsed,
    rps: requests / elapsed,
    unexpected: requests - (statuses[expect] ?? 0),
    statuses,
    p50_ms: stats.p50,
    p99_ms: stats.p99,
    server_cpu_us_per_request: (cpu * 1000) / requests,
    load: load(),
  };
}

/** Scrypt as the check-in page runs it (two derivations per attempt, N=2¹⁴, r=8), here, with the same concurrency. */
async function scryptRate(seconds: number, concurrency: number): Promise<number> {
  const derive = () => new Promise<void>((r, j) => scrypt(PIN, randomBytes(16), 32, { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (e) => (e ? j(e) : r())));
  let attempts = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await Promise.all([derive(), derive()]);
        attempts++;
      }
    }),
  );
  return attempts / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------------------------------------

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(n);
}

async function main(): Promise<void> {
  const distFresh = existsSync(join(ROOT, 'dist', 'vigil.js')) && statSync(join(ROOT, 'dist', 'vigil.js')).mtimeMs >= statSync(join(ROOT, 'src', 'watch', 'worker.ts')).mtimeMs;
  if (!distFresh) log('note: dist/vigil.js is missing or older than the sources: vigil runs through tsx (run `npm run build` first)');
  const results: Record<string, unknown> = { backend: BACKEND, watches: WATCHES, started_at: new Date().toISOString(), load_at_start: load() };
  log(`alarm bench: ${WATCHES} watches on ${BACKEND}, load ${load().join(' ')}`);

  rmSync(STORE_DIR, { recursive: true, force: true });
  mkdirSync(STORE_DIR, { recursive: true });
  if (args.db) await onAdmin(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`);
  const store = await openStore({ dataDir: STORE_DIR, dbUrl: dbUrl() });
  const sink = await startSink();
  let worker: Running | null = null;
  try {
    const loaded = await buildStore(store);
    // For measuring by hand against a kept store (a token of the member of every case; bench/data is not committed).
    if (args.keep) writeFileSync(join(STORE_DIR, 'bench-token'), loaded.token, { mode: 0o600 });
    results.load = { persons_seconds: loaded.personsSeconds, watches_seconds: loaded.watchesSeconds, watches_per_second: WATCHES / loaded.watchesSeconds };

    // --- the worker, idle on the fresh store: the next deadline is half an hour away
    worker = await startWorkerProcess(sink.url);
    log(`vigil worker running (pid ${worker.pid}); idle for ${IDLE_SECONDS} s…`);
    await sleep(2000);
    const idle = await measureIdle(store, worker, IDLE_SECONDS);
    results.idle = { ...idle, pass_queries: await passQueries(store) };
    log(`  worker ${fmt(idle.worker_percent, 2)} % of a core${idle.database_percent === null ? '' : ` (+ ${fmt(idle.database_percent, 2)} % in ${idle.database_backends} PostgreSQL backends)`}; idle node ${fmt(idle.baseline_percent, 2)} %`);

    // --- baselines for the latency: a plain send to the same SMTP server, a bare select of due watches
    const plain = await plainSends(sink.port, LATENCY, false);
    const select = await bareSelect(store, 200);
    results.latency_baselines = { plain_send_ms: summary(plain.roundTrips), bare_select_ms: summary(select) };

    // --- deadline → first notice handed to SMTP, one watch after another
    const latencyStart = Date.now() + 5000;
    await setDeadlines(store, loaded.latency.map((id, i) => ({ id, deadline: latencyStart + i * SPACING_MS })));
    log(`${LATENCY} deadlines, ${SPACING_MS} ms apart, from ${new Date(latencyStart).toISOString()}…`);
    const before = sink.arrivals.size;
    const latencyCpu = await startCpuCount(store, worker);
    const complete = await sink.waitFor(before + LATENCY, latencyStart - Date.now() + LATENCY * SPACING_MS + 60_000);
    const measured = await latencies(store, sink, loaded.latency);
    const latency = summary(measured.values);
    const latencyCpuMs = await latencyCpu();
    results.latency = {
      ...latency,
      stages: stageSummary(measured),
      missing: measured.missing,
      complete,
      spacing_ms: SPACING_MS,
      worker_cpu_ms_per_notice: latencyCpuMs.worker / LATENCY,
      database_cpu_ms_per_notice: latencyCpuMs.database === null ? null : latencyCpuMs.database / LATENCY,
      load: load(),
    };
    log(`  deadline → SMTP: p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms, max ${fmt(latency.max)} ms (${measured.missing} missing)`);

    // --- the burst: its baseline first, plain sends of as many messages at once
    log(`plain burst baseline: ${BURST} sends through a 5-connection pool…`);
    const plainBurst = await plainSends(sink.port, BURST, true);
    const burstSecond = Math.ceil((Date.now() + 10_000) / 1000) * 1000;
    await setDeadlines(store, loaded.burst.map((id) => ({ id, deadline: burstSecond + Math.floor(Math.random() * 1000) })));
    const written = Date.now();
    log(`${BURST} deadlines in the second from ${new Date(burstSecond).toISOString()} (written ${((burstSecond - written) / 1000).toFixed(1)} s before)…`);
    const burstBefore = sink.arrivals.size;
    const passesBefore = worker.passes.length;
    const burstCpu = await startCpuCount(store, worker);
    const burstComplete = await sink.waitFor(burstBefore + BURST, burstSecond - Date.now() + 300_000);
    const burst = await latencies(store, sink, loaded.burst);
    const burstStats = summary(burst.values);
    const burstCpuMs = await burstCpu();
    results.burst = {
      count: BURST,
      second: new Date(burstSecond).toISOString(),
      complete: burstComplete,
      missing: burst.missing,
      first_after_s: (burst.firstArrival - burstSecond) / 1000,
      last_after_s: (burst.lastArrival - burstSecond) / 1000,
      notices_per_second: burst.values.length / ((burst.lastArrival - burst.firstArrival) / 1000),
      per_watch_ms: burstStats,
      stages: stageSummary(burst),
      // The passes that handled the burst: how many, and the largest one's counts (a pass sweeps, escalates, then delivers).
      passes: worker.passes.length - passesBefore,
      largest_pass: worker.passes.slice(passesBefore).reduce((a, b) => (b.missed > a.missed ? b : a), { at: 0, missed: 0, tiers: 0, sent: 0 }),
      all_opened_after_s: (burst.lastOpened - burstSecond) / 1000,
      all_recorded_after_s: (burst.lastRecorded - burstSecond) / 1000,
      worker_cpu_ms_per_notice: burstCpuMs.worker / BURST,
      database_cpu_ms_per_notice: burstCpuMs.database === null ? null : burstCpuMs.database / BURST,
      plain_seconds: plainBurst.seconds,
      plain_per_second: BURST / plainBurst.seconds,
      load: load(),
    };
    log(`  last notice ${fmt((burst.lastArrival - burstSecond) / 1000, 1)} s after the second (first ${fmt((burst.firstArrival - burstSecond) / 1000, 1)} s); plain sends took ${fmt(plainBurst.seconds, 1)} s`);

    // --- idle again, now with the burst's watches overdue and their alerts open
    if (IDLE_SECONDS > 0) {
      // Past the pool's idle timeout (10 s), so the connections the burst opened have closed.
      await sleep(12_000);
      const idleAfter = await measureIdle(store, worker, IDLE_SECONDS);
      results.idle_after_burst = { ...idleAfter, pass_queries: await passQueries(store) };
      log(`  idle after the burst: worker ${fmt(idleAfter.worker_percent, 2)} %${idleAfter.database_percent === null ? '' : ` (+ ${fmt(idleAfter.database_percent, 2)} % database)`}; idle node ${fmt(idleAfter.baseline_percent, 2)} %`);
    }
    await stop(worker);
    worker = null;

    // --- check-ins through real HTTP
    if (!args['no-checkins']) {
      const { running: serve, url } = await startServe();
      try {
        const auth = { authorization: `Bearer ${loaded.token}` };
        const sample = loaded.background.slice(loaded.pageSecrets.length).slice(0, CONTACT_SAMPLE);
        const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
        const contact = (): HttpRequestSpec => ({
          method: 'POST',
          path: `/api/v1/watches/${pick(sample)}/contact`,
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ at: new Date().toISOString(), channel: 'phone_call' }),
        });
        const healthz = (): HttpRequestSpec => ({ method: 'GET', path: '/healthz', headers: {} });
        const getWatch = (): HttpRequestSpec => ({ method: 'GET', path: `/api/v1/watches/${pick(sample)}`, headers: auth });
        log(`check-ins: warm-up, then ${ROUNDS} rounds of healthz / contact / GET watch, ${DURATION} s each, ${CONNECTIONS} connections…`);
        await drive(url, 'warm-up', 3, CONNECTIONS, 201, serve.pid, contact);
        const rounds: LoadFigures[][] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const figures = [
            await drive(url, 'GET /healthz', DURATION, CONNECTIONS, 200, serve.pid, healthz),
            await drive(url, 'POST /api/v1/watches/{id}/contact', DURATION, CONNECTIONS, 201, serve.pid, contact),
            await drive(url, 'GET /api/v1/watches/{id}', DURATION, CONNECTIONS, 200, serve.pid, getWatch),
          ];
          for (const f of figures) log(`  ${f.label}: ${fmt(f.rps)} req/s, p99 ${fmt(f.p99_ms, 1)} ms, ${fmt(f.server_cpu_us_per_request)} µs server CPU/request, ${f.unexpected} unexpected (load ${f.load.join(' ')})`);
          rounds.push(figures);
        }
        results.checkins = rounds;
        const pageConnections = 8;
        const page = (): HttpRequestSpec => ({
          method: 'POST',
          path: `/c/${pick(loaded.pageSecrets)}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `pin=${PIN}`,
        });
        const pageForm = (): HttpRequestSpec => ({ method: 'GET', path: `/c/${pick(loaded.pageSecrets)}`, headers: {} });
        log(`check-in page: ${pageConnections} connections…`);
        const form = await drive(url, 'GET /c/{secret}', 5, pageConnections, 200, serve.pid, pageForm);
        const pageFigures = await drive(url, 'POST /c/{secret} (PIN)', Math.max(10, DURATION), pageConnections, 200, serve.pid, page);
        const scryptPerSecond = await scryptRate(5, pageConnections);
        results.page = { form, page: pageFigures, bare_scrypt_pairs_per_second: scryptPerSecond };
        for (const f of [form, pageFigures]) log(`  ${f.label}: ${fmt(f.rps, 1)} req/s, p99 ${fmt(f.p99_ms, 1)} ms, ${f.unexpected} unexpected`);
        log(`  bare scrypt, two derivations per attempt, in this process: ${fmt(scryptPerSecond, 1)} attempts/s`);
      } finally {
        await stop(serve);
      }
    }
  } finally {
    if (worker) await stop(worker);
    await sink.close();
    await store.close();
    if (!args.keep) {
      if (args.db) await onAdmin(`drop schema if exists ${SCHEMA} cascade`);
      rmSync(STORE_DIR, { recursive: true, force: true });
    }
  }
  results.finished_at = new Date().toISOString();
  results.load_at_end = load();
  const out = join(ROOT, 'bench', 'data', `results-alarm-${BACKEND}-${WATCHES}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  log(`raw figures: ${out}`);
}

function printTable(r: Record<string, any>): void {
  const lines: string[] = [];
  const row = (figure: string, target: string, vigil: string, baseline: string) => lines.push(`| ${figure} | ${target} | ${vigil} | ${baseline} |`);
  lines.push(`Alarm, ${r.watches} active watches, ${r.backend}, ${r.started_at} → ${r.finished_at}, load ${r.load_at_start.join(' ')} → ${r.load_at_end.join(' ')}`);
  lines.push('| figure | target | Vigil | baseline |', '|---|---|---|---|');
  row('load: watches (s; watches/s)', '', `${fmt(r.load.watches_seconds, 1)}; ${fmt(r.load.watches_per_second)}`, `persons first: ${fmt(r.load.persons_seconds, 1)} s`);
  const l = r.latency;
  const b = r.latency_baselines;
  row(`deadline → notice at SMTP, ${l.n} watches ${l.spacing_ms} ms apart (ms, p50 / p99 / max)`, 'p99 < 2,000', `${fmt(l.p50)} / ${fmt(l.p99)} / ${fmt(l.max)}${l.missing ? ` (${l.missing} missing)` : ''}`, `plain send ${fmt(b.plain_send_ms.p50, 1)} / ${fmt(b.plain_send_ms.p99, 1)} / ${fmt(b.plain_send_ms.max, 1)}; bare select of due watches ${fmt(b.bare_select_ms.p50, 2)} / ${fmt(b.bare_select_ms.p99, 2)}`);
  const perNotice = (x: { worker_cpu_ms_per_notice: number; database_cpu_ms_per_notice: number | null }) =>
    `${fmt(x.worker_cpu_ms_per_notice, 2)}${x.database_cpu_ms_per_notice === null ? '' : ` + ${fmt(x.database_cpu_ms_per_notice, 2)} in PostgreSQL`}`;
  const stages = (x: { stages: Record<'opened_ms' | 'recorded_ms' | 'handed_ms', { p50: number; p99: number }> }, unit: number, digits: number) =>
    (['opened_ms', 'recorded_ms', 'handed_ms'] as const).map((k) => `${fmt(x.stages[k].p50 / unit, digits)} / ${fmt(x.stages[k].p99 / unit, digits)}`).join('; ');
  row('of which: deadline → alert opened; → notice recorded; → at SMTP (ms, p50 / p99)', '', stages(l, 1, 0), '');
  row('worker CPU per notice while they fall due one by one (ms)', '', perNotice(l), '');
  const u = r.burst;
  row(`burst: ${u.count} deadlines in one second → last notice at SMTP (s after that second)`, '< 60', `${fmt(u.last_after_s, 1)} (first ${fmt(u.first_after_s, 1)}; ${fmt(u.notices_per_second)} notices/s)${u.missing ? `, ${u.missing} missing` : ''}`, `${u.count} plain sends: ${fmt(u.plain_seconds, 1)} s (${fmt(u.plain_per_second)}/s)`);
  row('burst: per watch, deadline → SMTP (s, p50 / p99); worker CPU per notice (ms)', '', `${fmt(u.per_watch_ms.p50 / 1000, 1)} / ${fmt(u.per_watch_ms.p99 / 1000, 1)}; ${perNotice(u)}`, '');
  row('burst: all alerts opened; all notices recorded; last at SMTP (s after the second)', '', `${fmt(u.all_opened_after_s, 1)}; ${fmt(u.all_recorded_after_s, 1)}; ${fmt(u.last_after_s, 1)}`, '');
  row('burst: worker passes that did something; the largest (alerts opened, tiers called, notices sent; ended s after the second)', '', `${u.passes}; ${u.largest_pass.missed}, ${u.largest_pass.tiers}, ${u.largest_pass.sent}; ${fmt((u.largest_pass.at - Date.parse(u.second)) / 1000, 1)}`, '');
  row('burst, per watch: deadline → alert opened; → notice recorded; → at SMTP (s, p50 / p99)', '', stages(u, 1000, 1), '');
  for (const [key, label] of [['idle', 'idle worker, fresh store'], ['idle_after_burst', `idle worker, ${u.count} watches overdue with open alerts`]] as const) {
    const i = r[key];
    if (!i) continue;
    row(`${label} (% of a core over ${i.seconds} s)`, '< 2', `${fmt(i.worker_percent, 2)}${i.database_percent === null ? '' : ` (+ ${fmt(i.database_percent, 2)} in its ${i.database_backends} PostgreSQL backends)`}; RSS ${fmt(i.worker_rss_mb)} MB`, `idle node ${fmt(i.baseline_percent, 2)}`);
    row(`${label}: the sweep query; the next-due query (ms, median, timed from the bench process)`, '', `${fmt(i.pass_queries.sweep_ms, 2)}; ${fmt(i.pass_queries.next_due_ms, 2)}`, '');
  }
  if (r.checkins) {
    (r.checkins as LoadFigures[][]).forEach((round, n) => {
      const [h, c, g] = round as [LoadFigures, LoadFigures, LoadFigures];
      row(`check-ins, POST …/contact, ${CONNECTIONS} connections, ${fmt(c.seconds, 1)} s, round ${n + 1} (req/s; p99 ms; server µs CPU/req → req/s one core could serve)`, '≥ 1,000/s', `${fmt(c.rps)}; ${fmt(c.p99_ms, 1)}; ${fmt(c.server_cpu_us_per_request)} → ${fmt(1e6 / c.server_cpu_us_per_request)}${c.unexpected ? ` (${c.unexpected} unexpected)` : ''}`, `GET /healthz ${fmt(h.rps)}; ${fmt(h.p99_ms, 1)}; ${fmt(h.server_cpu_us_per_request)} — GET watch ${fmt(g.rps)}; ${fmt(g.p99_ms, 1)}; ${fmt(g.server_cpu_us_per_request)}`);
    });
    const p = r.page;
    row('check-in page POST /c/{secret} with the PIN, 8 connections (req/s; p99 ms)', '(scrypt-bound)', `${fmt(p.page.rps, 1)}; ${fmt(p.page.p99_ms)}${p.page.unexpected ? ` (${p.page.unexpected} unexpected)` : ''}`, `GET /c/{secret} ${fmt(p.form.rps)}; bare scrypt pairs ${fmt(p.bare_scrypt_pairs_per_second, 1)}/s`);
  }
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
