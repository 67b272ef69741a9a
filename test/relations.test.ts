import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listRelationsForPerson } from '../src/relations/relations.service.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`relations API (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
  const newPerson = async (): Promise<string> => (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
  const countRelations = async () => (await t.api('GET', '/api/v1/relations?limit=200&include_retracted=true')).body.items.length;

  it('links two persons with a trusted-contact flag and secret contact details', async () => {
    const detainee = await newPerson();
    const sister = await newPerson();
    const created = await t.api('POST', '/api/v1/relations', {
      body: {
        from_person_id: detainee,
        to_person_id: sister,
        relation: 'sister',
        trusted_contact: true,
        contact: { phone: '+7 701 555 0199', messenger: 'signal:@sister' },
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    const read = await t.api('GET', `/api/v1/relations/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.equal(read.body.from_person_id, detainee);
    assert.equal(read.body.to_person_id, sister);
    assert.equal(read.body.relation, 'sister');
    assert.equal(read.body.trusted_contact, true);
    assert.deepEqual(read.body.contact, { phone: '+7 701 555 0199', messenger: 'signal:@sister' });
    assert.equal(read.body.retracted, false);
    const plain = await t.api('POST', '/api/v1/relations', { body: { from_person_id: detainee, to_person_id: sister, relation: 'colleague' } });
    assert.equal(plain.body.trusted_contact, false);
    assert.equal(plain.body.contact, null);
  });

  it("records every change in the from-person's case history without contact values", async () => {
    const detainee = await newPerson();
    const spouse = await newPerson();
    const { body: r } = await t.api('POST', '/api/v1/relations', {
      body: { from_person_id: detainee, to_person_id: spouse, relation: 'spouse', contact: { phone: '+86-SECRET-1111', email: 'hidden@example.org' } },
    });
    const updated = await t.api('PATCH', `/api/v1/relations/${r.id}`, {
      body: { trusted_contact: true, contact: { address: 'SECRET-ADDRESS Almaty' }, version: 1 },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.version, 2);
    assert.deepEqual(updated.body.contact, { address: 'SECRET-ADDRESS Almaty' });
    await t.api('POST', `/api/v1/relations/${r.id}/retract`, { body: { reason: 'not actually married' } });
    const history = await t.api('GET', `/api/v1/persons/${detainee}/history`);
    const mine = history.body.items.filter((x: { entity: string }) => x.entity === 'relation');
    assert.deepEqual(mine.map((x: { action: string; version: number }) => [x.action, x.version]), [
      ['retract', 3],
      ['update', 2],
      ['create', 1],
    ]);
    assert.deepEqual(mine[1].changes.trusted_contact, { from: false, to: true });
    assert.deepEqual(mine[1].changes.contact, { changed: true });
    assert.deepEqual(mine[2].changes.contact, { changed: true });
    assert.doesNotMatch(history.text, /SECRET|hidden@example/);
    // The other end's case shows the same changes: the relation is on that person's page too.
    const otherEnd = await t.api('GET', `/api/v1/persons/${spouse}/history`);
    const seen = otherEnd.body.items.filter((x: { entity: string }) => x.entity === 'relation');
    assert.deepEqual(seen.map((x: { action: string }) => x.action), ['retract', 'update', 'create']);
  });

  it('refuses a missing, retracted or identical person with 422 naming the field, and writes nothing', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const gone = await newPerson();
    await t.api('POST', `/api/v1/persons/${gone}/retract`, { body: { reason: 'entered twice' } });
    const before = await countRelations();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from_person_id: MISSING, to_person_id: b }, 'from_person_id'],
      [{ from_person_id: a, to_person_id: MISSING }, 'to_person_id'],
      [{ from_person_id: a, to_person_id: gone }, 'to_person_id'],
      [{ from_person_id: gone, to_person_id: a }, 'from_person_id'],
      [{ from_person_id: a, to_person_id: a }, 'to_person_id'],
    ];
    for (const [ends, field] of cases) {
      const res = await t.api('POST', '/api/v1/relations', { body: { ...ends, relation: 'friend' } });
      assert.equal(res.status, 422, JSON.stringify(ends));
      assert.ok(res.body.error.fields[field], JSON.stringify(res.body));
    }
    assert.equal(await countRelations(), before);
    const { body: r } = await t.api('POST', '/api/v1/relations', { body: { from_person_id: a, to_person_id: b, relation: 'friend' } });
    const self = await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { to_person_id: a, version: 1 } });
    assert.equal(self.status, 422);
    assert.equal((await t.api('GET', `/api/v1/relations/${r.id}`)).body.to_person_id, b);
  });

  it('lists relations on either side of a person, paged, hiding retracted ones', async () => {
    const centre = await newPerson();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const other = await newPerson();
      ids.push((await t.api('POST', '/api/v1/relations', { body: { from_person_id: centre, to_person_id: other, relation: 'relative' } })).body.id);
    }
    const lawyer = await newPerson();
    ids.push((await t.api('POST', '/api/v1/relations', { body: { from_person_id: lawyer, to_person_id: centre, relation: 'lawyer' } })).body.id);
    const unrelated = await newPerson();
    await t.api('POST', '/api/v1/relations', { body: { from_person_id: lawyer, to_person_id: unrelated, relation: 'lawyer' } });
    const retracted = (await t.api('POST', '/api/v1/relations', { body: { from_person_id: centre, to_person_id: unrelated, relation: 'neighbour' } })).body.id;
    await t.api('POST', `/api/v1/relations/${retracted}/retract`, { body: { reason: 'wrong neighbour' } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; next_cursor: string | null } } = await t.api(
        'GET',
        `/api/v1/relations?person_id=${centre}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ids);
    assert.deepEqual((await listRelationsForPerson(t.app.ctx, centre)).map((r) => r.id), ids);
    assert.deepEqual((await listRelationsForPerson(t.app.ctx, centre, { includeRetracted: true })).map((r) => r.id), [...ids, retracted]);
  });

  it('refuses stale versions, a missing version and edits after retraction', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const { body: r } = await t.api('POST', '/api/v1/relations', { body: { from_person_id: a, to_person_id: b, relation: 'friend' } });
    assert.equal((await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { relation: 'neighbour' }, headers: { 'if-match': '"1"' } })).status, 200);
    const stale = await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { relation: 'colleague', version: 1 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'version_conflict');
    assert.equal((await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { relation: 'colleague' } })).status, 400);
    assert.equal((await t.api('GET', `/api/v1/relations/${r.id}`)).body.relation, 'neighbour');
    assert.equal((await t.api('POST', `/api/v1/relations/${r.id}/retract`, { body: { reason: 'not a neighbour', version: 2 } })).status, 200);
    const late = await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { relation: 'friend', version: 3 } });
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'retracted');
  });

  it('rejects malformed, wrong-type, unknown-field and oversized input and writes nothing', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const ok = { from_person_id: a, to_person_id: b, relation: 'mother' };
    const before = await countRelations();
    const cases: Array<[string, { body?: unknown; raw?: string }, number, string?]> = [
      ['malformed JSON', { raw: '{"from_person_id":' }, 400],
      ['unknown relation', { body: { ...ok, relation: 'cousin-in-law' } }, 400, 'relation'],
      ['missing to', { body: { from_person_id: a, relation: 'mother' } }, 400, 'to_person_id'],
      ['from not an id', { body: { ...ok, from_person_id: "1' OR '1'='1" } }, 400, 'from_person_id'],
      ['trusted as string', { body: { ...ok, trusted_contact: 'true' } }, 400, 'trusted_contact'],
      ['contact as string', { body: { ...ok, contact: '+7 701' } }, 400, 'contact'],
      ['unknown contact field', { body: { ...ok, contact: { fax: '123' } } }, 400, 'contact.fax'],
      ['contact phone number', { body: { ...ok, contact: { phone: 7701555 } } }, 400, 'contact.phone'],
      ['unknown field', { body: { ...ok, case_id: a } }, 400, 'case_id'],
      ['control character', { body: { ...ok, contact: { address: 'a\u0008b' } } }, 400, 'contact.address'],
      ['long phone', { body: { ...ok, contact: { phone: '1'.repeat(101) } } }, 400, 'contact.phone'],
      ['oversized body', { body: { ...ok, contact: { address: 'x'.repeat(1_100_000) } } }, 413],
    ];
    for (const [label, request, status, field] of cases) {
      const res = await t.api('POST', '/api/v1/relations', request);
      assert.equal(res.status, status, label);
      assert.equal(typeof res.body.error.message, 'string', label);
      if (field) assert.ok(res.body.error.fields?.[field], `${label}: ${JSON.stringify(res.body)}`);
    }
    const { body: r } = await t.api('POST', '/api/v1/relations', { body: ok });
    const moveCase = await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { from_person_id: b, version: 1 } });
    assert.equal(moveCase.status, 400);
    assert.ok(moveCase.body.error.fields.from_person_id);
    assert.equal(await countRelations(), before + 1);
  });

  it('keeps HTML and invisible characters in contact details as given', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const address = '<script>alert(1)</script> ул. \u202EАбая\u200B 10';
    const res = await t.api('POST', '/api/v1/relations', { body: { from_person_id: a, to_person_id: b, relation: 'brother', contact: { address } } });
    assert.equal(res.status, 201);
    assert.equal((await t.api('GET', `/api/v1/relations/${res.body.id}`)).body.contact.address, address);
  });

  it('needs a token to read and a writer to change', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const body = { from_person_id: a, to_person_id: b, relation: 'friend' };
    const { body: r } = await t.api('POST', '/api/v1/relations', { body });
    assert.equal((await t.api('GET', '/api/v1/relations', { token: null })).status, 401);
    assert.equal((await t.api('GET', `/api/v1/relations/${r.id}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/relations', { body, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/relations/${r.id}/retract`, { body: { reason: 'viewer try' }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/relations/${MISSING}`)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/relations/zzz')).status, 400);
  });
});
