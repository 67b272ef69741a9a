import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkLog, judge, LogWatchError, prepareWatch, type Trusted, type Verdict, type WatchOptions } from '../src/vault/log-watch.ts';
import { EMPTY_ROOT, MemoryTree, nodeKey, rangeNodes } from '../src/vault/merkle.ts';
import { formatCheckpoint, newSignerSeed, openCheckpoint, parseVerifierKey, signerFromSeed, signNote, type Checkpoint, type NoteSigner } from '../src/vault/signed-note.ts';
import { startHookCatcher, type HookCatcher } from './helpers/receivers.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');

describe('judge: what a new signed checkpoint means against the last verified one', () => {
  const signer = signerFromSeed('example.org/log', newSignerSeed());
  const impostor = signerFromSeed('example.org/log', newSignerSeed());
  const tree = new MemoryTree();
  for (let i = 0; i < 20; i++) tree.append(Buffer.from(`leaf ${i}`));
  const other = new MemoryTree();
  for (let i = 0; i < 20; i++) other.append(Buffer.from(i < 2 ? `leaf ${i}` : `other ${i}`));

  const at = (size: number, root = tree.root(size)): Checkpoint => ({ origin: signer.name, size, root, extensions: [] });
  const note = (checkpoint: Checkpoint, by: NoteSigner = signer) => signNote(formatCheckpoint(checkpoint), [by]);
  const trusted = (last: Checkpoint | null): Trusted => ({ verifier: parseVerifierKey(signer.verifierKey), last });
  const flipped = (hashes: Buffer[]) => hashes.map((hash, i) => (i === 0 ? Buffer.from(hash.map((byte, j) => (j === 0 ? byte ^ 1 : byte))) : hash));

  const cases: Array<{ name: string; last: Checkpoint | null; next: string; proof: Buffer[] | null; kind: Verdict['kind'] }> = [
    { name: 'the first checkpoint seen', last: null, next: note(at(5)), proof: null, kind: 'first' },
    { name: 'the same checkpoint again', last: at(5), next: note(at(5)), proof: null, kind: 'ok' },
    { name: 'a larger one, before its proof is fetched', last: at(5), next: note(at(13)), proof: null, kind: 'needs_proof' },
    { name: 'a larger one with a valid consistency proof', last: at(5), next: note(at(13)), proof: tree.consistencyProof(5, 13), kind: 'grew' },
    { name: 'a power-of-two old size with a valid proof', last: at(8), next: note(at(20)), proof: tree.consistencyProof(8, 20), kind: 'grew' },
    { name: 'any tree after the empty one, with no proof', last: at(0), next: note(at(7)), proof: null, kind: 'grew' },
    { name: 'the same size with another root', last: at(13), next: note(at(13, other.root(13))), proof: null, kind: 'fork' },
    { name: 'a larger tree that rewrote history', last: at(5, tree.root(5)), next: note(at(13, other.root(13))), proof: other.consistencyProof(5, 13), kind: 'fork' },
    { name: 'a proof with one flipped bit', last: at(5), next: note(at(13)), proof: flipped(tree.consistencyProof(5, 13)), kind: 'fork' },
    { name: 'a proof for other sizes', last: at(5), next: note(at(13)), proof: tree.consistencyProof(6, 13), kind: 'fork' },
    { name: 'an empty proof for a larger tree', last: at(5), next: note(at(13)), proof: [], kind: 'fork' },
    { name: 'a smaller tree than already verified', last: at(13), next: note(at(5)), proof: null, kind: 'rollback' },
    { name: 'a signature by another key of the same name', last: at(5), next: note(at(13), impostor), proof: null, kind: 'bad_signature' },
    { name: 'a signed text changed after signing', last: at(5), next: note(at(13)).replace('\n13\n', '\n14\n'), proof: null, kind: 'bad_signature' },
    { name: 'a signed checkpoint of another origin', last: at(5), next: note({ ...at(13), origin: 'example.org/other' }), proof: null, kind: 'malformed' },
    { name: 'an empty tree with a non-empty root', last: null, next: note(at(0, tree.root(3))), proof: null, kind: 'malformed' },
    { name: 'not a signed note', last: at(5), next: '<html>hello</html>\n', proof: null, kind: 'malformed' },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.kind}`, () => {
      assert.equal(judge(trusted(c.last), c.next, c.proof).kind, c.kind);
    });
  }

  it('says which proof it needs, and hands back the verified checkpoint', () => {
    assert.deepEqual(judge(trusted(at(5)), note(at(13)), null), { kind: 'needs_proof', from: 5, to: 13 });
    const verdict = judge(trusted(at(5)), note(at(13)), tree.consistencyProof(5, 13));
    assert.equal(verdict.kind, 'grew');
    assert.ok('checkpoint' in verdict && verdict.checkpoint.root.equals(tree.root(13)));
    assert.equal(judge(trusted(null), note(at(0, EMPTY_ROOT)), null).kind, 'first');
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Stands between the watcher and the real server: forwards, or answers what a test tells it to. */
interface Proxy {
  url: string;
  requireToken: string | null;
  serve: ((path: string) => { status?: number; body: string | Buffer; chunked?: boolean } | null) | null;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (proxy.requireToken !== null && request.headers.authorization !== `Bearer ${proxy.requireToken}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const own = proxy.serve?.(path) ?? null;
    if (own) {
      response.writeHead(own.status ?? 200, { 'content-type': 'text/plain', ...(own.chunked ? {} : { 'content-length': String(Buffer.byteLength(own.body)) }) });
      if (own.chunked) {
        const body = Buffer.from(own.body);
        for (let i = 0; i < body.length; i += 64 * 1024) response.write(body.subarray(i, i + 64 * 1024));
        response.end();
      } else response.end(own.body);
      return;
    }
    fetch(target + path)
      .then(async (upstream) => {
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' }).end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch(() => response.writeHead(502).end());
  });
  const proxy: Proxy = {
    url: '',
    requireToken: null,
    serve: null,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function startWatch(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'log', 'watch', ...args], { env: { ...process.env, VIGIL_LOG_TOKEN: '', ...env } });
  const run: Run = { code: null, stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (run.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ ...run, code })));
  return { child, run, done };
}

