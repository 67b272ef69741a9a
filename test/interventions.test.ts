import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal, Role } from '../src/auth/roles.ts';
import { addDays, defaultFollowUp, followUpAfter, isBackwardMove } from '../src/interventions/follow-up.ts';
import { up as backfillFollowUps } from '../src/db/migrations/2026-11-29T1740-follow-up-backfill.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { listInterventionsForPerson } from '../src/interventions/interventions.service.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { editPost, prepareSessions, session, webClient } from './helpers/web-client.ts';

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
  const researcher = (): Principal => ({ userId: t.users.researcher.id, tokenId: null, actor: `user:${t.users.researcher.id}`, role: 'researcher', name: null, readOnly: false });
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
    assert.deepEqual((await listInterventionsForPerson(t.app.ctx, researcher(), personId)).map((x) => x.id), [early, middle, late, undated]);
    assert.deepEqual(
      (await listInterventionsForPerson(t.app.ctx, researcher(), personId, { includeRetracted: true })).map((x) => x.id),
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
    await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
    assert.equal((await t.api('GET', `/api/v1/interventions/${i.id}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/interventions', { body: appeal(personId), token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { status: 'closed', version: 1 }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/interventions/${MISSING}`)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/interventions/123-abc')).status, 400);
  });
});

