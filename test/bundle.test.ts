import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { createApp } from '../src/app.ts';
import { createToken } from '../src/auth/tokens.service.ts';
import { readConfig } from '../src/config.ts';
import { BUNDLED_ENTITIES, canonicalJson } from '../src/vault/statements.ts';
import { leafHash } from '../src/vault/merkle.ts';
import { formatVerifierKey, newSignerSeed, signerFromSeed, signNote } from '../src/vault/signed-note.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { BACKEND, createProcessStore, personInput } from './helpers/test-app.ts';
import { vigilInProcess } from './helpers/processes.ts';
import { postMultipart, type Part } from './helpers/uploads.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

interface Entry {
  name: string;
  data: Buffer;
}

/** `vigil …` as a child process; asynchronous, so the server in this process keeps answering. */
function vigil(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '', VIGIL_KEY: '', VIGIL_KEY_FILE: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function readEntries(file: string): Promise<Entry[]> {
  const extract = tar.extract();
  const entries: Entry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, data: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(readFileSync(file));
  await done;
  return entries;
}

async function writeEntries(entries: Entry[], file: string): Promise<void> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk) => chunks.push(chunk as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const entry of entries) pack.entry({ name: entry.name, size: entry.data.length }, entry.data);
  pack.finalize();
  await done;
  writeFileSync(file, Buffer.concat(chunks));
}

