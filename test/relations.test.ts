import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal, Role } from '../src/auth/roles.ts';
import { listRelationsForPerson } from '../src/relations/relations.service.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { inputValue, prepareSessions, session, webClient } from './helpers/web-client.ts';

describe(`relations API (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
  /** A new case, opened by the researcher (its coordinator), or by another role's user. */
  const newPerson = async (by: Role = 'researcher', extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await t.api('POST', '/api/v1/persons', { body: personInput(extra), token: t.tokens[by] });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  /** The user behind a role's token, as the services see them. */
  const asUser = (role: Role): Principal => ({ userId: t.users[role].id, tokenId: null, actor: `user:${t.users[role].id}`, role, name: null, readOnly: false });
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
    assert.deepEqual((await listRelationsForPerson(t.app.ctx, asUser('researcher'), centre)).map((r) => r.id), ids);
    assert.deepEqual((await listRelationsForPerson(t.app.ctx, asUser('researcher'), centre, { includeRetracted: true })).map((r) => r.id), [...ids, retracted]);
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
    await t.addMember(a, 'viewer', { caseRole: 'viewer' });
    await t.addMember(b, 'viewer', { caseRole: 'viewer' });
    assert.equal((await t.api('GET', `/api/v1/relations/${r.id}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/relations', { body, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/relations/${r.id}/retract`, { body: { reason: 'viewer try' }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/relations/${MISSING}`)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/relations/zzz')).status, 400);
  });
});

