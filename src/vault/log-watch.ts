import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EMPTY_ROOT, HASH_SIZE, hashesEqual, verifyConsistency } from './merkle.ts';
import { NoteError, openCheckpoint, parseVerifierKey, type Checkpoint, type NoteVerifier } from './signed-note.ts';

/**
 * `vigil log watch`: a partner mirrors another Vigil's signed checkpoints and checks that each one
 * extends the last it verified (RFC 9162 consistency). Two checkpoints signed by the log's key that
 * cannot both be true prove the log showed different histories, so both are kept as evidence.
 */

export const MAX_CHECKPOINT_BYTES = 64 * 1024;
export const MAX_PROOF_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 4 * 1024;
const MAX_STATE_BYTES = 4 * 1024 * 1024;
// A consistency proof between sizes below 2^40 holds fewer than 2·40 hashes; more is junk.
export const MAX_PROOF_HASHES = 100;
// The first inconsistent checkpoints are the proof; more of the same branch add nothing.
const MAX_EVIDENCE = 10;
const DEFAULT_TIMEOUT_MS = 15_000;

/** A failure to check (bad input, network, HTTP, junk): not an alarm, the log proved nothing. */
export class LogWatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogWatchError';
  }
}

export type Alarm = 'fork' | 'rollback' | 'bad_signature';

export type Verdict =
  | { kind: 'first' | 'ok' | 'grew'; checkpoint: Checkpoint }
  | { kind: 'fork' | 'rollback'; checkpoint: Checkpoint; detail: string }
  | { kind: 'bad_signature' | 'malformed'; detail: string }
  | { kind: 'needs_proof'; from: number; to: number };

export interface Trusted {
  verifier: NoteVerifier;
  /** The last checkpoint verified, or null before the first. */
  last: Checkpoint | null;
}

/**
 * Decides what a newly served signed checkpoint means against the last verified one. Pure. A
 * larger checkpoint needs the log's consistency proof from the old size to the new: without one
 * (proof null) the answer is 'needs_proof', and the caller asks again with it.
 */
export function judge(previous: Trusted, next: string | Uint8Array, proof: Buffer[] | null): Verdict {
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(next, [previous.verifier]).checkpoint;
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    return error.reason === 'malformed' ? { kind: 'malformed', detail: error.message } : { kind: 'bad_signature', detail: error.message };
  }
  const last = previous.last;
  if (last && checkpoint.origin !== last.origin) return { kind: 'malformed', detail: `checkpoint of another log: origin ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(last.origin)}` };
  if (checkpoint.size === 0 && !hashesEqual(checkpoint.root, EMPTY_ROOT)) return { kind: 'malformed', detail: 'an empty tree with a root other than the empty hash' };
  if (!last) return { kind: 'first', checkpoint };
  if (checkpoint.size < last.size) return { kind: 'rollback', checkpoint, detail: `the log went back from size ${last.size} to ${checkpoint.size}` };
  if (checkpoint.size === last.size) {
    return hashesEqual(checkpoint.root, last.root) ? { kind: 'ok', checkpoint } : { kind: 'fork', checkpoint, detail: `two different roots signed for size ${last.size}` };
  }
  // Every tree extends the empty one.
  if (last.size === 0) return { kind: 'grew', checkpoint };
  if (proof === null) return { kind: 'needs_proof', from: last.size, to: checkpoint.size };
  if (!verifyConsistency(last.size, checkpoint.size, proof, last.root, checkpoint.root)) {
    return { kind: 'fork', checkpoint, detail: `size ${checkpoint.size} is not an extension of size ${last.size}: the log's consistency proof does not verify` };
  }
  return { kind: 'grew', checkpoint };
}

export interface ForkEvidence {
  alarm: 'fork' | 'rollback';
  detected_at: string;
  previous_note: string;
  new_note: string;
  detail: string;
}

/** The state file: the log being watched, its pinned key and the last verified checkpoint. */
export interface WatchState {
  url: string;
  key: string;
  origin: string;
  note: string;
  size: number;
  /** base64 */
  root: string;
  checked_at: string;
  fork_evidence: ForkEvidence[];
}