describe(`interventions: need-to-know and sealing (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
  const NOTE = 'Sent through the embassy contact Dana K.';
  const RESPONSE = 'Ministry replied: "no such person in custody".';
  const newPerson = async (by: Role = 'researcher', extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await t.api('POST', '/api/v1/persons', { body: personInput(extra), token: t.tokens[by] });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  };
  const asUser = (role: Role): Principal => ({ userId: t.users[role].id, tokenId: null, actor: `user:${t.users[role].id}`, role, name: null, readOnly: false });
  const log = async (personId: string, by: Role = 'researcher', extra: Record<string, unknown> = {}) => {
    const res = await t.api('POST', '/api/v1/interventions', {
      token: t.tokens[by],
      body: { person_id: personId, type: 'embassy', addressee: 'Embassy in Astana', date: '2026-09-30', status: 'sent', note: NOTE, ...extra },
    });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; case_id: string };
  };

  it('is not there for a non-member: 404 on read, change and retraction, left out of lists', async () => {
    const personId = await newPerson();
    const i = await log(personId);
    const missing = await t.api('GET', `/api/v1/interventions/${MISSING}`, { token: t.tokens.coordinator });
    for (const role of ['coordinator', 'admin', 'viewer'] as const) {
      const token = t.tokens[role];
      const read = await t.api('GET', `/api/v1/interventions/${i.id}`, { token });
      assert.equal(read.status, 404, role);
      assert.deepEqual(read.body, missing.body, `${role}: the same answer as for one that does not exist`);
      if (role !== 'viewer') {
        assert.equal((await t.api('PATCH', `/api/v1/interventions/${i.id}`, { token, body: { status: 'closed', version: 1 } })).status, 404, role);
        assert.equal((await t.api('POST', `/api/v1/interventions/${i.id}/retract`, { token, body: { reason: 'guessing ids' } })).status, 404, role);
      }
      assert.deepEqual((await t.api('GET', `/api/v1/interventions?person_id=${personId}`, { token })).body.items, [], role);
      const all = await t.api('GET', '/api/v1/interventions?limit=200&include_retracted=true', { token });
      assert.ok(!all.body.items.some((x: { id: string }) => x.id === i.id), role);
    }
    await assert.rejects(listInterventionsForPerson(t.app.ctx, asUser('coordinator'), personId), { name: 'NotFoundError' });
    const still = await t.api('GET', `/api/v1/interventions/${i.id}`);
    assert.equal(still.body.version, 1);
    assert.equal(still.body.status, 'sent');
  });

  it("lists only the interventions of cases the reader may read, and a case's members read and write by their case role", async () => {
    const mine = await newPerson();
    const theirs = await newPerson('coordinator');
    const own = await log(mine);
    const other = await log(theirs, 'coordinator');
    const ids = async (role: Role) =>
      (await t.api('GET', '/api/v1/interventions?limit=200', { token: t.tokens[role] })).body.items
        .map((x: { id: string }) => x.id)
        .filter((id: string) => id === own.id || id === other.id);
    assert.deepEqual(await ids('researcher'), [own.id]);
    assert.deepEqual(await ids('coordinator'), [other.id]);
    assert.deepEqual(await ids('viewer'), []);
    await t.addMember(theirs, 'viewer', { caseRole: 'viewer', by: 'coordinator' });
    assert.deepEqual(await ids('viewer'), [other.id]);
    const read = await t.api('GET', `/api/v1/interventions/${other.id}`, { token: t.tokens.viewer });
    assert.equal(read.body.note, NOTE, 'the note is internal, not secret: a member viewer reads it');
    assert.equal((await t.api('PATCH', `/api/v1/interventions/${other.id}`, { token: t.tokens.viewer, body: { status: 'closed', version: 1 } })).status, 403);
    // A researcher who is only a viewer of the case reads it but may not log or change anything there.
    await t.addMember(theirs, 'researcher', { caseRole: 'viewer', by: 'coordinator' });
    assert.deepEqual((await listInterventionsForPerson(t.app.ctx, asUser('researcher'), theirs)).map((x) => x.id), [other.id]);
    assert.equal((await t.api('PATCH', `/api/v1/interventions/${other.id}`, { body: { status: 'closed', version: 1 } })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/interventions/${other.id}/retract`, { body: { reason: 'not mine to retract' } })).status, 403);
    const create = await t.api('POST', '/api/v1/interventions', { body: { person_id: theirs, type: 'press' } });
    assert.equal(create.status, 403);
    assert.equal((await t.api('GET', `/api/v1/interventions/${other.id}`)).body.version, 1);
  });

  it('is logged only for a person its author may read: 422 as if there were none, and nothing written', async () => {
    const theirs = await newPerson('coordinator');
    const count = async () => (await t.api('GET', '/api/v1/interventions?limit=200&include_retracted=true', { token: t.tokens.coordinator })).body.items.length;
    const before = await count();
    const toMissing = await t.api('POST', '/api/v1/interventions', { body: { person_id: MISSING, type: 'press' } });
    const toTheirs = await t.api('POST', '/api/v1/interventions', { body: { person_id: theirs, type: 'press' } });
    assert.equal(toTheirs.status, 422);
    assert.deepEqual(toTheirs.body, toMissing.body, 'an unreadable person reads exactly like a missing one');
    assert.equal(await count(), before);
  });

  it("is filed under its person's case: one logged for a relative belongs to the case the relative is filed in", async () => {
    const victim = await newPerson();
    const sister = await newPerson('researcher', { case_id: victim });
    const i = await log(sister, 'researcher', { type: 'family_petition' });
    assert.equal(i.case_id, victim);
    await t.addMember(victim, 'coordinator', { caseRole: 'viewer' });
    assert.equal((await t.api('GET', `/api/v1/interventions/${i.id}`, { token: t.tokens.coordinator })).status, 200);
    const history = await t.api('GET', `/api/v1/persons/${victim}/history`);
    assert.ok(history.body.items.some((x: { entity: string; entity_id: string }) => x.entity === 'intervention' && x.entity_id === i.id));
  });

  it('seals note and response at rest: neither the row nor the history holds them, and an edited value fails loudly', async () => {
    const personId = await newPerson();
    const i = await log(personId, 'researcher', { response: RESPONSE });
    const patched = await t.api('PATCH', `/api/v1/interventions/${i.id}`, { body: { note: `${NOTE} Second letter.`, version: 1 } });
    assert.equal(patched.status, 200);
    const db = t.app.ctx.db;
    const row = await db.selectFrom('interventions').select(['note', 'response', 'addressee']).where('id', '=', i.id).executeTakeFirstOrThrow();
    for (const sealed of [row.note!, row.response!]) {
      assert.match(sealed, /^vs1\./);
      assert.doesNotMatch(sealed, /Dana|Ministry|Second letter/);
    }
    const revisions = await db.selectFrom('revisions').select(['changes']).where('entity_id', '=', i.id).execute();
    assert.equal(revisions.length, 2);
    assert.ok(revisions.every((r) => !/Dana|Ministry/.test(r.changes)));
    const read = await t.api('GET', `/api/v1/interventions/${i.id}`);
    assert.equal(read.body.note, `${NOTE} Second letter.`);
    assert.equal(read.body.response, RESPONSE);
    // One character of the stored response changed: an error, never a garbled text.
    const edited = `${row.response!.slice(0, -2)}${row.response!.at(-2) === 'A' ? 'B' : 'A'}${row.response!.at(-1)}`;
    await db.updateTable('interventions').set({ response: edited }).where('id', '=', i.id).execute();
    const tampered = await t.api('GET', `/api/v1/interventions/${i.id}`);
    assert.equal(tampered.status, 500);
    assert.equal(tampered.body.error.code, 'tampered');
    await db.updateTable('interventions').set({ response: row.response }).where('id', '=', i.id).execute();
    assert.equal((await t.api('GET', `/api/v1/interventions/${i.id}`)).body.response, RESPONSE);
  });

  it('gives its edit and retract pages only to those who may change the case: 404 to a non-member, 403 to a reading member', async () => {
    await prepareSessions(t);
    const web = webClient(t);
    const personId = await newPerson();
    const i = await log(personId);
    const edit = await web.get(`/interventions/${i.id}/edit`);
    assert.equal(edit.status, 200);
    assert.ok(edit.html.includes('Dana K.'));
    for (const path of [`/interventions/${i.id}/edit`, `/interventions/${i.id}/retract`]) {
      const stranger = await web.get(path, session(t, 'coordinator'));
      assert.equal(stranger.status, 404, path);
      assert.ok(!stranger.html.includes('Dana'), path);
    }
    assert.equal((await web.post(`/interventions/${i.id}/retract`, { reason: 'a stranger tries', version: '1' }, session(t, 'coordinator'))).status, 404);
    await t.addMember(personId, 'coordinator', { caseRole: 'viewer' });
    for (const path of [`/interventions/${i.id}/edit`, `/interventions/${i.id}/retract`]) assert.equal((await web.get(path, session(t, 'coordinator'))).status, 403, path);
    assert.equal((await web.post(`/interventions/${i.id}/retract`, { reason: 'a reader tries', version: '1' }, session(t, 'coordinator'))).status, 403);
    assert.equal((await t.api('GET', `/api/v1/interventions/${i.id}`)).body.retracted, false);
  });
});