describe(`relations: need-to-know, secret contact details, sealing (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
  const PHONE = '+7 701 555 0123';
  const newPerson = async (by: Role = 'researcher', extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await t.api('POST', '/api/v1/persons', { body: personInput(extra), token: t.tokens[by] });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  const asUser = (role: Role): Principal => ({ userId: t.users[role].id, tokenId: null, actor: `user:${t.users[role].id}`, role, name: null, readOnly: false });
  const relate = async (from: string, to: string, extra: Record<string, unknown> = {}, by: Role = 'researcher') => {
    const res = await t.api('POST', '/api/v1/relations', { body: { from_person_id: from, to_person_id: to, relation: 'sister', ...extra }, token: t.tokens[by] });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; case_id: string };
  };
  /** The case's audit trail, as its coordinator (the researcher who opened it) sees it. */
  const secretReads = async (caseId: string) => {
    const trail = await t.api('GET', `/api/v1/persons/${caseId}/audit?limit=200`);
    assert.equal(trail.status, 200, trail.text);
    assert.doesNotMatch(trail.text, new RegExp(PHONE.replaceAll('+', '\\+')), 'the audit log never holds a secret value');
    return (trail.body.items as Array<{ action: string; actor: string; entity_id: string; detail: Record<string, unknown> }>).filter((e) => e.action === 'relation.read_secret');
  };

  it('is not there for a non-member: 404 on read, change and retraction, left out of lists', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const r = await relate(a, b, { contact: { phone: PHONE } });
    const missing = await t.api('GET', `/api/v1/relations/${MISSING}`, { token: t.tokens.coordinator });
    for (const role of ['coordinator', 'admin', 'viewer'] as const) {
      const token = t.tokens[role];
      const read = await t.api('GET', `/api/v1/relations/${r.id}`, { token });
      assert.equal(read.status, 404, role);
      assert.deepEqual(read.body, missing.body, `${role}: the same answer as for a relation that does not exist`);
      assert.doesNotMatch(read.text, /555/);
      if (role !== 'viewer') {
        assert.equal((await t.api('PATCH', `/api/v1/relations/${r.id}`, { token, body: { relation: 'friend', version: 1 } })).status, 404, role);
        assert.equal((await t.api('POST', `/api/v1/relations/${r.id}/retract`, { token, body: { reason: 'guessing ids' } })).status, 404, role);
      }
      assert.deepEqual((await t.api('GET', `/api/v1/relations?person_id=${a}`, { token })).body.items, [], role);
      const all = await t.api('GET', '/api/v1/relations?limit=200&include_retracted=true', { token });
      assert.ok(!all.body.items.some((x: { id: string }) => x.id === r.id), role);
    }
    await assert.rejects(listRelationsForPerson(t.app.ctx, asUser('coordinator'), a), { name: 'NotFoundError' });
    const still = await t.api('GET', `/api/v1/relations/${r.id}`);
    assert.equal(still.body.version, 1);
    assert.equal(still.body.relation, 'sister');
  });

  it('names only persons its author may read: 422 as if they did not exist, and writes nothing', async () => {
    const mine = await newPerson();
    const other = await newPerson();
    const theirs = await newPerson('coordinator');
    const count = async () => (await t.api('GET', '/api/v1/relations?limit=200&include_retracted=true', { token: t.tokens.researcher })).body.items.length;
    const before = await count();
    const toMissing = await t.api('POST', '/api/v1/relations', { body: { from_person_id: mine, to_person_id: MISSING, relation: 'friend' } });
    const toTheirs = await t.api('POST', '/api/v1/relations', { body: { from_person_id: mine, to_person_id: theirs, relation: 'friend' } });
    assert.equal(toTheirs.status, 422);
    assert.deepEqual(toTheirs.body, toMissing.body, 'an unreadable person reads exactly like a missing one');
    const fromTheirs = await t.api('POST', '/api/v1/relations', { body: { from_person_id: theirs, to_person_id: mine, relation: 'friend' } });
    assert.equal(fromTheirs.status, 422);
    assert.ok(fromTheirs.body.error.fields.from_person_id);
    const r = await relate(mine, other);
    const moved = await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { to_person_id: theirs, version: 1 } });
    assert.equal(moved.status, 422);
    assert.ok(moved.body.error.fields.to_person_id);
    assert.equal(await count(), before + 1);
    assert.equal((await t.api('GET', `/api/v1/relations/${r.id}`)).body.to_person_id, other);
    // Readable but not writable: a viewer member of the case may not file relations in it.
    await t.addMember(theirs, 'researcher', { caseRole: 'viewer', by: 'coordinator' });
    const readOnlyCase = await t.api('POST', '/api/v1/relations', { body: { from_person_id: theirs, to_person_id: mine, relation: 'friend' } });
    assert.equal(readOnlyCase.status, 403);
    // …but may name its person from a case they write in.
    assert.equal((await t.api('PATCH', `/api/v1/relations/${r.id}`, { body: { to_person_id: theirs, version: 1 } })).status, 200);
    assert.equal(await count(), before + 1);
  });

  it('gives contact details only to members who may see secrets, audits each such read, and never lists them', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const r = await relate(a, b, { trusted_contact: true, contact: { phone: PHONE, messenger: 'Signal' } });
    const bare = await relate(a, b, { relation: 'friend' });
    await t.addMember(a, 'viewer', { caseRole: 'viewer' });
    await t.addMember(a, 'coordinator', { caseRole: 'viewer' });
    assert.equal((await secretReads(a)).length, 0);

    for (const role of ['viewer', 'coordinator'] as const) {
      const read = await t.api('GET', `/api/v1/relations/${r.id}`, { token: t.tokens[role] });
      assert.equal(read.status, 200, role);
      assert.ok(!('contact' in read.body), `${role} as a viewer member gets no contact key at all`);
      assert.equal(read.body.trusted_contact, true);
      assert.doesNotMatch(read.text, /555|Signal/);
    }
    assert.equal((await secretReads(a)).length, 0, 'nothing secret was read');

    await t.addMember(a, 'coordinator', { caseRole: 'researcher' });
    const read = await t.api('GET', `/api/v1/relations/${r.id}`, { token: t.tokens.coordinator });
    assert.deepEqual(read.body.contact, { phone: PHONE, messenger: 'Signal' });
    assert.equal((await t.api('GET', `/api/v1/relations/${bare.id}`, { token: t.tokens.coordinator })).body.contact, null);
    const reads = await secretReads(a);
    assert.equal(reads.length, 1, 'one audited read, none for a relation without contact details');
    assert.equal(reads[0]!.actor, `user:${t.users.coordinator.id}`);
    assert.equal(reads[0]!.entity_id, r.id);
    assert.equal(reads[0]!.detail.fields, 'contact');

    const list = await t.api('GET', `/api/v1/relations?person_id=${a}`, { token: t.tokens.coordinator });
    assert.equal(list.body.items.length, 2);
    for (const item of list.body.items) assert.ok(!('contact' in item), 'lists never carry contact details');
    assert.equal((await listRelationsForPerson(t.app.ctx, asUser('coordinator'), a)).find((x) => x.id === r.id)!.contact, null);
    assert.equal((await secretReads(a)).length, 1, 'lists read nothing secret');

    // The person page asks for them: there too only with the right, and audited.
    const shown = await listRelationsForPerson(t.app.ctx, asUser('coordinator'), a, { withSecrets: true });
    assert.deepEqual(shown.find((x) => x.id === r.id)!.contact, { phone: PHONE, messenger: 'Signal' });
    assert.equal((await secretReads(a)).length, 2);
    const hidden = await listRelationsForPerson(t.app.ctx, asUser('viewer'), a, { withSecrets: true });
    assert.ok(hidden.every((x) => x.contact === null && x.secrets_hidden));
    assert.equal((await secretReads(a)).length, 2);
  });

  it('opens to an admin through break-glass for reading only, the read marked as such', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const r = await relate(a, b, { contact: { phone: PHONE } });
    assert.equal((await t.api('GET', `/api/v1/relations/${r.id}`, { token: t.tokens.admin })).status, 404);
    const glass = await t.api('POST', `/api/v1/persons/${a}/break-glass`, { token: t.tokens.admin, body: { reason: 'family asks urgently; coordinator unreachable' } });
    assert.equal(glass.status, 201, glass.text);
    const read = await t.api('GET', `/api/v1/relations/${r.id}`, { token: t.tokens.admin });
    assert.equal(read.status, 200);
    assert.equal(read.body.contact.phone, PHONE);
    const [entry] = await secretReads(a);
    assert.equal(entry!.actor, `user:${t.users.admin.id}`);
    assert.equal(entry!.detail.break_glass, true);
    assert.equal((await t.api('PATCH', `/api/v1/relations/${r.id}`, { token: t.tokens.admin, body: { relation: 'friend', version: 1 } })).status, 403);
  });

  it("is filed under the case of from_person: a relative added to a case is covered by the case's members", async () => {
    const a = await newPerson();
    const relative = await newPerson('researcher', { case_id: a });
    const r = await relate(relative, a, { relation: 'mother' });
    assert.equal(r.case_id, a);
    await t.addMember(a, 'viewer', { caseRole: 'viewer' });
    const read = await t.api('GET', `/api/v1/relations/${r.id}`, { token: t.tokens.viewer });
    assert.equal(read.status, 200);
    assert.equal(read.body.case_id, a);
    const history = await t.api('GET', `/api/v1/persons/${a}/history`);
    assert.ok(history.body.items.some((x: { entity: string; entity_id: string }) => x.entity === 'relation' && x.entity_id === r.id));
  });

  it("lists a person's relations only as far as the reader may read the cases they are filed under", async () => {
    const mine = await newPerson();
    const theirs = await newPerson('coordinator');
    await t.addMember(mine, 'coordinator');
    const inMine = await relate(mine, theirs, { relation: 'brother' }, 'coordinator');
    const inTheirs = await relate(theirs, mine, { relation: 'sister', contact: { phone: PHONE } }, 'coordinator');
    assert.equal(inTheirs.case_id, theirs);

    const ids = async (role: Role) => (await listRelationsForPerson(t.app.ctx, asUser(role), mine)).map((r) => r.id);
    assert.deepEqual(await ids('researcher'), [inMine.id], 'a relation filed under a case the researcher may not read stays out');
    assert.deepEqual(await ids('coordinator'), [inMine.id, inTheirs.id]);
    const api = await t.api('GET', `/api/v1/relations?person_id=${mine}`);
    assert.deepEqual(api.body.items.map((x: { id: string }) => x.id), [inMine.id]);
    assert.equal((await t.api('GET', `/api/v1/relations/${inTheirs.id}`)).status, 404);
    await assert.rejects(listRelationsForPerson(t.app.ctx, asUser('researcher'), theirs), { name: 'NotFoundError' });

    await t.addMember(theirs, 'researcher', { by: 'coordinator' });
    assert.deepEqual(await ids('researcher'), [inMine.id, inTheirs.id]);
    assert.equal((await t.api('GET', `/api/v1/relations/${inTheirs.id}`)).body.contact.phone, PHONE);
  });

  it('seals contact details at rest: neither the row nor the history holds them, and a moved value fails loudly', async () => {
    const a = await newPerson();
    const b = await newPerson();
    const first = await relate(a, b, { contact: { phone: PHONE, email: 'sealed.sister@example.org' } });
    const second = await relate(a, b, { contact: { phone: '+86 139 0000 9999' } });
    const db = t.app.ctx.db;
    const rows = await db.selectFrom('relations').select(['id', 'contact']).where('id', 'in', [first.id, second.id]).orderBy('id').execute();
    for (const row of rows) {
      assert.match(row.contact!, /^vs1\./);
      assert.doesNotMatch(row.contact!, /555|example\.org|9999/);
    }
    const revisions = await db.selectFrom('revisions').select(['changes']).where('entity_id', '=', first.id).execute();
    assert.ok(revisions.every((row) => !row.changes.includes('555') && !row.changes.includes('sealed.sister')));
    // A sealed value copied onto another row does not open there: an error, never the other relative's phone.
    await db.updateTable('relations').set({ contact: rows[0]!.contact }).where('id', '=', second.id).execute();
    const tampered = await t.api('GET', `/api/v1/relations/${second.id}`);
    assert.equal(tampered.status, 500);
    assert.equal(tampered.body.error.code, 'tampered');
    assert.doesNotMatch(tampered.text, /555/);
    await db.updateTable('relations').set({ contact: rows[1]!.contact }).where('id', '=', second.id).execute();
    assert.equal((await t.api('GET', `/api/v1/relations/${second.id}`)).body.contact.phone, '+86 139 0000 9999');
  });

  it("gives its edit and retract pages only to those who may change the case: 404 to a non-member, 403 to a reading member", async () => {
    await prepareSessions(t);
    const web = webClient(t);
    const a = await newPerson();
    const b = await newPerson();
    const r = await relate(a, b, { contact: { phone: PHONE } });
    const edit = await web.get(`/relations/${r.id}/edit`);
    assert.equal(edit.status, 200);
    assert.equal(inputValue(edit.html, 'contact.phone'), PHONE);
    for (const path of [`/relations/${r.id}/edit`, `/relations/${r.id}/retract`]) {
      const stranger = await web.get(path, session(t, 'coordinator'));
      assert.equal(stranger.status, 404, path);
      assert.ok(!stranger.html.includes('555'), path);
    }
    const post = await web.post(`/relations/${r.id}/retract`, { reason: 'a stranger tries', version: '1' }, session(t, 'coordinator'));
    assert.equal(post.status, 404);
    await t.addMember(a, 'coordinator', { caseRole: 'viewer' });
    for (const path of [`/relations/${r.id}/edit`, `/relations/${r.id}/retract`]) {
      const reader = await web.get(path, session(t, 'coordinator'));
      assert.equal(reader.status, 403, path);
      assert.ok(!reader.html.includes('555'), path);
    }
    assert.equal((await web.post(`/relations/${r.id}/retract`, { reason: 'a reader tries', version: '1' }, session(t, 'coordinator'))).status, 403);
    assert.equal((await t.api('GET', `/api/v1/relations/${r.id}`)).body.retracted, false);
  });
});
