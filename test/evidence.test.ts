import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { saveSetting } from '../src/auth/settings.repository.ts';
import { insertRevision } from '../src/records/revisions.repository.ts';
import { logEarlierRevisions } from '../src/vault/backfill.ts';
import { caseIdentity } from '../src/vault/evidence.service.ts';
import { integrateLog } from '../src/vault/log.service.ts';
import { proveSubjects } from '../src/vault/proofs.service.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../src/vault/merkle.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from '../src/vault/signed-note.ts';
import { canonicalJson, leafData } from '../src/vault/statements.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { cutOffUpload, postMultipart, type Part } from './helpers/uploads.ts';

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe(`evidence vault over HTTP (${BACKEND})`, () => {
  let t: TestApp;
  let personId: string;
  let otherPersonId: string;

  const upload = (parts: Part[], token = t.tokens.researcher) => postMultipart(`${t.url}/api/v1/evidence`, parts, { authorization: `Bearer ${token}` });
  const meta = (extra: Record<string, unknown> = {}) => ({ name: 'meta', value: JSON.stringify({ person_ids: [personId], ...extra }) });
  const file = (data: Buffer, fileName = 'voice.ogg', type = 'audio/ogg') => ({ name: 'file', fileName, type, data });
  const count = async (table: 'evidence_items' | 'evidence_blobs' | 'log_entries' | 'custody_events') =>
    Number((await t.app.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const vaultFiles = () => filesUnder(join(t.dataDir, 'vault'));
  const content = async (id: string, headers: Record<string, string> = {}, token = t.tokens.researcher) => {
    const response = await fetch(`${t.url}/api/v1/evidence/${id}/content`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  };

  before(async () => {
    t = await startTestApp({ env: { VIGIL_EVIDENCE_MAX_BYTES: String(3 * 1024 * 1024) } });
    personId = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
    // A case the researcher is not a member of: the coordinator's own.
    otherPersonId = (await t.api('POST', '/api/v1/persons', { body: personInput(), token: t.tokens.coordinator })).body.id;
  });
  after(() => t.stop());

  it('stores an upload encrypted, serves it byte for byte, whole and by range, and logs its receipt', async () => {
    const data = randomBytes(200_000 + 17);
    const created = await upload([
      meta({ description: 'Voice message from her brother, 19 Feb', capture: { recorded_by: 'her brother', recorded_at: { value: '2021-02-19', asserted_by: 'the file’s metadata' }, device: 'Android phone' } }),
      file(data),
    ]);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const item = created.body;
    assert.equal(item.sha256, sha256(data));
    assert.equal(item.size, data.length);
    assert.equal(item.media_type, 'audio/ogg');
    assert.deepEqual(item.person_ids, [personId]);
    assert.equal(item.case_id, personId);
    assert.deepEqual(item.capture.recorded_at, { value: '2021-02-19', asserted_by: 'the file’s metadata' });
    assert.match(item.capture.recorded_by.asserted_by, /^user:/, 'a plain value is asserted by the uploader');
    assert.deepEqual(item.custody.map((event: { kind: string }) => event.kind), ['received']);
    assert.deepEqual(item.duplicate_of, []);

    const whole = await content(item.id);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.equals(data));
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.match(whole.headers.get('content-security-policy') ?? '', /sandbox/);
    for (const [range, start, end] of [
      ['bytes=0-0', 0, 0],
      ['bytes=65530-65545', 65530, 65545],
      ['bytes=131072-', 131072, data.length - 1],
      ['bytes=-100', data.length - 100, data.length - 1],
      ['bytes=5-999999999', 5, data.length - 1],
    ] as const) {
      const part = await content(item.id, { range });
      assert.equal(part.status, 206, range);
      assert.equal(part.headers.get('content-range'), `bytes ${start}-${end}/${data.length}`);
      assert.ok(part.body.equals(data.subarray(start, end + 1)), range);
    }
    assert.equal((await content(item.id, { range: `bytes=${data.length}-` })).status, 416);

    // The file on disk is an age file the standard tool opens with the case's identity.
    const blobs = vaultFiles().filter((path) => path.endsWith('.age'));
    assert.equal(blobs.length, 1);
    assert.ok(readFileSync(blobs[0]!).subarray(0, 22).equals(Buffer.from('age-encryption.org/v1\n')));
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-age-'));
    try {
      writeFileSync(join(scratch, 'identity.txt'), `${(await caseIdentity(t.app.ctx, personId)).identity}\n`, { mode: 0o600 });
      const opened = execFileSync('age', ['-d', '-i', join(scratch, 'identity.txt'), blobs[0]!], { maxBuffer: 10 * 1024 * 1024 });
      assert.ok(opened.equals(data));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('recognises a duplicate upload and stores it once', async () => {
    const data = randomBytes(5000);
    const first = await upload([meta(), file(data, 'a.jpg', 'image/jpeg')]);
    const blobsBefore = vaultFiles().filter((path) => path.endsWith('.age')).length;
    const second = await upload([meta({ description: 'the same photo, sent again by a cousin' }), file(data, 'b.jpg', 'image/jpeg')]);
    assert.equal(second.status, 201);
    assert.deepEqual(second.body.duplicate_of, [first.body.id]);
    assert.equal(vaultFiles().filter((path) => path.endsWith('.age')).length, blobsBefore);
    assert.ok((await content(second.body.id)).body.equals(data));
  });

  it('keeps nothing readable at rest: no plaintext bytes, file name or description in the data directory', async () => {
    const marker = `VIGIL-PLAINTEXT-${randomBytes(8).toString('hex')}`;
    const data = Buffer.from(`${marker} `.repeat(4000));
    const created = await upload([meta({ description: `desc ${marker}` }), file(data, `Жанаргүл ${marker}.txt`, 'text/plain')]);
    assert.equal(created.status, 201);
    const needles = [marker, sha256(data)].flatMap((text) => [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')]);
    for (const path of filesUnder(t.dataDir)) {
      const bytes = readFileSync(path);
      for (const needle of needles) assert.equal(bytes.indexOf(needle), -1, `${needle.toString()} found in ${path}`);
    }
    // The rows themselves (what a PostgreSQL dump shows): names, descriptions, hashes, salts, statements and identities sealed.
    for (const table of ['evidence_blobs', 'evidence_items', 'custody_events', 'log_entries', 'case_keys', 'revisions'] as const) {
      const rows = JSON.stringify(await t.app.ctx.db.selectFrom(table).selectAll().execute());
      for (const needle of [marker, sha256(data), 'AGE-SECRET-KEY-1']) assert.ok(!rows.includes(needle), `${needle} in ${table}`);
    }
  });

  it('gives each custody event and each revision a leaf, proven to a signed checkpoint', async () => {
    const created = await upload([meta(), file(randomBytes(1000), 'photo.png', 'image/png')]);
    const id = created.body.id;
    await t.api('POST', `/api/v1/evidence/${id}/custody`, { body: { kind: 'transferred', to: 'WGEID secretariat', note: 'by encrypted mail' } });
    const proof = await t.api('GET', `/api/v1/evidence/${id}/proof`);
    assert.equal(proof.status, 200, proof.text);
    const key = (await t.api('GET', '/api/v1/log/key')).text.trim();
    assert.equal(key, proof.body.verifier_key);
    const opened = openNote(proof.body.checkpoint, [parseVerifierKey(key)]);
    const checkpoint = parseCheckpoint(opened.text);
    assert.equal(checkpoint.size, proof.body.tree_size);
    assert.equal(proof.body.items.length, 2);
    for (const entry of proof.body.items) {
      const salt = Buffer.from(entry.salt, 'base64');
      assert.equal(leafData(salt, entry.statement).toString('base64'), entry.data);
      const statement = JSON.parse(entry.statement);
      assert.equal(statement.sha256, created.body.sha256);
      assert.equal(statement.evidence_id, id);
      assert.doesNotMatch(entry.data, new RegExp(created.body.sha256), 'a leaf shows no file hash');
      assert.ok(verifyInclusion(leafHash(Buffer.from(entry.data, 'base64')), entry.leaf_index, checkpoint.size, entry.hashes.map((h: string) => Buffer.from(h, 'base64')), checkpoint.root));
    }
    assert.deepEqual(proof.body.items.map((entry: { statement: string }) => JSON.parse(entry.statement).kind), ['received', 'transferred']);
    // The item's revision and the person's are in the log too.
    const revisions = await t.app.ctx.db.selectFrom('log_entries').select('subject_id').where('subject', '=', 'revision').execute();
    assert.ok(revisions.length >= 2);
    const trail = (await t.api('GET', `/api/v1/evidence/${id}`)).body.custody;
    assert.deepEqual(trail.map((event: { kind: string }) => event.kind), ['received', 'transferred']);
    assert.ok(trail.every((event: { leaf_index: number | null }) => Number.isInteger(event.leaf_index)));
  });

  it('logs a read of the content once per reader and quarter hour, and keeps a retracted item with its trail', async () => {
    const data = randomBytes(3000);
    const id = (await upload([meta(), file(data, 'clip.mp4', 'video/mp4')])).body.id;
    await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
    await content(id);
    await content(id, { range: 'bytes=100-200' });
    await content(id, { range: 'bytes=0-10' });
    await content(id, {}, t.tokens.viewer);
    const trail = (await t.api('GET', `/api/v1/evidence/${id}`)).body.custody;
    assert.deepEqual(trail.map((event: { kind: string }) => event.kind), ['received', 'accessed', 'accessed']);
    assert.notEqual(trail[1].actor, trail[2].actor);
    const retracted = await t.api('POST', `/api/v1/evidence/${id}/retract`, { body: { reason: 'uploaded to the wrong case' } });
    assert.equal(retracted.status, 200);
    assert.equal(retracted.body.retracted, true);
    assert.equal(retracted.body.custody.at(-1).kind, 'retracted');
    const list = await t.api('GET', `/api/v1/evidence?person_id=${personId}`);
    assert.ok(!list.body.items.some((item: { id: string }) => item.id === id));
    assert.equal((await t.api('POST', `/api/v1/evidence/${id}/retract`, { body: { reason: 'again' } })).status, 409);
  });

  it('serves the log: checkpoint, key, leaves, inclusion and consistency proofs', async () => {
    const first = parseCheckpoint((await t.api('GET', '/api/v1/log/checkpoint')).text.split('\n\n')[0]! + '\n');
    await t.api('POST', '/api/v1/persons', { body: personInput() });
    const note = (await t.api('GET', '/api/v1/log/checkpoint')).text;
    const key = parseVerifierKey((await t.api('GET', '/api/v1/log/key')).text.trim());
    const second = parseCheckpoint(openNote(note, [key]).text);
    assert.ok(second.size > first.size);
    const leaves = await t.api('GET', `/api/v1/log/leaves?start=0&end=${second.size}`);
    assert.equal(leaves.body.items.length, second.size);
    for (const leaf of leaves.body.items) {
      const proof = await t.api('GET', `/api/v1/log/proof/inclusion?index=${leaf.index}&size=${second.size}`);
      assert.ok(verifyInclusion(leafHash(Buffer.from(leaf.data, 'base64')), leaf.index, second.size, proof.body.hashes.map((h: string) => Buffer.from(h, 'base64')), second.root), `leaf ${leaf.index}`);
    }
    const consistency = await t.api('GET', `/api/v1/log/proof/consistency?from=${first.size}&to=${second.size}`);
    assert.equal(consistency.status, 200);
    assert.ok(verifyConsistency(first.size, second.size, consistency.body.hashes.map((h: string) => Buffer.from(h, 'base64')), first.root, second.root));

    for (const path of [
      `/api/v1/log/proof/inclusion?index=${second.size}&size=${second.size}`,
      `/api/v1/log/proof/inclusion?index=0&size=${second.size + 1}`,
      '/api/v1/log/proof/inclusion?index=-1&size=2',
      '/api/v1/log/proof/inclusion?index=abc&size=2',
      `/api/v1/log/proof/consistency?from=0&to=${second.size}`,
      `/api/v1/log/proof/consistency?from=${second.size}&to=1`,
      '/api/v1/log/leaves?start=5&end=5',
      '/api/v1/log/leaves?start=0&end=99999999999999999999',
    ]) {
      assert.equal((await t.api('GET', path)).status, 400, path);
    }
    assert.equal((await t.api('GET', '/api/v1/log/checkpoint', { token: null })).status, 401);
  });

  it('refuses bad uploads with a clear error and stores nothing', async () => {
    const before = { items: await count('evidence_items'), blobs: vaultFiles().length, log: await count('log_entries') };
    const cases: Array<[string, Part[], number, string?]> = [
      ['no meta', [file(randomBytes(10))], 400],
      ['meta not JSON', [{ name: 'meta', value: '{person_ids:' }, file(randomBytes(10))], 400],
      ['meta with unknown field', [{ name: 'meta', value: JSON.stringify({ person_ids: [personId], owner: 'x' }) }, file(randomBytes(10))], 400],
      ['meta after the file', [file(randomBytes(10)), meta()], 400],
      ['no file', [meta()], 400],
      ['two files', [meta(), file(randomBytes(10)), file(randomBytes(10))], 400],
      ['empty file', [meta(), file(Buffer.alloc(0))], 422],
      ['unknown person', [{ name: 'meta', value: JSON.stringify({ person_ids: ['00000000-0000-7000-8000-000000000000'] }) }, file(randomBytes(10))], 422],
      ['a case the uploader may not read', [{ name: 'meta', value: JSON.stringify({ person_ids: [otherPersonId] }) }, file(randomBytes(10))], 422],
      ['derivation without parent', [meta({ derivation: 'redacted' }), file(randomBytes(10))], 422],
      ['too large', [meta(), file(randomBytes(3 * 1024 * 1024 + 1))], 413],
      ['a viewer', [meta(), file(randomBytes(10))], 403, t.tokens.viewer],
    ];
    for (const [what, parts, status, token] of cases) {
      const response = await upload(parts, token);
      assert.equal(response.status, status, `${what}: ${JSON.stringify(response.body)}`);
      assert.equal(typeof response.body.error?.message, 'string', what);
    }
    const json = await t.api('POST', '/api/v1/evidence', { body: { person_ids: [personId] } });
    assert.ok([400, 415].includes(json.status), `JSON body: ${json.status}`);
    assert.equal(await count('evidence_items'), before.items);
    assert.equal(await count('log_entries'), before.log);
    assert.equal(vaultFiles().length, before.blobs, 'no blob and no temporary file left');
  });

  it('stores nothing from an upload cut off half way', async () => {
    const before = { items: await count('evidence_items'), files: vaultFiles().length, log: await count('log_entries') };
    await cutOffUpload(`${t.url}/api/v1/evidence`, [meta(), file(randomBytes(1024 * 1024))], 400_000, { authorization: `Bearer ${t.tokens.researcher}` });
    // The server notices the cut when the socket closes; give it a moment.
    for (let i = 0; i < 50 && vaultFiles().length !== before.files; i++) await sleep(100);
    assert.equal(await count('evidence_items'), before.items);
    assert.equal(await count('log_entries'), before.log);
    assert.equal(vaultFiles().length, before.files);
    assert.equal((await t.api('GET', '/healthz')).status, 200);
  });

  it('cleans hostile file names and never serves HTML or SVG inline', async () => {
    const names: Array<[string, string]> = [
      ['../../../etc/passwd', 'passwd'],
      ['C:\\Users\\x\\evil.exe', 'evil.exe'],
      ['photo\u202Egpj.exe', 'photogpj.exe'],
      ['a\u0000b.txt', 'ab.txt'],
      ['...', 'file'],
      [`${'я'.repeat(300)}.ogg`, `${'я'.repeat(196)}.ogg`],
    ];
    for (const [given, kept] of names) {
      const created = await upload([meta(), file(randomBytes(20), given)]);
      assert.equal(created.status, 201, `${JSON.stringify(given)}: ${JSON.stringify(created.body)}`);
      assert.equal(created.body.file_name, kept);
    }
    const html = await upload([meta(), file(Buffer.from('<script>alert(1)</script>'), 'x.html', 'text/html')]);
    const served = await content(html.body.id);
    assert.equal(served.headers.get('content-type'), 'application/octet-stream');
    assert.match(served.headers.get('content-disposition') ?? '', /^attachment/);
    const svg = await upload([meta(), file(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.svg', 'image/svg+xml')]);
    assert.match((await content(svg.body.id)).headers.get('content-disposition') ?? '', /^attachment/);
  });

  it('keeps items to the case: a non-member gets 404 for the item, its content and its proof', async () => {
    const id = (await upload([meta(), file(randomBytes(50))])).body.id;
    for (const path of [`/api/v1/evidence/${id}`, `/api/v1/evidence/${id}/content`, `/api/v1/evidence/${id}/proof`]) {
      assert.equal((await t.api('GET', path, { token: t.tokens.coordinator })).status, 404, path);
    }
    const list = await t.api('GET', '/api/v1/evidence', { token: t.tokens.coordinator });
    assert.ok(!list.body.items.some((item: { id: string }) => item.id === id));
    assert.equal((await t.api('POST', `/api/v1/evidence/${id}/custody`, { token: t.tokens.coordinator, body: { kind: 'transferred', to: 'x' } })).status, 404);
  });

  it('files a derived item (a redacted copy) with its parent in the trail', async () => {
    const original = (await upload([meta(), file(randomBytes(400), 'statement.pdf', 'application/pdf')])).body;
    const derived = await upload([meta({ parent_id: original.id, derivation: 'redacted', description: 'names blacked out' }), file(randomBytes(300), 'statement-redacted.pdf', 'application/pdf')]);
    assert.equal(derived.status, 201, JSON.stringify(derived.body));
    assert.equal(derived.body.parent_id, original.id);
    assert.equal(derived.body.custody[0].kind, 'derived');
    const proof = await t.api('GET', `/api/v1/evidence/${derived.body.id}/proof`);
    assert.equal(JSON.parse(proof.body.items[0].statement).parent_sha256, original.sha256);
  });

  it('logs the revisions written before the log existed, once, in time order', async () => {
    const { ctx } = t.app;
    // Revisions as a store from before the vault holds them: rows without statements.
    const earlier = ['01000000-0000-7000-8000-000000000001', '01000000-0000-7000-8000-000000000002'];
    for (const [i, id] of earlier.entries()) {
      await insertRevision(ctx.db, ctx.cipher, { case_id: personId, entity: 'person', entity_id: personId, version: 90 + i, action: 'update', actor: 'user:old', at: `2020-01-0${i + 1}T00:00:00.000Z`, changes: { occupation: { from: null, to: `job ${i}` } }, reason: null }, id);
    }
    await saveSetting(ctx.db, 'log_backfill_until', earlier[1]!);
    const statementsOf = () => ctx.db.selectFrom('log_entries').select('subject_id').where('subject_id', 'in', earlier).execute();
    assert.equal((await statementsOf()).length, 0);
    assert.equal(await logEarlierRevisions(ctx, 1), 1);
    assert.equal(await logEarlierRevisions(ctx), 1);
    assert.equal(await logEarlierRevisions(ctx), 0);
    assert.deepEqual((await statementsOf()).map((row) => row.subject_id).sort(), earlier);
    const proven = await proveSubjects(ctx, t.app.vault, [{ subject: 'revision', ids: earlier }]);
    assert.equal(proven.statements.length, 2);
    for (const statement of proven.statements) {
      const parsed = JSON.parse(statement.statement);
      assert.equal(parsed.actor, 'user:old');
      assert.equal(parsed.changes_sha256, sha256(Buffer.from(canonicalJson({ occupation: { from: null, to: `job ${parsed.version - 90}` } }))));
    }
  });

  it('never lets the log tell a duress check-in from a real one: early-warning records are not logged', async () => {
    const logSize = async () => {
      await runDeadlineSweep(t.app.ctx);
      return count('log_entries');
    };
    const watchFor = async () => {
      const person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
      const watch = await t.api('POST', '/api/v1/watches', {
        body: { person_id: person, interval: 'PT24H', grace: 'PT2H', pin: '271828', duress_pin: '314159', proxies: [], escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }] },
      });
      assert.equal(watch.status, 201, watch.text);
      return watch.body.checkin_url as string;
    };
    const checkIn = (path: string, pin: string) => fetch(t.url + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ pin }).toString() });
    const real = await watchFor();
    const duress = await watchFor();
    let before = await logSize();
    await checkIn(real, '271828');
    const afterReal = (await logSize()) - before;
    before = await logSize();
    await checkIn(duress, '314159');
    const afterDuress = (await logSize()) - before;
    assert.equal((await t.api('GET', '/api/v1/alerts?state=open')).body.items.filter((alert: { kind: string }) => alert.kind === 'duress').length, 1, 'the duress alert is open');
    assert.equal(afterDuress, afterReal);
    assert.equal(afterReal, 0);
  });

  it('logs a read that starts past the first byte, too', async () => {
    const id = (await upload([meta(), file(randomBytes(4000), 'tail.ogg')])).body.id;
    const part = await content(id, { range: 'bytes=1-' });
    assert.equal(part.status, 206);
    assert.equal(part.body.length, 3999);
    const kinds = (await t.api('GET', `/api/v1/evidence/${id}`)).body.custody.map((event: { kind: string }) => event.kind);
    assert.deepEqual(kinds, ['received', 'accessed']);
    // An inverted range is not a range (RFC 9110): the whole file.
    assert.equal((await content(id, { range: 'bytes=5-3' })).status, 200);
  });

  it('keeps an idle log idle: a pass with nothing waiting writes nothing', async () => {
    const { ctx, vault } = t.app;
    await integrateLog(ctx, vault.signer);
    await logEarlierRevisions(ctx);
    const sqlite = t.app.database.sqlite;
    const changes = () => (sqlite ? (sqlite.prepare('select total_changes() as n').get() as { n: number }).n : 0);
    const state = async () => JSON.stringify([await ctx.db.selectFrom('log_state').selectAll().execute(), await count('log_entries')]);
    const [before, stateBefore] = [changes(), await state()];
    for (let i = 0; i < 3; i++) {
      assert.equal((await integrateLog(ctx, vault.signer)).integrated, 0);
      assert.equal(await logEarlierRevisions(ctx), 0);
    }
    assert.equal(changes(), before, 'no row written by an idle pass');
    assert.equal(await state(), stateBefore);
  });

  it('leaves no temporary file behind after all of the above', () => {
    assert.deepEqual(readdirSync(join(t.dataDir, 'vault', 'tmp')), []);
    assert.ok(statSync(join(t.dataDir, 'vault', 'blobs')).isDirectory());
  });
});