/** `vigil log watch ARGS` as a real child process (async: the server it watches runs in this process). */
async function watch(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const { child, done } = startWatch(args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const count = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line)).length;

describe(`vigil log watch against a real server (${BACKEND})`, () => {
  let t: TestApp;
  let proxy: Proxy;
  let hooks: HookCatcher;
  let scratch: string;
  let key: string;
  let origin: string;

  const statePath = (name: string) => join(scratch, `${name}.json`);
  const readState = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
  const grow = async () => assert.equal((await t.api('POST', '/api/v1/persons', { body: personInput() })).status, 201);
  const serverNote = async () => (await t.api('GET', '/api/v1/log/checkpoint', { token: null })).text;
  const sizeOf = (note: string) => Number(note.split('\n')[1]);

  before(async () => {
    t = await startTestApp({ env: { VIGIL_LOG_PUBLIC: '1' } });
    proxy = await startProxy(t.url);
    hooks = await startHookCatcher();
    scratch = mkdtempSync(join(tmpdir(), 'vigil-log-watch-'));
    await grow();
    key = (await t.api('GET', '/api/v1/log/key', { token: null })).text.trim();
    origin = key.split('+')[0]!;
  });
  after(async () => {
    await proxy.close();
    await hooks.close();
    await t.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('pins the key on first use with a warning, saves the checkpoint, then follows the log as it grows', async () => {
    const state = statePath('tofu');
    const first = await watch([t.url, '--state', state]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /WARNING trusting the key .* served on first use/);
    assert.ok(first.stderr.includes(key), 'the warning shows the key to compare');
    assert.match(first.stderr, /out of band/);
    const size1 = sizeOf(await serverNote());
    assert.equal(first.stdout, `OK ${origin} size ${size1} (first checkpoint, saved)\n`);
    const saved = readState(state);
    assert.equal(saved.url, t.url);
    assert.equal(saved.key, key);
    assert.equal(saved.origin, origin);
    assert.equal(saved.size, size1);
    assert.equal(saved.note, await serverNote());
    assert.deepEqual(saved.fork_evidence, []);
    assert.equal(statSync(state).mode & 0o777, 0o600);

    await grow();
    await grow();
    const size2 = sizeOf(await serverNote());
    const second = await watch([t.url, '--state', state]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, `OK ${origin} size ${size1} → ${size2} (consistent)\n`);
    assert.equal(second.stderr, '', 'the pinned key is not announced again');
    assert.equal(readState(state).size, size2);

    const third = await watch([`${t.url}/`, '--state', state]);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout, `OK ${origin} size ${size2} (unchanged)\n`);
  });

  it('takes --key without a warning, alarms on the key of another log, and refuses a key other than the pinned one', async () => {
    const state = statePath('keyed');
    const keyed = await watch([t.url, '--state', state, '--key', key]);
    assert.equal(keyed.code, 0, keyed.stderr);
    assert.equal(keyed.stderr, '');
    assert.match(keyed.stdout, /^OK .* \(first checkpoint, saved\)\n$/);

    const otherKey = signerFromSeed('other.invalid/log/0123456789ab', newSignerSeed()).verifierKey;
    const foreign = await watch([t.url, '--state', statePath('foreign'), '--key', otherKey]);
    assert.equal(foreign.code, 3, foreign.stderr);
    assert.match(foreign.stderr, /^ALARM bad_signature /m);
    assert.equal(foreign.stdout, '');
    assert.equal(existsSync(statePath('foreign')), false, 'nothing unverified is saved');

    const mismatch = await watch([t.url, '--state', state, '--key', otherKey]);
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stderr, /^vigil: the state file .* pins the key .*\n$/);

    const junkKey = await watch([t.url, '--state', statePath('junk-key'), '--key', 'not-a-key']);
    assert.equal(junkKey.code, 1);
    assert.match(junkKey.stderr, /^vigil: --key is not a verifier key/);
  });

  it('sends --token or VIGIL_LOG_TOKEN to a log that is not public, and says so when it is missing', async () => {
    proxy.requireToken = 'vgl_partner';
    try {
      const refused = await watch([proxy.url, '--state', statePath('token'), '--key', key]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^vigil: .* answered HTTP 401 .*--token or VIGIL_LOG_TOKEN\)\n$/);
      const flag = await watch([proxy.url, '--state', statePath('token'), '--key', key, '--token', 'vgl_partner']);
      assert.equal(flag.code, 0, flag.stderr);
      const env = await watch([proxy.url, '--state', statePath('token'), '--key', key], { VIGIL_LOG_TOKEN: 'vgl_partner' });
      assert.equal(env.code, 0, env.stderr);
      assert.match(env.stdout, /\(unchanged\)/);
    } finally {
      proxy.requireToken = null;
    }
  });

  it('raises an alarm on a rollback, keeps both signed notes, tells the webhook, and keeps refusing', async () => {
    const state = statePath('rollback');
    const older = await serverNote();
    await grow();
    const newer = await serverNote();
    const seen = await watch([proxy.url, '--state', state, '--key', key]);
    assert.equal(seen.code, 0, seen.stderr);

    proxy.serve = (path) => (path.startsWith('/api/v1/log/checkpoint') ? { body: older } : null);
    try {
      const hooksBefore = hooks.hooks.length;
      const rollback = await watch([proxy.url, '--state', state, '--key', key, '--notify', `${hooks.url}/rollback`]);
      assert.equal(rollback.code, 3, rollback.stderr);
      assert.match(rollback.stderr, /^ALARM rollback .*went back from size \d+ to \d+/m);
      assert.ok(rollback.stderr.includes(older.split('\n')[2]!) && rollback.stderr.includes(newer.split('\n')[2]!), 'both roots are printed');
      const saved = readState(state);
      assert.equal(saved.size, sizeOf(newer), 'the older checkpoint is not taken');
      assert.equal(saved.note, newer);
      assert.equal(saved.fork_evidence.length, 1);
      assert.equal(saved.fork_evidence[0].alarm, 'rollback');
      assert.equal(saved.fork_evidence[0].previous_note, newer);
      assert.equal(saved.fork_evidence[0].new_note, older);

      const [hook] = (await hooks.waitFor(hooksBefore + 1)).slice(hooksBefore);
      assert.equal(hook!.path, '/rollback');
      assert.equal(hook!.headers['content-type'], 'application/json');
      const body = JSON.parse(hook!.body);
      assert.deepEqual(Object.keys(body).sort(), ['alarm', 'detail', 'new_note', 'origin', 'previous_note', 'url']);
      assert.equal(body.alarm, 'rollback');
      assert.equal(body.url, proxy.url);
      assert.equal(body.origin, origin);
      assert.equal(body.previous_note, newer);
      assert.equal(body.new_note, older);
    } finally {
      proxy.serve = null;
    }
    // The honest log again: its checkpoints are checked and taken, but the evidence stands.
    const later = await watch([proxy.url, '--state', state, '--key', key]);
    assert.equal(later.code, 3, later.stderr);
    assert.match(later.stdout, /^OK /);
    assert.match(later.stderr, /^ALARM standing: this log was caught in a rollback/m);
    assert.equal(readState(state).fork_evidence.length, 1);
  });

  it('raises an alarm on a checkpoint signed by another key of the same name, and saves nothing of it', async () => {
    const state = statePath('forged');
    assert.equal((await watch([proxy.url, '--state', state])).code, 0);
    const before = readFileSync(state, 'utf8');
    const forger = signerFromSeed(origin, newSignerSeed());
    const forged = signNote(formatCheckpoint({ origin, size: readState(state).size + 5, root: randomBytes(32), extensions: [] }), [forger]);
    proxy.serve = (path) => (path.startsWith('/api/v1/log/checkpoint') ? { body: forged } : null);
    try {
      const hooksBefore = hooks.hooks.length;
      const alarm = await watch([proxy.url, '--state', state, '--notify', `${hooks.url}/forged`]);
      assert.equal(alarm.code, 3, alarm.stderr);
      assert.match(alarm.stderr, /^ALARM bad_signature .*not signed by the pinned key/m);
      assert.equal(readFileSync(state, 'utf8'), before);
      const [hook] = (await hooks.waitFor(hooksBefore + 1)).slice(hooksBefore);
      assert.equal(JSON.parse(hook!.body).alarm, 'bad_signature');
    } finally {
      proxy.serve = null;
    }
  });

  it('refuses junk with exit status 1 and a one-line reason', async () => {
    const state = statePath('junk');
    assert.equal((await watch([proxy.url, '--state', state, '--key', key])).code, 0);
    const before = readFileSync(state, 'utf8');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const fiveMegabytes = Buffer.alloc(5 * 1024 * 1024, 'a');
    const onCheckpoint = (answer: { status?: number; body: string | Buffer; chunked?: boolean }): Proxy['serve'] => (path) => (path.startsWith('/api/v1/log/checkpoint') ? answer : null);

    // Through the command, as a process: the exit status and the one line.
    const runs: Array<{ name: string; args: string[]; serve?: Proxy['serve']; reason: RegExp }> = [
      { name: 'an ftp URL', args: ['ftp://vigil.partner.example', '--state', state], reason: /must be http:\/\/ or https:\/\// },
      { name: 'a server that is down', args: [downUrl, '--state', statePath('down')], reason: /cannot fetch .*ECONNREFUSED/ },
      { name: 'a 5 MB checkpoint', args: [proxy.url, '--state', state, '--key', key], serve: onCheckpoint({ body: fiveMegabytes }), reason: /larger than 65536 bytes/ },
    ];
    for (const run of runs) {
      proxy.serve = run.serve ?? null;
      try {
        const result = await watch(run.args);
        assert.equal(result.code, 1, `${run.name}: ${result.stderr}`);
        assert.match(result.stderr, /^vigil: [^\n]+\n$/, `${run.name}: one line`);
        assert.match(result.stderr, run.reason, run.name);
        assert.equal(result.stdout, '', run.name);
      } finally {
        proxy.serve = null;
      }
    }
    assert.equal(readFileSync(state, 'utf8'), before);

    // The rest through the same code in this process (a process start costs seconds).
    const manyHashes = (path: string) => JSON.stringify({ ...proofSizes(path), hashes: Array.from({ length: 1000 }, () => randomBytes(32).toString('base64')) });
    const onProof = (answer: (path: string) => string | Buffer): Proxy['serve'] => (path) => (path.startsWith('/api/v1/log/proof/consistency') ? { body: answer(path) } : null);
    const cases: Array<{ name: string; options?: Partial<WatchOptions>; serve?: Proxy['serve']; grow?: boolean; reason: RegExp }> = [
      { name: 'not a URL', options: { url: 'vigil.partner.example' }, reason: /not a URL/ },
      { name: 'a URL with credentials', options: { url: 'https://user:secret@vigil.partner.example' }, reason: /credentials/ },
      { name: 'a URL with a query', options: { url: `${proxy.url}/?x=1` }, reason: /without a query/ },
      { name: 'a state file for another server', options: { url: t.url }, reason: /watches .*, not / },
      { name: 'a non-http --notify', options: { notify: 'mailto:a@b.example' }, reason: /--notify/ },
      { name: 'a 5 MB checkpoint without a length', serve: onCheckpoint({ body: fiveMegabytes, chunked: true }), reason: /larger than 65536 bytes/ },
      { name: 'an HTML page', serve: onCheckpoint({ body: '<html><body>maintenance</body></html>\n' }), reason: /refused what .* served as its checkpoint/ },
      { name: 'bytes that are not UTF-8', serve: onCheckpoint({ body: Buffer.from([0xff, 0xfe, 0x0a]) }), reason: /not UTF-8/ },
      { name: 'a server error', serve: onCheckpoint({ status: 503, body: 'down' }), reason: /answered HTTP 503/ },
      { name: 'a redirect', serve: onCheckpoint({ status: 302, body: '' }), reason: /HTTP 302 .*redirects are not followed/ },
      { name: 'a proof of too many hashes', grow: true, serve: onProof(manyHashes), reason: /1000 hashes/ },
      { name: 'a 5 MB proof', grow: true, serve: onProof(() => fiveMegabytes), reason: /larger than 1048576 bytes/ },
      { name: 'a proof for other sizes', grow: true, serve: onProof(() => JSON.stringify({ from: 1, to: 2, hashes: [] })), reason: /not a proof from \d+ to \d+/ },
      { name: 'a proof that is not JSON', grow: true, serve: onProof(() => 'hashes'), reason: /not JSON/ },
      { name: 'a proof hash that is not 32 bytes', grow: true, serve: onProof((path) => JSON.stringify({ ...proofSizes(path), hashes: ['AAAA'] })), reason: /not 32 bytes/ },
    ];
    for (const c of cases) {
      if (c.grow) await grow();
      proxy.serve = c.serve ?? null;
      const lines: string[] = [];
      try {
        const options: WatchOptions = { url: proxy.url, statePath: state, key, say: (line) => lines.push(line), warn: (line) => lines.push(line), ...c.options };
        await assert.rejects(async () => checkLog(await prepareWatch(options)), (error: Error) => error instanceof LogWatchError && c.reason.test(error.message) && !error.message.includes('\n'), c.name);
      } finally {
        proxy.serve = null;
      }
      assert.deepEqual(lines, [], c.name);
      assert.equal(readFileSync(state, 'utf8'), before, `${c.name}: the state is untouched`);
    }
  });

  it('with --interval, keeps checking through errors and alarms until SIGTERM, then exits 3 if it raised an alarm', async () => {
    const calm = startWatch([proxy.url, '--state', statePath('calm'), '--key', key, '--interval', '1']);
    await waitUntil(() => count(calm.run.stdout, /^OK /) >= 2, 'two checks');
    calm.child.kill('SIGTERM');
    const calmEnd = await calm.done;
    assert.equal(calmEnd.code, 0, calmEnd.stderr);
    assert.equal(calmEnd.stderr, '');

    const forged = signNote(formatCheckpoint({ origin, size: 1, root: randomBytes(32), extensions: [] }), [signerFromSeed(origin, newSignerSeed())]);
    const watcher = startWatch([proxy.url, '--state', statePath('alarmed'), '--key', key, '--interval', '1']);
    try {
      await waitUntil(() => count(watcher.run.stdout, /^OK /) >= 1, 'the first check');
      proxy.serve = (path) => (path.startsWith('/api/v1/log/checkpoint') ? { status: 500, body: 'oops' } : null);
      await waitUntil(() => count(watcher.run.stderr, /^ERROR .*HTTP 500/) >= 1, 'an error, printed');
      proxy.serve = (path) => (path.startsWith('/api/v1/log/checkpoint') ? { body: forged } : null);
      await waitUntil(() => count(watcher.run.stderr, /^ALARM bad_signature/) >= 1, 'an alarm');
      proxy.serve = null;
      const oks = count(watcher.run.stdout, /^OK /);
      await waitUntil(() => count(watcher.run.stdout, /^OK /) > oks, 'a check after the alarm');
    } finally {
      proxy.serve = null;
      watcher.child.kill('SIGTERM');
    }
    const end = await watcher.done;
    assert.equal(end.code, 3, end.stderr);
  });

  // Last: it corrupts the server's log.
  it("raises an alarm when the server's log is no longer an extension of what it showed, keeps both notes, and keeps refusing", async () => {
    const state = statePath('fork');
    const seen = await watch([t.url, '--state', state, '--key', key]);
    assert.equal(seen.code, 0, seen.stderr);
    const size = readState(state).size;
    // Rewrite history under the server: one complete subtree of the first `size` leaves gets another hash.
    const node = nodeKey(rangeNodes(0, size)[0]!);
    await t.app.ctx.db.updateTable('log_nodes').set({ hash: randomBytes(32).toString('base64') }).where('id', '=', node).execute();
    await grow();

    const hooksBefore = hooks.hooks.length;
    const fork = await watch([t.url, '--state', state, '--key', key, '--notify', `${hooks.url}/fork`]);
    assert.equal(fork.code, 3, fork.stderr);
    assert.match(fork.stderr, /^ALARM fork .*is not an extension of size/m);
    assert.equal(fork.stdout, '');
    const saved = readState(state);
    assert.equal(saved.size, size, 'the forked branch is not taken');
    assert.equal(saved.fork_evidence.length, 1);
    const evidence = saved.fork_evidence[0];
    assert.equal(evidence.alarm, 'fork');
    // The evidence is two checkpoints, both signed by the log's key, of which the larger does not extend the smaller.
    const verifier = parseVerifierKey(key);
    const previous = openCheckpoint(evidence.previous_note, [verifier], origin).checkpoint;
    const forked = openCheckpoint(evidence.new_note, [verifier], origin).checkpoint;
    assert.equal(previous.size, size);
    assert.ok(forked.size > size);
    const body = JSON.parse((await hooks.waitFor(hooksBefore + 1))[hooksBefore]!.body);
    assert.equal(body.alarm, 'fork');
    assert.equal(body.new_note, evidence.new_note);

    await grow();
    const again = await watch([t.url, '--state', state, '--key', key]);
    assert.equal(again.code, 3, again.stderr);
    assert.match(again.stderr, /^ALARM fork /m);
    assert.equal(readState(state).size, size);
  });
});

/** The sizes a watcher asked a proof for, so a junk proof is junk in one way only. */
function proofSizes(path: string): { from: number; to: number } {
  const query = new URL(path, 'http://x').searchParams;
  return { from: Number(query.get('from')), to: Number(query.get('to')) };
}
