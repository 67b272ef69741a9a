import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`actors API (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
  const create = (body: Record<string, unknown>) => t.api('POST', '/api/v1/actors', { body });
  const countActors = async () => (await t.api('GET', '/api/v1/actors?limit=200&include_retracted=true')).body.items.length;

  it('creates an actor with names in several scripts and reads it back with an ETag', async () => {
    const created = await create({
      names: [
        { text: '察布查尔县公安局', script: 'Hans', lang: 'zh' },
        { text: 'Qapqal County Public Security Bureau', script: 'Latn', lang: 'en' },
      ],
      type: 'police',
      place: 'Qapqal, Ili',
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.equal(created.body.name, '察布查尔县公安局');
    const read = await t.api('GET', `/api/v1/actors/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.deepEqual(
      read.body.names.map((n: { text: string; script: string; lang: string }) => [n.text, n.script, n.lang]),
      [
        ['察布查尔县公安局', 'Hans', 'zh'],
        ['Qapqal County Public Security Bureau', 'Latn', 'en'],
      ],
    );
    assert.equal(read.body.type, 'police');
    assert.equal(read.body.place, 'Qapqal, Ili');
    assert.equal(read.body.parent_id, null);
    assert.equal(read.body.retracted, false);
    assert.equal(read.body.retraction_reason, null);
    const plain = await create({ name: 'Ili Prefecture Intermediate Court', type: 'court' });
    assert.equal(plain.status, 201);
    assert.deepEqual(plain.body.names, []);
  });

  it('needs a name or names', async () => {
    const before = await countActors();
    const res = await create({ type: 'police' });
    assert.equal(res.status, 400);
    assert.ok(res.body.error.fields.name);
    assert.equal(await countActors(), before);
  });

  it('links to a parent that exists and refuses loops', async () => {
    const top = (await create({ name: 'Xinjiang PSB', type: 'police' })).body;
    const middle = (await create({ name: 'Ili Prefecture PSB', type: 'police', parent_id: top.id })).body;
    assert.equal(middle.parent_id, top.id);
    const bottom = (await create({ name: 'Yining City PSB', type: 'police', parent_id: middle.id })).body;
    const missing = await create({ name: 'Orphan', type: 'police', parent_id: MISSING });
    assert.equal(missing.status, 422);
    assert.ok(missing.body.error.fields.parent_id);
    const loop = await t.api('PATCH', `/api/v1/actors/${top.id}`, { body: { parent_id: bottom.id, version: 1 } });
    assert.equal(loop.status, 422);
    assert.match(loop.body.error.fields.parent_id, /below this actor/);
    const self = await t.api('PATCH', `/api/v1/actors/${top.id}`, { body: { parent_id: top.id, version: 1 } });
    assert.equal(self.status, 422);
    assert.equal((await t.api('GET', `/api/v1/actors/${top.id}`)).body.parent_id, null);
    const children = await t.api('GET', `/api/v1/actors?parent_id=${top.id}`);
    assert.deepEqual(children.body.items.map((a: { id: string }) => a.id), [middle.id]);
    await t.api('POST', `/api/v1/actors/${middle.id}/retract`, { body: { reason: 'merged into another record' } });
    const underRetracted = await create({ name: 'Under retracted', type: 'police', parent_id: middle.id });
    assert.equal(underRetracted.status, 422);
  });

  it('updates with versions, keeps history, and refuses changes after retraction', async () => {
    const { body: a } = await create({ name: 'Camp No. 3', type: 'camp_administration' });
    const updated = await t.api('PATCH', `/api/v1/actors/${a.id}`, { body: { place: 'Zhaosu' }, headers: { 'if-match': '"1"' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.version, 2);
    assert.equal(updated.headers.get('etag'), '"2"');
    const stale = await t.api('PATCH', `/api/v1/actors/${a.id}`, { body: { place: 'Elsewhere', version: 1 } });
    assert.equal(stale.status, 409);
    const blind = await t.api('PATCH', `/api/v1/actors/${a.id}`, { body: { place: 'Elsewhere' } });
    assert.equal(blind.status, 400);
    const retracted = await t.api('POST', `/api/v1/actors/${a.id}/retract`, { body: { reason: 'entered twice', version: 2 } });
    assert.equal(retracted.status, 200);
    assert.equal(retracted.body.retracted, true);
    assert.equal(retracted.body.retraction_reason, 'entered twice');
    assert.equal((await t.api('PATCH', `/api/v1/actors/${a.id}`, { body: { place: 'x', version: 3 } })).status, 409);
    assert.equal((await t.api('POST', `/api/v1/actors/${a.id}/retract`, { body: { reason: 'again and again' } })).status, 409);
    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'actor', a.id);
    assert.deepEqual(
      revisions.map((r) => [r.action, r.version, r.case_id]),
      [
        ['create', 1, null],
        ['update', 2, null],
        ['retract', 3, null],
      ],
    );
    assert.deepEqual(revisions[1]!.changes.place, { from: null, to: 'Zhaosu' });
  });

  it('lists by name with a cursor, filters by type and hides retracted actors', async () => {
    const names = ['Zeta military unit', 'Alpha military unit', 'Mu military unit', 'Beta military unit'];
    const ids = new Map<string, string>();
    for (const name of names) ids.set(name, (await create({ name, type: 'military' })).body.id);
    await t.api('POST', `/api/v1/actors/${ids.get('Mu military unit')}/retract`, { body: { reason: 'not a real unit' } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ name: string; type: string }>; next_cursor: string | null } } = await t.api(
        'GET',
        `/api/v1/actors?type=military&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      for (const a of page.body.items) {
        assert.equal(a.type, 'military');
        seen.push(a.name);
      }
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ['Alpha military unit', 'Beta military unit', 'Zeta military unit']);
    const all = await t.api('GET', '/api/v1/actors?type=military&include_retracted=true');
    assert.equal(all.body.items.length, 4);
    assert.equal((await t.api('GET', '/api/v1/actors?cursor=%%%')).status, 400);
    assert.equal((await t.api('GET', '/api/v1/actors?type=gang')).status, 400);
  });

  it('rejects malformed, wrong-type, unknown-field and oversized input and writes nothing', async () => {
    const before = await countActors();
    const cases: Array<[string, { body?: unknown; raw?: string }, number, string?]> = [
      ['malformed JSON', { raw: '{"name": ' }, 400],
      ['unknown type', { body: { name: 'x', type: 'gang' } }, 400, 'type'],
      ['no type', { body: { name: 'x' } }, 400, 'type'],
      ['name as array', { body: { name: ['x'], type: 'police' } }, 400, 'name'],
      ['blank name', { body: { name: '  ', type: 'police' } }, 400, 'name'],
      ['unknown field', { body: { name: 'x', type: 'police', budget: 1 } }, 400, 'budget'],
      ['bad script', { body: { names: [{ text: 'x', script: 'Klingon' }], type: 'police' } }, 400, 'names.0.script'],
      ['unknown name field', { body: { names: [{ text: 'x', script: 'Latn', kind: 'alias' }], type: 'police' } }, 400, 'names.0.kind'],
      ['empty names', { body: { names: [], type: 'police' } }, 400, 'names'],
      ['bad parent id', { body: { name: 'x', type: 'police', parent_id: 'x; drop table actors' } }, 400, 'parent_id'],
      ['control character', { body: { name: 'a\u0000b', type: 'police' } }, 400, 'name'],
      ['long name', { body: { name: 'x'.repeat(301), type: 'police' } }, 400, 'name'],
      ['oversized body', { body: { name: 'x', type: 'police', place: 'y'.repeat(1_100_000) } }, 413],
    ];
    for (const [label, request, status, field] of cases) {
      const res = await t.api('POST', '/api/v1/actors', request);
      assert.equal(res.status, status, label);
      assert.equal(typeof res.body.error.message, 'string', label);
      if (field) assert.ok(res.body.error.fields?.[field], `${label}: ${JSON.stringify(res.body)}`);
    }
    assert.equal(await countActors(), before);
  });

  it('keeps HTML and invisible characters in names as given, flagged', async () => {
    const name = '<img src=x onerror=alert(1)>\u202Epolice\u200D';
    const res = await create({ name, names: [{ text: name, script: 'Latn' }], type: 'police' });
    assert.equal(res.status, 201);
    assert.equal(res.body.name, name);
    assert.deepEqual(res.body.name_flags, ['bidi_control', 'zero_width']);
    assert.deepEqual(res.body.names[0].flags, ['bidi_control', 'zero_width']);
  });

  it('needs a token to read and a writer to change', async () => {
    const { body: a } = await create({ name: 'Readable', type: 'other' });
    assert.equal((await t.api('GET', '/api/v1/actors', { token: null })).status, 401);
    assert.equal((await t.api('GET', `/api/v1/actors/${a.id}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/actors', { body: { name: 'x', type: 'other' }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('PATCH', `/api/v1/actors/${a.id}`, { body: { name: 'y', version: 1 }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/actors/${MISSING}`)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/actors/nope')).status, 400);
  });

  it('keeps the register organisation-wide: every signed-in user reads it, every writer adds to it', async () => {
    const { body: a } = await t.api('POST', '/api/v1/actors', { token: t.tokens.coordinator, body: { name: 'Kuytun City PSB', type: 'police' } });
    assert.equal(a.parent_id, null);
    for (const role of ['admin', 'researcher', 'viewer'] as const) {
      assert.equal((await t.api('GET', `/api/v1/actors/${a.id}`, { token: t.tokens[role] })).status, 200, role);
      const listed = await t.api('GET', '/api/v1/actors?limit=200', { token: t.tokens[role] });
      assert.ok(listed.body.items.some((x: { id: string }) => x.id === a.id), role);
    }
    const patched = await t.api('PATCH', `/api/v1/actors/${a.id}`, { body: { place: 'Kuytun', version: 1 } });
    assert.equal(patched.status, 200, 'another writer may correct it');
  });

  it('treats an actor filed under a case as part of that case: 404 and unlisted for non-members', async () => {
    const caseId = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id as string;
    const { body: a } = await create({ name: 'Handler of the informant', type: 'police' });
    // Only imports file actors under a case; the API always makes them organisation-wide.
    await t.app.ctx.db.updateTable('actors').set({ case_id: caseId }).where('id', '=', a.id).execute();
    assert.equal((await t.api('GET', `/api/v1/actors/${a.id}`)).status, 200, 'the case member reads it');
    for (const role of ['coordinator', 'viewer', 'admin'] as const) {
      assert.equal((await t.api('GET', `/api/v1/actors/${a.id}`, { token: t.tokens[role] })).status, 404, role);
      const listed = await t.api('GET', '/api/v1/actors?limit=200&include_retracted=true', { token: t.tokens[role] });
      assert.ok(!listed.body.items.some((x: { id: string }) => x.id === a.id), `${role} does not see it listed`);
    }
    assert.equal((await t.api('PATCH', `/api/v1/actors/${a.id}`, { token: t.tokens.coordinator, body: { place: 'x', version: 1 } })).status, 404);
    assert.equal((await t.api('POST', `/api/v1/actors/${a.id}/retract`, { token: t.tokens.coordinator, body: { reason: 'not mine to keep' } })).status, 404);
    const child = await t.api('POST', '/api/v1/actors', { token: t.tokens.coordinator, body: { name: 'Sub-unit', type: 'police', parent_id: a.id } });
    assert.equal(child.status, 422, 'a parent one may not read names no actor');
    assert.ok(child.body.error.fields.parent_id);
    await t.addMember(caseId, 'coordinator');
    assert.equal((await t.api('GET', `/api/v1/actors/${a.id}`, { token: t.tokens.coordinator })).status, 200);
    const updated = await t.api('PATCH', `/api/v1/actors/${a.id}`, { token: t.tokens.coordinator, body: { place: 'Toli', version: 1 } });
    assert.equal(updated.status, 200);
    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'actor', a.id);
    assert.equal(revisions.at(-1)!.case_id, caseId, "the change is in the case's history");
    assert.equal((await t.api('GET', `/api/v1/actors/${a.id}`)).body.version, 2);
  });
});