describe('follow-up rules (pure)', () => {
  it('defaults to the send date plus 7 days for urgent appeals and letters to the authorities, plus 14 otherwise', () => {
    assert.equal(defaultFollowUp('wgeid_urgent', '2026-09-26'), '2026-10-03');
    assert.equal(defaultFollowUp('letter_to_authorities', '2026-12-28'), '2027-01-04');
    assert.equal(defaultFollowUp('embassy', '2026-02-20'), '2026-03-06');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    const after = (before: { status: string; follow_up_on: string | null } | null, status: string, given?: string | null) =>
      followUpAfter({ type: 'press', before, status, given, sentOn: '2026-10-01' });
    assert.equal(after(null, 'draft'), null);
    assert.equal(after(null, 'sent'), '2026-10-15');
    assert.equal(after(null, 'sent', '2026-10-05'), '2026-10-05');
    assert.equal(after(null, 'sent', null), null, 'cleared on purpose stays cleared');
    assert.equal(after({ status: 'draft', follow_up_on: null }, 'sent'), '2026-10-15');
    assert.equal(after({ status: 'sent', follow_up_on: '2026-10-09' }, 'acknowledged'), '2026-10-09');
    assert.equal(after({ status: 'sent', follow_up_on: null }, 'sent'), null, 'only starting to wait sets the default');
    // Skipping `sent` is still waiting on an answer: chased all the same.
    assert.equal(after(null, 'acknowledged'), '2026-10-15', 'created as acknowledged');
    assert.equal(after({ status: 'draft', follow_up_on: null }, 'acknowledged'), '2026-10-15', 'draft straight to acknowledged');
    assert.equal(after({ status: 'sent', follow_up_on: null }, 'acknowledged'), null, 'already waiting: no new default');
    assert.equal(after({ status: 'draft', follow_up_on: null }, 'responded'), null);
    assert.equal(after({ status: 'acknowledged', follow_up_on: '2026-10-09' }, 'responded'), null);
    assert.equal(after({ status: 'sent', follow_up_on: '2026-10-09' }, 'closed', '2026-11-01'), null, 'ignored once closed');
  });

  it('moves forward only', () => {
    assert.equal(isBackwardMove('sent', 'draft'), true);
    assert.equal(isBackwardMove('closed', 'acknowledged'), true);
    assert.equal(isBackwardMove('draft', 'closed'), false, 'steps may be skipped');
    assert.equal(isBackwardMove('sent', 'sent'), false);
  });
});

