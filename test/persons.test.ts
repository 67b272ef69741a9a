import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`persons API (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('creates a person with names in several scripts and reads it back', async () => {
    const created = await t.api('POST', '/api/v1/persons', { body: personInput() });
    assert.equal(created.status, 201);
    assert.match(created.body.case_number, /^VG-\d{6}$/);
    assert.equal(created.headers.get('etag'), '"1"');
    const read = await t.api('GET', `/api/v1/persons/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(
      read.body.names.map((n: { text: string; script: string }) => [n.text, n.script]),
      [
        ['Жанаргүл Жұматай', 'Cyrl'],
        ['Zhanargul Zhumatai', 'Latn'],
      ],
    );
    assert.equal(read.body.birth, '1970~');
    assert.deepEqual(read.body.citizenships, ['CN']);
    assert.equal(read.body.current_status, null);
  });

  it('numbers cases in order', async () => {
    const a = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const b = await t.api('POST', '/api/v1/persons', { body: personInput() });
    assert.equal(Number(b.body.case_number.slice(3)), Number(a.body.case_number.slice(3)) + 1);
  });

  it('updates with the current version and refuses a stale one with 409', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const first = await t.api('PATCH', `/api/v1/persons/${person.id}`, { body: { risk: 'critical', version: 1 } });
    assert.equal(first.status, 200);
    assert.equal(first.body.version, 2);
    const stale = await t.api('PATCH', `/api/v1/persons/${person.id}`, { body: { risk: 'low' }, headers: { 'if-match': '"1"' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'version_conflict');
    const now = await t.api('GET', `/api/v1/persons/${person.id}`);
    assert.equal(now.body.risk, 'critical');
    const blind = await t.api('PATCH', `/api/v1/persons/${person.id}`, { body: { risk: 'low' } });
    assert.equal(blind.status, 400);
    assert.equal(blind.body.error.code, 'version_required');
  });

  it('keeps history of every change and never records secret values', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput({ national_id: '650101400123' }) });
    await t.api('PATCH', `/api/v1/persons/${person.id}`, { body: { occupation: 'herder', national_id: '650101400999', version: 1 } });
    const history = await t.api('GET', `/api/v1/persons/${person.id}/history`);
    assert.equal(history.status, 200);
    const [update, create] = history.body.items;
    assert.equal(update.action, 'update');
    assert.deepEqual(update.changes.occupation, { from: null, to: 'herder' });
    assert.deepEqual(update.changes.national_id, { changed: true });
    assert.equal(create.action, 'create');
    assert.doesNotMatch(history.text, /650101400/);
  });

  it('retracts with a reason instead of deleting, and refuses later edits', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const short = await t.api('POST', `/api/v1/persons/${person.id}/retract`, { body: { reason: '' } });
    assert.equal(short.status, 400);
    const retracted = await t.api('POST', `/api/v1/persons/${person.id}/retract`, { body: { reason: 'duplicate entry of VG-000001' } });
    assert.equal(retracted.status, 200);
    assert.equal(retracted.body.retracted, true);
    assert.equal(retracted.body.retraction_reason, 'duplicate entry of VG-000001');
    const edit = await t.api('PATCH', `/api/v1/persons/${person.id}`, { body: { risk: 'low', version: 2 } });
    assert.equal(edit.status, 409);
    const list = await t.api('GET', '/api/v1/persons?limit=200');
    assert.ok(!list.body.items.some((p: { id: string }) => p.id === person.id));
    const withRetracted = await t.api('GET', '/api/v1/persons?limit=200&include_retracted=true');
    assert.ok(withRetracted.body.items.some((p: { id: string }) => p.id === person.id));
  });

  it('pages through the list with a cursor and filters by risk and ethnicity', async () => {
    for (let i = 0; i < 5; i++) await t.api('POST', '/api/v1/persons', { body: personInput({ ethnicity: 'kyrgyz', risk: 'low' }) });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string; ethnicity: string }>; next_cursor: string | null } } = await t.api(
        'GET',
        `/api/v1/persons?ethnicity=kyrgyz&risk=low&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const p of page.body.items) {
        assert.equal(p.ethnicity, 'kyrgyz');
        seen.push(p.id);
      }
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    const forged = await t.api('GET', '/api/v1/persons?cursor=bm90LWEtY3Vyc29y');
    assert.equal(forged.status, 400);
    assert.ok(forged.body.error.fields.cursor);
  });

  it('answers 404 for an unknown person and 400 for a malformed id', async () => {
    assert.equal((await t.api('GET', '/api/v1/persons/01a22566-2c15-770d-9624-01048a0a9716')).status, 404);
    const bad = await t.api('GET', '/api/v1/persons/..%2F..%2Fetc');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_input');
  });

  it('keeps bidi-override and zero-width characters in names but flags them', async () => {
    const hostile = 'Ali\u202Eveli\u200B';
    const created = await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: hostile, script: 'Latn' }] }) });
    assert.equal(created.status, 201);
    assert.equal(created.body.names[0].text, hostile);
    assert.deepEqual(created.body.names[0].flags, ['bidi_control', 'zero_width']);
  });
});