/** The base URL of the other Vigil: http(s), no credentials, query or fragment, no trailing slash. */
export function logBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LogWatchError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LogWatchError(`the log's URL must be http:// or https://, not ${url.protocol}`);
  if (url.username || url.password) throw new LogWatchError('credentials do not belong in the URL: give --token');
  if (url.search || url.hash) throw new LogWatchError('the log\'s URL is the server\'s base address, without a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** A webhook URL for --notify: http(s). */
export function webhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LogWatchError(`--notify is not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LogWatchError(`--notify must be http:// or https://, not ${url.protocol}`);
  return url.toString();
}

function describeFailure(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

interface Fetcher {
  token: string | undefined;
  timeoutMs: number;
}

/** GET with a timeout, no redirects, and a body cap: a hostile or broken server cannot make us hold more. */
async function fetchCapped(url: string, limit: number, fetcher: Fetcher): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(fetcher.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      signal,
      headers: { 'user-agent': 'Vigil log watch', ...(fetcher.token ? { authorization: `Bearer ${fetcher.token}` } : {}) },
    });
  } catch (error) {
    throw new LogWatchError(`cannot fetch ${url}: ${describeFailure(error)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    const hint = response.status === 401 || response.status === 403 ? ' (the log is not public there: give --token or VIGIL_LOG_TOKEN)' : response.status >= 300 && response.status < 400 ? ' (redirects are not followed: give the final address)' : '';
    throw new LogWatchError(`${url} answered HTTP ${response.status}${hint}`);
  }
  const tooLarge = () => new LogWatchError(`refused ${url}: the response is larger than ${limit} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > limit) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof LogWatchError) throw error;
      throw new LogWatchError(`cannot read ${url}: ${describeFailure(error)}`);
    }
  }
  return Buffer.concat(chunks);
}

function decodeText(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new LogWatchError(`refused the ${what}: not UTF-8 text`);
  }
}

/** The JSON consistency proof for exactly (from, to), each hash 32 bytes of canonical base64. */
export function parseConsistencyProof(text: string, from: number, to: number): Buffer[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LogWatchError('refused the consistency proof: not JSON');
  }
  const proof = body as { from?: unknown; to?: unknown; hashes?: unknown };
  if (typeof body !== 'object' || body === null || proof.from !== from || proof.to !== to) throw new LogWatchError(`refused the consistency proof: not a proof from ${from} to ${to}`);
  if (!Array.isArray(proof.hashes)) throw new LogWatchError('refused the consistency proof: no hashes');
  if (proof.hashes.length > MAX_PROOF_HASHES) throw new LogWatchError(`refused the consistency proof: ${proof.hashes.length} hashes, more than any proof holds`);
  return proof.hashes.map((hash: unknown) => {
    const bytes = typeof hash === 'string' ? Buffer.from(hash, 'base64') : null;
    if (bytes === null || bytes.length !== HASH_SIZE || bytes.toString('base64') !== hash) throw new LogWatchError('refused the consistency proof: a hash is not 32 bytes of base64');
    return bytes;
  });
}