describe(`interventions: follow-up reminders and the dashboard (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock('2026-10-01T08:00:00.000Z');
  const DAY = 24 * 3600_000;
  before(async () => {
    t = await startTestApp({ clock });
    await prepareSessions(t);
  });
  after(async () => {
    await t?.stop();
  });

  const newPerson = async (token = t.tokens.researcher): Promise<string> => (await t.api('POST', '/api/v1/persons', { body: personInput(), token })).body.id;
  const post = async (body: Record<string, unknown>, token = t.tokens.researcher) => {
    const r = await t.api('POST', '/api/v1/interventions', { body: { type: 'embassy', addressee: 'Embassy', ...body }, token });
    assert.equal(r.status, 201, r.text);
    return r.body as { id: string; follow_up_on: string | null; version: number };
  };

  it('sets the follow-up day on sending, keeps a given one, clears it once answered, and refuses going back (422)', async () => {
    const person = await newPerson();
    assert.equal((await post({ person_id: person, type: 'wgeid_urgent', status: 'sent', date: '2026-09-26' })).follow_up_on, '2026-10-03');
    assert.equal((await post({ person_id: person, status: 'sent' })).follow_up_on, '2026-10-15', 'undated: sent today');
    assert.equal((await post({ person_id: person, type: 'letter_to_authorities', status: 'sent', follow_up_on: '2026-10-02' })).follow_up_on, '2026-10-02');
    const draft = await post({ person_id: person, type: 'letter_to_authorities' });
    assert.equal(draft.follow_up_on, null);
    const sent = await t.api('PATCH', `/api/v1/interventions/${draft.id}`, { body: { status: 'sent', version: 1 } });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.body.follow_up_on, '2026-10-08');
    const moved = await t.api('PATCH', `/api/v1/interventions/${draft.id}`, { body: { follow_up_on: '2026-10-20', version: 2 } });
    assert.equal(moved.body.follow_up_on, '2026-10-20');
    const ack = await t.api('PATCH', `/api/v1/interventions/${draft.id}`, { body: { status: 'acknowledged', version: 3 } });
    assert.equal(ack.body.follow_up_on, '2026-10-20');
    const back = await t.api('PATCH', `/api/v1/interventions/${draft.id}`, { body: { status: 'sent', version: 4 } });
    assert.equal(back.status, 422, back.text);
    assert.equal(back.body.error.code, 'unprocessable');
    assert.match(back.body.error.fields.status, /cannot go back from acknowledged/);
    assert.equal((await t.api('GET', `/api/v1/interventions/${draft.id}`)).body.version, 4, 'nothing written');
    const responded = await t.api('PATCH', `/api/v1/interventions/${draft.id}`, { body: { status: 'responded', response: 'They replied', version: 4 } });
    assert.equal(responded.status, 200);
    assert.equal(responded.body.follow_up_on, null);
    for (const bad of ['2026-13-01', 'tomorrow', '2026-10-01T00:00:00Z', '<b>', 20261001]) {
      const r = await t.api('PATCH', `/api/v1/interventions/${draft.id}`, { body: { follow_up_on: bad, version: 5 } });
      assert.equal(r.status, 400, `${bad}: ${r.text}`);
      assert.ok(r.body.error.fields.follow_up_on);
    }
    // The edit page offers the field and, posted back without JavaScript, refuses going back with the message beside it.
    const web = webClient(t);
    const page = await web.get(`/interventions/${draft.id}/edit`);
    assert.ok(page.html.includes('name="follow_up_on"'));
    const action = `/interventions/${draft.id}/edit`;
    const refused = await web.post(action, editPost(page.html, action, { status: 'draft' }));
    assert.equal(refused.status, 422, refused.html.slice(0, 300));
    assert.ok(refused.html.includes('cannot go back from responded'), 'the message is on the page');
    const unchanged = (await t.api('GET', `/api/v1/interventions/${draft.id}`)).body;
    assert.deepEqual([unchanged.version, unchanged.status], [5, 'responded'], 'nothing written');
  });

  it('a draft saved earlier and sent later (no new day given) is chased from the day it is sent, not the day it was saved', async () => {
    const person = await newPerson();
    // Through the edit form (sessions live only so long: today, 2026-10-01), which resends nothing unchanged:
    // a press draft saved on 2026-09-17 is chased two weeks from today, not from then.
    const press = await post({ person_id: person, type: 'press', date: '2026-09-17' });
    const web = webClient(t);
    const action = `/interventions/${press.id}/edit`;
    const page = await web.get(action);
    const saved = await web.post(action, editPost(page.html, action, { status: 'sent' }));
    assert.equal(saved.status, 303, saved.html.slice(0, 300));
    const pressNow = (await t.api('GET', `/api/v1/interventions/${press.id}`)).body;
    assert.deepEqual([pressNow.status, pressNow.date, pressNow.follow_up_on], ['sent', '2026-09-17', '2026-10-15']);
    // Saved on 2026-10-01 (the draft's day), sent a fortnight later.
    const draft = await post({ person_id: person, type: 'letter_to_authorities', date: '2026-10-01' });
    clock.advance(14 * DAY);
    try {
      const sent = await t.api('PATCH', `/api/v1/interventions/${draft.id}`, { body: { status: 'sent', version: 1 } });
      assert.equal(sent.status, 200, sent.text);
      assert.equal(sent.body.follow_up_on, '2026-10-22', 'a week after 2026-10-15');
      // A send day given in the same change counts from that day.
      const dated = await post({ person_id: person, type: 'press', date: '2026-10-01' });
      const withDay = await t.api('PATCH', `/api/v1/interventions/${dated.id}`, { body: { status: 'sent', date: '2026-10-10', version: 1 } });
      assert.equal(withDay.body.follow_up_on, '2026-10-24');
      // Straight from draft to acknowledged is chased too.
      const skipped = await post({ person_id: person, type: 'press' });
      const ack = await t.api('PATCH', `/api/v1/interventions/${skipped.id}`, { body: { status: 'acknowledged', version: 1 } });
      assert.equal(ack.body.follow_up_on, '2026-10-29');
      assert.equal((await post({ person_id: person, type: 'press', status: 'acknowledged', date: '2026-10-05' })).follow_up_on, '2026-10-19', 'created as acknowledged');
    } finally {
      clock.advance(-14 * DAY);
    }
  });

  it('the T1740 migration gives every sent or acknowledged intervention without a follow-up day one, and touches no other', async () => {
    const person = await newPerson();
    const rows = {
      dated: await post({ person_id: person, type: 'wgeid_urgent', status: 'sent', date: '2026-09-03' }),
      undated: await post({ person_id: person, type: 'press', status: 'acknowledged' }),
      given: await post({ person_id: person, type: 'press', status: 'sent', follow_up_on: '2026-12-01' }),
      draft: await post({ person_id: person, type: 'press' }),
      answered: await post({ person_id: person, type: 'press', status: 'responded', date: '2026-09-03' }),
    };
    // As they stood before follow-ups were set on every send.
    const ids = [rows.dated.id, rows.undated.id, rows.draft.id, rows.answered.id];
    await t.app.ctx.db.updateTable('interventions').set({ follow_up_on: null }).where('id', 'in', ids).execute();
    await backfillFollowUps(t.app.ctx.db);
    const followUpOf = async (id: string) => (await t.api('GET', `/api/v1/interventions/${id}`)).body.follow_up_on;
    assert.equal(await followUpOf(rows.dated.id), '2026-09-10', 'its own day plus a week (urgent)');
    assert.equal(await followUpOf(rows.undated.id), '2026-10-15', 'the day it was recorded plus two weeks');
    assert.equal(await followUpOf(rows.given.id), '2026-12-01');
    assert.equal(await followUpOf(rows.draft.id), null);
    assert.equal(await followUpOf(rows.answered.id), null);
    // Out of the next test's way: the dated one is due.
    assert.equal((await t.api('POST', `/api/v1/interventions/${rows.dated.id}/retract`, { body: { reason: 'test data' } })).status, 200);
  });

  it('lists exactly the follow-ups due today in the reader’s cases — API and dashboard — and drafts a week old', async () => {
    const person = await newPerson();
    // A draft recorded eight days ago is "not yet sent"; one from six days ago is not yet listed.
    clock.advance(-8 * DAY);
    const oldDraft = await post({ person_id: person, type: 'press', addressee: 'Old draft desk' });
    clock.advance(2 * DAY);
    await post({ person_id: person, type: 'press', addressee: 'Recent draft desk' });
    clock.advance(6 * DAY);
    const today = await post({ person_id: person, status: 'sent', follow_up_on: '2026-10-01', addressee: 'Due today' });
    const late = await post({ person_id: person, status: 'acknowledged', follow_up_on: '2026-09-30', addressee: 'Overdue' });
    await post({ person_id: person, status: 'sent', follow_up_on: '2026-10-02', addressee: 'Due tomorrow' });
    await post({ person_id: person, status: 'responded', follow_up_on: '2026-09-01', addressee: 'Answered' });
    const retracted = await post({ person_id: person, status: 'sent', follow_up_on: '2026-09-01', addressee: 'Retracted' });
    assert.equal((await t.api('POST', `/api/v1/interventions/${retracted.id}/retract`, { body: { reason: 'logged twice' } })).status, 200);
    // Another case the researcher is not a member of: its follow-up is someone else's.
    const other = await newPerson(t.tokens.coordinator);
    const elsewhere = await post({ person_id: other, status: 'sent', follow_up_on: '2026-09-20', addressee: 'Elsewhere' }, t.tokens.coordinator);

    const due = await t.api('GET', '/api/v1/interventions?follow_up_due=true&limit=200');
    assert.equal(due.status, 200, due.text);
    const ids = (due.body.items as Array<{ id: string }>).map((i) => i.id).sort();
    assert.deepEqual(ids, [oldDraft.id, today.id, late.id].sort());
    const theirs = (await t.api('GET', '/api/v1/interventions?follow_up_due=true', { token: t.tokens.coordinator })).body.items.map((i: { id: string }) => i.id);
    assert.deepEqual(theirs, [elsewhere.id]);
    assert.equal((await t.api('GET', '/api/v1/interventions?follow_up_due=maybe')).status, 400);

    const shownOn = async (role: Role) => {
      const home = await webClient(t).get('/', session(t, role));
      assert.equal(home.status, 200);
      const section = /<section class="panel" id="follow-ups"[\s\S]*?<\/section>/.exec(home.html)?.[0] ?? '';
      assert.ok(section, 'the dashboard has the section');
      const order = [...section.matchAll(/data-intervention="([^"]+)"/g)].map((m) => m[1]);
      return { section, order, ids: [...order].sort() };
    };
    const mine = await shownOn('researcher');
    assert.deepEqual(mine.ids, [oldDraft.id, today.id, late.id].sort());
    // Soonest first: by follow-up day, a draft by the day it was recorded (2026-09-23, 2026-09-30, 2026-10-01).
    assert.deepEqual(mine.order, [oldDraft.id, late.id, today.id]);
    assert.ok(mine.section.includes(`href="/persons/${person}#intervention-${late.id}"`));
    assert.ok(mine.section.includes('draft since 2026-09-23, not yet sent'));
    assert.ok(mine.section.includes('follow up since 2026-09-30'));
    assert.deepEqual((await shownOn('coordinator')).ids, [elsewhere.id]);
    assert.deepEqual((await shownOn('viewer')).ids, []);

    // A day later, tomorrow's is due too.
    clock.advance(DAY);
    try {
      assert.equal((await t.api('GET', '/api/v1/interventions?follow_up_due=true&limit=200')).body.items.length, 5);
    } finally {
      clock.advance(-DAY);
    }
  });
});
