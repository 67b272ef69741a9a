import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listInterventionsForPerson } from '../src/interventions/interventions.service.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`interventions API (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
  const newPerson = async (): Promise<string> => (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
  const countInterventions = async () => (await t.api('GET', '/api/v1/interventions?limit=200&include_retracted=true')).body.items.length;
  const appeal = (personId: string, overrides: Record<string, unknown> = {}) => ({
    person_id: personId,
    type: 'wgeid_urgent',
    addressee: 'UN Working Group on Enforced or Involuntary Disappearances',
    date: '2021-03-02',
    status: 'sent',
    note: 'Urgent action with the sister’s consent',
    ...overrides,
  });

  it('records an intervention and reads it back with an ETag', async () => {
    const personId = await newPerson();
    const created = await t.api('POST', '/api/v1/interventions', { body: appeal(personId) });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    const read = await t.api('GET', `/api/v1/interventions/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.deepEqual(
      [read.body.person_id, read.body.type, read.body.date, read.body.status, read.body.response, read.body.retracted],
      [personId, 'wgeid_urgent', '2021-03-02', 'sent', null, false],
    );
    const draft = await t.api('POST', '/api/v1/interventions', { body: { person_id: personId, type: 'press' } });
    assert.equal(draft.status, 201);
    assert.equal(draft.body.status, 'draft');
    assert.equal(draft.body.date, null);
  });

  it('follows the appeal through its statuses, with history in the case', async () => {
    const personId = await newPerson();
    const { body: i } = await t.api('POST', '/api/v1/interventions', { body: appeal(personId) });
    const ack = await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { status: 'acknowledged', version: 1 } });
    assert.equal(ack.status, 200);
    const responded = await t.api('PATCH', `/api/v1/interventions/${i.id}`, {
      headers: { 'if-match': '"2"' },
      body: { status: 'responded', response: 'Government replied: person is "receiving vocational training".' },
    });
    assert.equal(responded.status, 200);
    assert.equal(responded.headers.get('etag'), '"3"');
    const history = await t.api('GET', `/api/v1/persons/${personId}/history`);
    const mine = history.body.items.filter((x: { entity: string }) => x.entity === 'intervention');
    assert.deepEqual(mine.map((x: { action: string; version: number }) => [x.action, x.version]), [
      ['update', 3],
      ['update', 2],
      ['create', 1],
    ]);
    assert.deepEqual(mine[0].changes.status, { from: 'acknowledged', to: 'responded' });
    assert.deepEqual(mine[1].changes.status, { from: 'sent', to: 'acknowledged' });
    assert.equal(mine[2].changes.type.to, 'wgeid_urgent');
  });

  it('refuses a missing or retracted person with 422 naming person_id, and writes nothing', async () => {
    const before = await countInterventions();
    const missing = await t.api('POST', '/api/v1/interventions', { body: appeal(MISSING) });
    assert.equal(missing.status, 422);
    assert.ok(missing.body.error.fields.person_id);
    const gone = await newPerson();
    await t.api('POST', `/api/v1/persons/${gone}/retract`, { body: { reason: 'entered twice' } });
    const retracted = await t.api('POST', '/api/v1/interventions', { body: appeal(gone) });
    assert.equal(retracted.status, 422);
    assert.ok(retracted.body.error.fields.person_id);
    assert.equal(await countInterventions(), before);
  });

  it('lists a case by date (undated last), paged, filtered by status, hiding retracted ones', async () => {
    const personId = await newPerson();
    const other = await newPerson();
    const post = async (body: Record<string, unknown>) => (await t.api('POST', '/api/v1/interventions', { body })).body.id as string;
    const late = await post(appeal(personId, { date: '2023-01~' }));
    const undated = await post(appeal(personId, { date: null, status: 'draft' }));
    const early = await post(appeal(personId, { date: '2021' }));
    const middle = await post(appeal(personId, { date: '2022-05-17', status: 'closed' }));
    await post(appeal(other));
    const wrong = await post(appeal(personId, { date: '2020' }));
    await t.api('POST', `/api/v1/interventions/${wrong}/retract`, { body: { reason: 'sent for another person' } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string; person_id: string }>; next_cursor: string | null } } = await t.api(
        'GET',
        `/api/v1/interventions?person_id=${personId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      for (const x of page.body.items) assert.equal(x.person_id, personId);
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [early, middle, late, undated]);
    const closed = await t.api('GET', `/api/v1/interventions?person_id=${personId}&status=closed`);
    assert.deepEqual(closed.body.items.map((x: { id: string }) => x.id), [middle]);
    assert.deepEqual((await listInterventionsForPerson(t.app.ctx, personId)).map((x) => x.id), [early, middle, late, undated]);
    assert.deepEqual(
      (await listInterventionsForPerson(t.app.ctx, personId, { includeRetracted: true })).map((x) => x.id),
      [wrong, early, middle, late, undated],
    );
    assert.equal((await t.api('GET', '/api/v1/interventions?cursor=WyJhIiwiYiJd')).status, 400);
  });

  it('refuses stale versions, a missing version, a changed person and edits after retraction', async () => {
    const personId = await newPerson();
    const { body: i } = await t.api('POST', '/api/v1/interventions', { body: appeal(personId) });
    assert.equal((await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { status: 'closed', version: 1 } })).status, 200);
    const stale = await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { status: 'sent', version: 1 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'version_conflict');
    assert.equal((await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { status: 'sent' } })).status, 400);
    const move = await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { person_id: await newPerson(), version: 2 } });
    assert.equal(move.status, 400);
    assert.ok(move.body.error.fields.person_id);
    const retracted = await t.api('POST', `/api/v1/interventions/${i.id}/retract`, { body: { reason: 'duplicate entry', version: 2 } });
    assert.equal(retracted.status, 200);
    assert.equal(retracted.body.retracted, true);
    const late = await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { status: 'sent', version: 3 } });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'retracted');
    assert.equal((await t.api('GET', `/api/v1/interventions/${i.id}`)).body.status, 'closed');
  });

  it('rejects malformed, wrong-type, unknown-field and oversized input and writes nothing', async () => {
    const personId = await newPerson();
    const before = await countInterventions();
    const cases: Array<[string, { body?: unknown; raw?: string }, number, string?]> = [
      ['malformed JSON', { raw: '{"person_id": "x"' }, 400],
      ['unknown type', { body: appeal(personId, { type: 'tweet' }) }, 400, 'type'],
      ['unknown status', { body: appeal(personId, { status: 'pending' }) }, 400, 'status'],
      ['missing person', { body: { type: 'press' } }, 400, 'person_id'],
      ['person not an id', { body: appeal(personId, { person_id: 12 }) }, 400, 'person_id'],
      ['bad date', { body: appeal(personId, { date: '02/03/2021' }) }, 400, 'date'],
      ['note as object', { body: appeal(personId, { note: { text: 'x' } }) }, 400, 'note'],
      ['unknown field', { body: appeal(personId, { deadline: '2021-04-01' }) }, 400, 'deadline'],
      ['control character', { body: appeal(personId, { addressee: 'x\u0001y' }) }, 400, 'addressee'],
      ['long addressee', { body: appeal(personId, { addressee: 'x'.repeat(501) }) }, 400, 'addressee'],
      ['oversized body', { body: appeal(personId, { response: 'x'.repeat(1_100_000) }) }, 413],
    ];
    for (const [label, request, status, field] of cases) {
      const res = await t.api('POST', '/api/v1/interventions', request);
      assert.equal(res.status, status, label);
      assert.equal(typeof res.body.error.message, 'string', label);
      if (field) assert.ok(res.body.error.fields?.[field], `${label}: ${JSON.stringify(res.body)}`);
    }
    assert.equal(await countInterventions(), before);
  });

  it('keeps HTML and invisible characters as given, as JSON data', async () => {
    const personId = await newPerson();
    const response = '<script>document.location="https://evil.example"</script>\u2067hidden\u2069\uFEFF';
    const res = await t.api('POST', '/api/v1/interventions', { body: appeal(personId, { response, addressee: '<b>MFA</b>' }) });
    assert.equal(res.status, 201);
    const read = await t.api('GET', `/api/v1/interventions/${res.body.id}`);
    assert.equal(read.body.response, response);
    assert.equal(read.body.addressee, '<b>MFA</b>');
  });

  it('needs a token to read and a writer to change', async () => {
    const personId = await newPerson();
    const { body: i } = await t.api('POST', '/api/v1/interventions', { body: appeal(personId) });
    assert.equal((await t.api('GET', '/api/v1/interventions', { token: null })).status, 401);
    assert.equal((await t.api('GET', `/api/v1/interventions/${i.id}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/interventions', { body: appeal(personId), token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { status: 'closed', version: 1 }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/interventions/${MISSING}`)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/interventions/123-abc')).status, 400);
  });
});