/** Reads the state file; null if there is none. */
export async function readWatchState(path: string): Promise<WatchState | null> {
  let text: string;
  try {
    if ((await stat(path)).size > MAX_STATE_BYTES) throw new LogWatchError(`the state file ${path} is larger than ${MAX_STATE_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    if (error instanceof LogWatchError) throw error;
    throw new LogWatchError(`cannot read the state file ${path}: ${describeFailure(error)}`);
  }
  let state: Partial<WatchState>;
  try {
    state = JSON.parse(text) as Partial<WatchState>;
  } catch {
    throw new LogWatchError(`the state file ${path} is not JSON`);
  }
  const strings = ['url', 'key', 'origin', 'note', 'root', 'checked_at'] as const;
  if (typeof state !== 'object' || state === null || strings.some((field) => typeof state[field] !== 'string') || !Number.isSafeInteger(state.size) || !Array.isArray(state.fork_evidence)) {
    throw new LogWatchError(`the state file ${path} is not a vigil log watch state`);
  }
  return state as WatchState;
}

/** Temp file, fsync, rename, fsync of the folder: a crash leaves the old state or the new one, never half. */
export async function writeWatchState(path: string, state: WatchState): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new LogWatchError(`cannot write the state file ${path}: ${describeFailure(error)}`);
  }
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export interface WatchOptions {
  /** The other Vigil's base URL, as given. */
  url: string;
  statePath: string;
  /** The verifier key obtained out of band; without it the first run pins the server's. */
  key?: string;
  token?: string;
  notify?: string;
  timeoutMs?: number;
  now?: () => Date;
  /** Normal output, one line per check. */
  say: (line: string) => void;
  /** Warnings, errors and alarms. */
  warn: (line: string) => void;
}

/** What a watch was started with, validated once: a bad URL or key fails before any polling. */
export interface Watch {
  options: WatchOptions;
  base: string;
  notify: string | undefined;
  fetcher: Fetcher;
}

export interface CheckOutcome {
  verdict: Verdict;
  /** A new alarm, or fork evidence standing in the state file. */
  alarm: boolean;
}

export async function prepareWatch(options: WatchOptions): Promise<Watch> {
  const base = logBaseUrl(options.url);
  const notify = options.notify === undefined ? undefined : webhookUrl(options.notify);
  if (options.key !== undefined) parsePinnedKey(options.key, '--key');
  const state = await readWatchState(options.statePath);
  if (state) checkStateMatches(state, base, options);
  return { options, base, notify, fetcher: { token: options.token, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS } };
}

function parsePinnedKey(key: string, what: string): NoteVerifier {
  try {
    return parseVerifierKey(key.trim());
  } catch (error) {
    throw new LogWatchError(`${what} is not a verifier key (name+hexid+base64): ${error instanceof Error ? error.message : String(error)}`);
  }
}

function checkStateMatches(state: WatchState, base: string, options: WatchOptions): void {
  if (state.url !== base) throw new LogWatchError(`the state file ${options.statePath} watches ${state.url}, not ${base}: give another --state`);
  if (options.key !== undefined && options.key.trim() !== state.key) {
    throw new LogWatchError(`the state file ${options.statePath} pins the key ${state.key}, not the --key given; compare both with the log's operator`);
  }
}

function checkpointOf(state: WatchState): Checkpoint {
  return { origin: state.origin, size: state.size, root: Buffer.from(state.root, 'base64'), extensions: [] };
}

/** One check: fetch, verify, compare, save what verified; alarms go to stderr, the state file and --notify. */
export async function checkLog(watch: Watch): Promise<CheckOutcome> {
  const { options, base, fetcher } = watch;
  const now = options.now ?? (() => new Date());
  const state = await readWatchState(options.statePath);
  if (state) checkStateMatches(state, base, options);
  let key = options.key?.trim() ?? state?.key;
  if (key === undefined) {
    key = decodeText(await fetchCapped(`${base}/api/v1/log/key`, MAX_KEY_BYTES, fetcher), 'key').trim();
    parsePinnedKey(key, `the key served by ${base}`);
    options.warn(`WARNING trusting the key ${base} served on first use: ${key}`);
    options.warn('WARNING compare it out of band with the log\'s operator (or give --key); until then a server that lies from the start is not caught');
  }
  const trusted: Trusted = { verifier: parsePinnedKey(key, 'the pinned key'), last: state ? checkpointOf(state) : null };

  const noteBytes = await fetchCapped(`${base}/api/v1/log/checkpoint`, MAX_CHECKPOINT_BYTES, fetcher);
  const note = decodeText(noteBytes, 'checkpoint');
  let verdict = judge(trusted, note, null);
  if (verdict.kind === 'needs_proof') {
    const { from, to } = verdict;
    const fetchProof = async () =>
      parseConsistencyProof(decodeText(await fetchCapped(`${base}/api/v1/log/proof/consistency?from=${from}&to=${to}`, MAX_PROOF_BYTES, fetcher), 'consistency proof'), from, to);
    verdict = judge(trusted, note, await fetchProof());
    // A proof damaged on its way is not a fork: an honest log answers a second request with a good one.
    if (verdict.kind === 'fork') verdict = judge(trusted, note, await fetchProof());
  }
  const evidence = state?.fork_evidence ?? [];
  const checkedAt = now().toISOString();
  const save = (checkpoint: Checkpoint, savedNote: string, forkEvidence: ForkEvidence[]) =>
    writeWatchState(options.statePath, {
      url: base,
      key,
      origin: checkpoint.origin,
      note: savedNote,
      size: checkpoint.size,
      root: checkpoint.root.toString('base64'),
      checked_at: checkedAt,
      fork_evidence: forkEvidence,
    });

  switch (verdict.kind) {
    case 'needs_proof':
      throw new Error('judge asked for a proof twice');
    case 'malformed':
      throw new LogWatchError(`refused what ${base} served as its checkpoint: ${verdict.detail}`);
    case 'first':
    case 'ok':
    case 'grew': {
      const { checkpoint } = verdict;
      await save(checkpoint, note, evidence);
      const change = verdict.kind === 'first' ? `size ${checkpoint.size} (first checkpoint, saved)` : verdict.kind === 'ok' ? `size ${checkpoint.size} (unchanged)` : `size ${state!.size} → ${checkpoint.size} (consistent)`;
      options.say(`OK ${checkpoint.origin} ${change}`);
      return { verdict, alarm: standingAlarm(options, evidence) };
    }
    case 'bad_signature':
      await raiseAlarm(watch, { alarm: 'bad_signature', origin: state?.origin ?? null, previous_note: state?.note ?? null, new_note: note, detail: `the checkpoint is not signed by the pinned key ${key}: ${verdict.detail}` });
      return { verdict, alarm: true };
    case 'fork':
    case 'rollback': {
      // Only a verified extension replaces the saved checkpoint: the forked branch is never taken.
      const previous = state!;
      // The webhook hears of each new piece of evidence once, not of every poll that sees it again.
      const recorded = evidence.length < MAX_EVIDENCE && !evidence.some((item) => item.new_note === note);
      if (recorded) {
        await save(checkpointOf(previous), previous.note, [...evidence, { alarm: verdict.kind, detected_at: checkedAt, previous_note: previous.note, new_note: note, detail: verdict.detail }]);
      }
      await raiseAlarm(watch, { alarm: verdict.kind, origin: previous.origin, previous_note: previous.note, new_note: note, detail: verdict.detail }, recorded);
      return { verdict, alarm: true };
    }
  }
}

function standingAlarm(options: WatchOptions, evidence: ForkEvidence[]): boolean {
  if (evidence.length === 0) return false;
  options.warn(`ALARM standing: this log was caught in a ${evidence[0]!.alarm} on ${evidence[0]!.detected_at}; the signed checkpoints are in fork_evidence in ${options.statePath}`);
  return true;
}

interface AlarmReport {
  alarm: Alarm;
  origin: string | null;
  previous_note: string | null;
  new_note: string;
  detail: string;
}

async function raiseAlarm(watch: Watch, report: AlarmReport, notify = true): Promise<void> {
  const { options } = watch;
  const indent = (note: string) => note.replace(/\n$/, '').replace(/^/gm, '    ');
  options.warn(`ALARM ${report.alarm} ${report.origin ?? watch.base}: ${report.detail}`);
  options.warn(`  last verified checkpoint:\n${report.previous_note === null ? '    (none)' : indent(report.previous_note)}`);
  options.warn(`  checkpoint served now:\n${indent(report.new_note)}`);
  if (report.alarm !== 'bad_signature') options.warn(`  both signed checkpoints are kept in fork_evidence in ${options.statePath}`);
  if (!watch.notify || !notify) return;
  try {
    const response = await fetch(watch.notify, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(watch.fetcher.timeoutMs),
      headers: { 'content-type': 'application/json', 'user-agent': 'Vigil log watch' },
      body: JSON.stringify({ alarm: report.alarm, url: watch.base, origin: report.origin, previous_note: report.previous_note, new_note: report.new_note, detail: report.detail }),
    });
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) options.warn(`ERROR --notify ${watch.notify} answered HTTP ${response.status}`);
  } catch (error) {
    options.warn(`ERROR --notify ${watch.notify}: ${describeFailure(error)}`);
  }
}

/**
 * Checks every `intervalSeconds` until `signal` aborts; a failed check is printed and the next one
 * tried. Returns whether any check raised an alarm.
 */
export async function watchLog(watch: Watch, intervalSeconds: number, signal: AbortSignal): Promise<boolean> {
  let alarmed = false;
  while (!signal.aborted) {
    try {
      alarmed = (await checkLog(watch)).alarm || alarmed;
    } catch (error) {
      watch.options.warn(`ERROR ${error instanceof Error ? error.message : String(error)}`);
    }
    await sleep(intervalSeconds * 1000, signal);
  }
  return alarmed;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