describe(`evidence bundles (${BACKEND})`, () => {
  let store: Awaited<ReturnType<typeof createProcessStore>>;
  let app: Awaited<ReturnType<typeof createApp>>;
  let url = '';
  let scratch = '';
  const tokens: Record<'coordinator' | 'researcher' | 'stranger', string> = { coordinator: '', researcher: '', stranger: '' };
  let personId = '';
  let bundleFile = '';
  let logKey = '';
  let entries: Entry[] = [];
  let manifest: any;
  const uploaded = new Map<string, Buffer>();

  const api = async (method: string, path: string, body?: unknown, token = tokens.coordinator) => {
    const response = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const upload = async (data: Buffer, fileName: string, type: string, meta: Record<string, unknown> = {}) => {
    const parts: Part[] = [{ name: 'meta', value: JSON.stringify({ person_ids: [personId], ...meta }) }, { name: 'file', fileName, type, data }];
    const response = await postMultipart(`${url}/api/v1/evidence`, parts, { authorization: `Bearer ${tokens.coordinator}` });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    uploaded.set(response.body.sha256, data);
    return response.body;
  };
  const entry = (list: Entry[], name: string) => list.find((candidate) => candidate.name === name)!;
  const withEntries = async (change: (list: Entry[]) => Entry[] | void): Promise<string> => {
    const copy = entries.map((e) => ({ name: e.name, data: Buffer.from(e.data) }));
    const changed = change(copy) ?? copy;
    const file = join(scratch, `tampered-${randomBytes(4).toString('hex')}.tar`);
    await writeEntries(changed, file);
    return file;
  };
  const withManifest = (change: (value: any) => void) =>
    withEntries((list) => {
      const value = JSON.parse(entry(list, 'manifest.json').data.toString());
      change(value);
      entry(list, 'manifest.json').data = Buffer.from(canonicalJson(value));
    });
  /** Runs `vigil verify` and checks that it fails naming exactly these layers. */
  const expectFailure = async (file: string, layers: string[], extra: string[] = []) => {
    const result = await vigilInProcess(['verify', file, '--key', logKey, ...extra]);
    assert.equal(result.status, 1, result.stdout);
    assert.equal(result.stderr, `vigil: the bundle did not verify: ${layers.join(', ')} failed\n`, result.stdout);
    for (const layer of layers) assert.match(result.stdout, new RegExp(`^FAIL ${layer} `, 'm'));
    assert.match(result.stdout, /^SUMMARY FAIL/m);
    return result.stdout;
  };

  before(async () => {
    store = await createProcessStore('bundle');
    scratch = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
    app = await createApp({ ...readConfig({ data: store.dataDir, db: store.dbUrl, port: 0, worker: false }, {}), logger: false });
    url = await app.start();
    let researcherId = '';
    for (const [name, role] of [['coordinator', 'coordinator'], ['researcher', 'researcher'], ['stranger', 'researcher']] as const) {
      const created = await createToken(app.ctx.db, app.ctx.clock, { role, name: `bundle ${name}` });
      tokens[name] = created.token;
      if (name === 'researcher') researcherId = created.userId;
    }
    personId = (await api('POST', '/api/v1/persons', personInput())).body.id;
    const members = await api('POST', `/api/v1/persons/${personId}/members`, { user_id: researcherId, role: 'researcher' });
    assert.equal(members.status, 201, JSON.stringify(members.body));

    const audio = await upload(randomBytes(150_000), 'voice.ogg', 'audio/ogg', { description: 'Voice message from her brother', capture: { recorded_by: 'her brother', recorded_at: { value: '2021-02-19', asserted_by: 'the file’s metadata' } } });
    await upload(randomBytes(20_000), 'threat.png', 'image/png', { description: 'Screenshot of a threat' });
    const statement = await upload(randomBytes(70_000), 'statement.pdf', 'application/pdf');
    await upload(randomBytes(60_000), 'statement-redacted.pdf', 'application/pdf', { parent_id: statement.id, derivation: 'redacted', description: 'names blacked out' });
    const wrong = await upload(randomBytes(500), 'wrong-case.txt', 'text/plain');
    assert.equal((await api('POST', `/api/v1/evidence/${wrong.id}/retract`, { reason: 'uploaded to the wrong case' })).status, 200);
    assert.equal((await api('POST', `/api/v1/evidence/${audio.id}/custody`, { kind: 'transferred', to: 'WGEID secretariat', note: 'by encrypted mail' })).status, 201);
    for (const [status, date] of [['detained', '2021-02-19'], ['disappeared', '2021-03-02']]) {
      assert.equal((await api('POST', `/api/v1/persons/${personId}/statuses`, { status, date })).status, 201);
    }
    // Early warning on the same case, with a duress check-in: none of it may reach a bundle.
    const watch = await api('POST', '/api/v1/watches', { person_id: personId, interval: 'PT24H', grace: 'PT2H', pin: '271828', duress_pin: '314159', proxies: [], escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }] });
    assert.equal(watch.status, 201, JSON.stringify(watch.body));
    await fetch(url + watch.body.checkin_url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'pin=314159' });
    assert.equal((await runDeadlineSweep(app.ctx)).duress, 1);
    logKey = (await (await fetch(`${url}/api/v1/log/key`, { headers: { authorization: `Bearer ${tokens.coordinator}` } })).text()).trim();

    bundleFile = join(scratch, 'case.tar');
    const exported = await vigil(['bundle', 'export', '--person', personId, '--out', bundleFile, ...store.storeArgs]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /^bundle written to .*case\.tar: 4 files, \d+ statements proven to tree size \d+\n$/);
    entries = await readEntries(bundleFile);
    manifest = JSON.parse(entry(entries, 'manifest.json').data.toString());
  });
  after(async () => {
    await app?.stop();
    rmSync(scratch, { recursive: true, force: true });
    await store?.drop();
  });

  it('exports every live file with its custody events, the case revisions and their proofs, and logs and audits the export', async () => {
    assert.deepEqual(manifest.files.map((file: { file_name: string }) => file.file_name).sort(), ['statement-redacted.pdf', 'statement.pdf', 'threat.png', 'voice.ogg']);
    assert.ok(!readdirSync(scratch).some((name) => name.endsWith('.partial')));
    const names = entries.map((e) => e.name);
    assert.deepEqual(names.slice(0, 7), ['HOW-TO-VERIFY.txt', 'manifest.json', 'checkpoint.txt', 'checkpoint.body', 'checkpoint.sig', 'log-key.txt', 'log-key.pem']);
    assert.equal(new Set(names).size, names.length);
    for (const file of manifest.files) assert.ok(entry(entries, file.path).data.equals(uploaded.get(file.sha256)!), file.file_name);
    const statements = manifest.statements.map((s: { statement_path: string }) => JSON.parse(entry(entries, s.statement_path).data.toString()));
    const kinds = statements.filter((s: { type: string }) => s.type === 'custody').map((s: { kind: string }) => s.kind);
    assert.equal(kinds.filter((kind: string) => kind === 'exported').length, 4, 'the export is itself in the log, once per file');
    assert.ok(kinds.includes('transferred') && kinds.includes('derived'));
    const entities = statements.filter((s: { type: string }) => s.type === 'revision').map((s: { entity: string }) => s.entity);
    assert.ok(entities.includes('person') && entities.includes('status_entry') && entities.includes('evidence'), entities.join());
    assert.deepEqual([...new Set<string>(entities)].filter((entity) => !BUNDLED_ENTITIES.has(entity)), [], 'no watch, check-in or alert in a bundle');
    assert.equal(manifest.log.verifier_key, logKey);
    const audit = await app.ctx.db.selectFrom('audit_entries').select(['actor', 'action', 'case_id']).where('action', '=', 'bundle.export').execute();
    assert.deepEqual(audit, [{ actor: 'system:cli', action: 'bundle.export', case_id: personId }]);
  });

  it('verifies every layer, and says when the key was taken from the bundle itself', async () => {
    const withKey = await vigil(['verify', bundleFile, '--key', logKey]);
    assert.equal(withKey.status, 0, withKey.stdout + withKey.stderr);
    assert.doesNotMatch(withKey.stdout, /^FAIL|^SKIP/m);
    for (const layer of ['archive', 'manifest', 'checkpoint', 'files', 'statements', 'proofs']) assert.match(withKey.stdout, new RegExp(`^PASS ${layer}`, 'm'));
    assert.equal(withKey.stdout.match(/^PASS proofs /gm)?.length, manifest.statements.length);
    assert.match(withKey.stdout, /^SUMMARY PASS/m);
    assert.match(withKey.stdout, /^NOT PROVEN that the content of any file is true/m);
    assert.doesNotMatch(withKey.stdout, /taken from the bundle itself/);
    const keyFile = join(scratch, 'published.key');
    writeFileSync(keyFile, `${logKey}\n`);
    assert.equal((await vigilInProcess(['verify', bundleFile, '--key', keyFile])).status, 0);
    const bare = await vigilInProcess(['verify', bundleFile]);
    assert.equal(bare.status, 0);
    assert.match(bare.stdout, /^NOT PROVEN the log key was taken from the bundle itself: compare it with the key the organisation publishes$/m);
  });

  it('can be checked by hand as HOW-TO-VERIFY says, with tar, sha256sum and openssl', () => {
    const dir = join(scratch, 'manual');
    mkdirSync(dir);
    execFileSync('tar', ['-xf', bundleFile, '-C', dir]);
    const sh = (script: string) => execFileSync('sh', ['-c', script], { cwd: dir });
    const howTo = readFileSync(join(dir, 'HOW-TO-VERIFY.txt'), 'utf8');
    assert.match(howTo, /What this bundle does NOT prove/);
    assert.match(howTo, /openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in checkpoint.body -sigfile checkpoint.sig/);

    assert.match(sh('openssl pkeyutl -verify -pubin -inkey log-key.pem -rawin -in checkpoint.body -sigfile checkpoint.sig').toString(), /Signature Verified Successfully/);
    const lines = readFileSync(join(dir, 'checkpoint.body'), 'utf8').split('\n');
    assert.equal(Number(lines[1]), manifest.log.tree_size);
    assert.equal(lines[2], manifest.log.root_hash);
    for (const line of sh('sha256sum files/*').toString().trim().split('\n')) {
      const [hash, path] = line.split(/\s+/);
      assert.equal(path, `files/${hash}`);
    }
    for (const statement of manifest.statements) {
      const data = sh(`cat ${statement.salt_path} ${statement.statement_path} | sha256sum`).toString().split(' ')[0];
      assert.equal(data, statement.leaf_data, `leaf ${statement.leaf_index}`);
      const parsed = JSON.parse(readFileSync(join(dir, statement.statement_path), 'utf8'));
      if (parsed.type === 'revision') assert.equal(sh(`sha256sum revisions/${parsed.revision_id}.json`).toString().split(' ')[0], parsed.changes_sha256);
    }
    // The leaf hash and one fold step, as the manual spells them.
    const first = manifest.statements.find((s: { proof: string[] }) => s.proof.length > 0);
    sh(`cat ${first.salt_path} ${first.statement_path} | openssl dgst -sha256 -binary > data.bin; (printf '\\000'; cat data.bin) | openssl dgst -sha256 -binary > r.bin`);
    assert.ok(readFileSync(join(dir, 'r.bin')).equals(leafHash(Buffer.from(first.leaf_data, 'hex'))));
    sh(`echo ${first.proof[0]} | base64 -d > p.bin; (printf '\\001'; cat r.bin p.bin) | openssl dgst -sha256 -binary > next.bin`);
    const expected = createHash('sha256').update(Buffer.from([1])).update(leafHash(Buffer.from(first.leaf_data, 'hex'))).update(Buffer.from(first.proof[0], 'base64')).digest();
    assert.ok(readFileSync(join(dir, 'next.bin')).equals(expected));
  });

  describe('tamper detection: each names its layer and fails', () => {
    const flip = (data: Buffer, at = Math.floor(data.length / 2)) => {
      data[at] = data[at]! ^ 0x01;
    };

    it('a flipped byte in a file', async () => {
      await expectFailure(await withEntries((list) => flip(list.find((e) => e.name.startsWith('files/'))!.data)), ['files']);
    });

    it('a flipped byte in the manifest, a changed description, and a non-canonical re-serialisation', async () => {
      const broken = await withEntries((list) => {
        const m = entry(list, 'manifest.json');
        m.data = Buffer.from(m.data.toString().replace('"format":"vigil-bundle"', '"format":"vigil-bundlf"'));
      });
      const out = await expectFailure(broken, ['manifest']);
      assert.match(out, /^SKIP files: not checked/m);
      const described = await withEntries((list) => {
        const m = entry(list, 'manifest.json');
        m.data = Buffer.from(m.data.toString().replace('names blacked out', 'names blacked oub'));
      });
      await expectFailure(described, ['files']);
      const pretty = await withEntries((list) => {
        const m = entry(list, 'manifest.json');
        m.data = Buffer.from(JSON.stringify(JSON.parse(m.data.toString()), null, 2));
      });
      assert.match(await expectFailure(pretty, ['manifest']), /not in canonical form/);
    });

    const transferred = () => manifest.statements.find((s: { statement_path: string }) => entry(entries, s.statement_path).data.toString().includes('"kind":"transferred"'));

    it('a flipped byte in a statement, and in a salt', async () => {
      const target = transferred();
      await expectFailure(await withEntries((list) => flip(entry(list, target.statement_path).data)), ['statements']);
      await expectFailure(await withEntries((list) => flip(entry(list, target.salt_path).data, 0)), ['statements']);
    });

    it('a flipped byte in a proof hash, and a proof for another tree size', async () => {
      const index = manifest.statements.findIndex((s: { proof: string[] }) => s.proof.length > 1);
      const hashes = await withManifest((value) => {
        const hash = Buffer.from(value.statements[index].proof[0], 'base64');
        flip(hash, 0);
        value.statements[index].proof[0] = hash.toString('base64');
      });
      await expectFailure(hashes, ['proofs']);
      const target = manifest.statements[index];
      const smaller = manifest.log.tree_size - 1;
      assert.ok(target.leaf_index < smaller);
      const other = await api('GET', `/api/v1/log/proof/inclusion?index=${target.leaf_index}&size=${smaller}`);
      assert.equal(other.status, 200);
      const wrongSize = await withManifest((value) => {
        value.statements[index].proof = other.body.hashes;
      });
      await expectFailure(wrongSize, ['proofs']);
    });

    it('a flipped byte in the checkpoint text, in its signature, a checkpoint signed by another key, and --key with another key', async () => {
      await expectFailure(
        await withEntries((list) => {
          const note = entry(list, 'checkpoint.txt');
          note.data = Buffer.from(note.data.toString().replace(`\n${manifest.log.tree_size}\n`, `\n${manifest.log.tree_size + 1}\n`));
        }),
        ['checkpoint'],
      );
      await expectFailure(
        await withEntries((list) => {
          const note = entry(list, 'checkpoint.txt');
          const text = note.data.toString();
          const signature = Buffer.from(text.slice(text.lastIndexOf(' ') + 1).trim(), 'base64');
          flip(signature, 10);
          note.data = Buffer.from(`${text.slice(0, text.lastIndexOf(' ') + 1)}${signature.toString('base64')}\n`);
        }),
        ['checkpoint'],
      );
      await expectFailure(await withEntries((list) => flip(entry(list, 'checkpoint.sig').data, 5)), ['checkpoint']);
      const origin = manifest.log.origin;
      const impostor = signerFromSeed(origin, newSignerSeed());
      const body = entry(entries, 'checkpoint.body').data.toString();
      await expectFailure(
        await withEntries((list) => {
          entry(list, 'checkpoint.txt').data = Buffer.from(signNote(body, [impostor]));
        }),
        ['checkpoint'],
      );
      const result = await vigilInProcess(['verify', bundleFile, '--key', formatVerifierKey(origin, impostor.publicKey)]);
      assert.equal(result.status, 1);
      assert.equal(result.stderr, 'vigil: the bundle did not verify: checkpoint failed\n');
      assert.match(result.stdout, /^FAIL checkpoint log-key.txt: not the key given with --key/m);
    });

    it('an extra file, a ../ path, a duplicate path, and a truncated archive', async () => {
      await expectFailure(await withEntries((list) => [...list, { name: `files/${'0'.repeat(64)}`, data: Buffer.from('extra') }]), ['archive']);
      await expectFailure(await withEntries((list) => [...list, { name: 'notes.txt', data: Buffer.from('extra') }]), ['archive']);
      assert.match(await expectFailure(await withEntries((list) => [...list, { name: '../evil.txt', data: Buffer.from('x') }]), ['archive']), /climbs out/);
      assert.match(await expectFailure(await withEntries((list) => [...list, { name: 'log-key.txt', data: Buffer.from(`${logKey}\n`) }]), ['archive']), /appears twice/);
      const whole = readFileSync(bundleFile);
      const truncated = join(scratch, 'truncated.tar');
      writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.7)));
      const out = await expectFailure(truncated, ['archive']);
      assert.match(out, /^SKIP manifest/m);
    });
  });

  it('with --recipient: the whole bundle is an age file that verifies with --identity, not without, and that age opens', async () => {
    const identityFile = join(scratch, 'partner.key');
    execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identityFile]).toString().trim();
    const sealed = join(scratch, 'case.tar.age');
    const exported = await vigil(['bundle', 'export', '--person', personId, '--out', sealed, '--recipient', recipient, ...store.storeArgs]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.ok(readFileSync(sealed).subarray(0, 22).equals(Buffer.from('age-encryption.org/v1\n')));
    const opened = await vigil(['verify', sealed, '--key', logKey, '--identity', identityFile]);
    assert.equal(opened.status, 0, opened.stdout);
    assert.match(opened.stdout, /^SUMMARY PASS/m);
    const refused = await vigilInProcess(['verify', sealed, '--key', logKey]);
    assert.equal(refused.status, 1);
    assert.match(refused.stdout, /^FAIL archive the bundle is age-encrypted: give --identity FILE$/m);
    const wrongKey = join(scratch, 'other.key');
    execFileSync('age-keygen', ['-o', wrongKey], { stdio: 'ignore' });
    assert.equal((await vigilInProcess(['verify', sealed, '--key', logKey, '--identity', wrongKey])).status, 1);
    const plain = join(scratch, 'decrypted.tar');
    execFileSync('age', ['-d', '-i', identityFile, '-o', plain, sealed]);
    assert.equal((await vigilInProcess(['verify', plain, '--key', logKey])).status, 0);
    const bad = await vigilInProcess(['bundle', 'export', '--person', personId, '--out', join(scratch, 'x.tar'), '--recipient', 'age1nope', ...store.storeArgs]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^vigil: --recipient takes an age recipient/);
  });

  it('vigil evidence identity prints the case identity, which the real age uses to open a vault blob; audited without the key', async () => {
    const result = await vigil(['evidence', 'identity', '--person', personId, ...store.storeArgs]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^AGE-SECRET-KEY-1[0-9A-Z]+\n$/);
    const identityFile = join(scratch, 'case.key');
    writeFileSync(identityFile, result.stdout, { mode: 0o600 });
    const blobsDir = join(store.dataDir, 'vault', 'blobs');
    const blob = readdirSync(blobsDir, { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name.endsWith('.age'))!;
    const plaintext = execFileSync('age', ['-d', '-i', identityFile, join(blob.parentPath, blob.name)], { maxBuffer: 8 * 1024 * 1024 });
    assert.ok(uploaded.has(sha256(plaintext)), 'the blob decrypts to one of the uploaded files');
    const audit = await app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'evidence.identity_read').execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.case_id, personId);
    assert.equal(audit[0]!.actor, 'system:cli');
    assert.ok(!JSON.stringify(audit[0]).includes(result.stdout.trim()));
    const unknown = await vigilInProcess(['evidence', 'identity', '--person', '00000000-0000-7000-8000-000000000000', ...store.storeArgs]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^vigil: .*not found/);
  });

  it('serves the bundle over HTTP to the case coordinator only: researcher member 403, non-member 404', async () => {
    const get = (token: string) => fetch(`${url}/api/v1/persons/${personId}/bundle`, { headers: { authorization: `Bearer ${token}` } });
    const response = await get(tokens.coordinator);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-tar');
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="VG-\d+-bundle\.tar"/);
    const file = join(scratch, 'http.tar');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const verified = await vigilInProcess(['verify', file, '--key', logKey]);
    assert.equal(verified.status, 0, verified.stdout);
    assert.equal((await get(tokens.researcher)).status, 403);
    assert.equal((await get(tokens.stranger)).status, 404);
    const audit = await app.ctx.db.selectFrom('audit_entries').select(['actor', 'case_id']).where('action', '=', 'bundle.export').execute();
    assert.equal(audit.length, 3, 'two CLI exports and one over HTTP');
    assert.match(audit.at(-1)!.actor, /^user:/);
  });
});
