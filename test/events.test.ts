import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal, Role } from '../src/auth/roles.ts';
import { listEventsForPerson } from '../src/events/events.service.ts';
import { NotFoundError } from '../src/lib/errors.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`events API (${BACKEND})`, () => {
  let t: TestApp;
  let police: string;
  let court: string;
  let source: string;
  before(async () => {
    t = await startTestApp();
    police = (await t.api('POST', '/api/v1/actors', { body: { name: 'Ghulja City PSB', type: 'police' } })).body.id;
    court = (await t.api('POST', '/api/v1/actors', { body: { name: 'Ili Intermediate Court', type: 'court' } })).body.id;
    source = (await t.api('POST', '/api/v1/sources', { body: { kind: 'testimony', title: 'Sister, by phone' } })).body.id;
  });
  after(async () => {
    await t.stop();
  });

  const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
  const as = (role: Role) => ({ token: t.tokens[role] });
  const principal = (role: Role): Principal => ({ userId: t.users[role].id, tokenId: null, actor: `user:${t.users[role].id}`, role, name: null, readOnly: false });
  const newPerson = async (): Promise<string> => (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
  const countEvents = async () => (await t.api('GET', '/api/v1/events?limit=200&include_retracted=true')).body.items.length;
  const arrest = (victimId: string, overrides: Record<string, unknown> = {}) => ({
    title: 'Night arrest at home',
    date: '2021-02-19',
    place: 'Ghulja',
    description: 'Taken from home by four officers.',
    acts: [
      {
        type: 'arrest',
        victim_id: victimId,
        perpetrators: [
          { actor_id: police, involvement: 'direct' },
          { actor_id: court, involvement: 'ordered' },
        ],
        date: '2021-02-19',
        place: 'home, Ghulja',
        status_at_end: 'detained',
        citations: [{ source_id: source, hand: 'first_hand', note: 'she saw it' }],
      },
    ],
    citations: [{ source_id: source, hand: 'second_hand' }],
    ...overrides,
  });

  it('creates an event with acts, perpetrators and citations, filed under the first victim', async () => {
    const victim = await newPerson();
    const created = await t.api('POST', '/api/v1/events', { body: arrest(victim) });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    const read = await t.api('GET', `/api/v1/events/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    const e = read.body;
    assert.equal(e.person_id, victim);
    assert.equal(e.title, 'Night arrest at home');
    assert.equal(e.date, '2021-02-19');
    assert.equal(e.acts.length, 1);
    const [act] = e.acts;
    assert.equal(act.type, 'arrest');
    assert.equal(act.victim_id, victim);
    assert.deepEqual(act.perpetrators, [
      { actor_id: police, involvement: 'direct' },
      { actor_id: court, involvement: 'ordered' },
    ]);
    assert.equal(act.status_at_end, 'detained');
    assert.deepEqual(
      act.citations.map((c: { source_id: string; hand: string; note: string }) => [c.source_id, c.hand, c.note]),
      [[source, 'first_hand', 'she saw it']],
    );
    assert.deepEqual(
      e.citations.map((c: { source_id: string; hand: string }) => [c.source_id, c.hand]),
      [[source, 'second_hand']],
    );
    assert.equal(e.retracted, false);
    assert.equal(e.version, 1);
  });

  it('files under an explicit case, defaults involvement to unknown and allows an event without acts', async () => {
    const caseId = await newPerson();
    const victim = await newPerson();
    const created = await t.api('POST', '/api/v1/events', {
      body: { title: 'Raid', person_id: caseId, acts: [{ type: 'raid', victim_id: victim, perpetrators: [{ actor_id: police }] }] },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.person_id, caseId);
    assert.equal(created.body.acts[0].perpetrators[0].involvement, 'unknown');
    const bare = await t.api('POST', '/api/v1/events', { body: { title: 'Mass detentions in the village', date: '2017-04/2017-06' } });
    assert.equal(bare.status, 201);
    assert.equal(bare.body.person_id, null);
    assert.deepEqual(bare.body.acts, []);
    assert.equal(bare.body.date, '2017-04/2017-06');
  });

  it('answers 422 naming every bad reference, and writes nothing', async () => {
    const victim = await newPerson();
    const retired = await newPerson();
    await t.api('POST', `/api/v1/persons/${retired}/retract`, { body: { reason: 'entered twice' } });
    const goneActor = (await t.api('POST', '/api/v1/actors', { body: { name: 'Gone', type: 'other' } })).body.id;
    await t.api('POST', `/api/v1/actors/${goneActor}/retract`, { body: { reason: 'not a real body' } });
    const before = await countEvents();
    const res = await t.api('POST', '/api/v1/events', {
      body: {
        title: 'Bad refs',
        person_id: retired,
        acts: [
          { type: 'arrest', victim_id: MISSING, perpetrators: [{ actor_id: police }, { actor_id: goneActor }] },
          { type: 'threat', victim_id: victim, perpetrators: [{ actor_id: MISSING }] },
        ],
      },
    });
    assert.equal(res.status, 422);
    assert.deepEqual(Object.keys(res.body.error.fields).sort(), [
      'acts.0.perpetrators.1.actor_id',
      'acts.0.victim_id',
      'acts.1.perpetrators.0.actor_id',
      'person_id',
    ]);
    const badSource = await t.api('POST', '/api/v1/events', {
      body: arrest(victim, { citations: [], acts: [{ type: 'arrest', victim_id: victim, citations: [{ source_id: MISSING }] }] }),
    });
    assert.equal(badSource.status, 422);
    assert.ok(badSource.body.error.fields['acts.0.citations.0.source_id']);
    const badEventSource = await t.api('POST', '/api/v1/events', { body: arrest(victim, { citations: [{ source_id: MISSING }] }) });
    assert.equal(badEventSource.status, 422);
    assert.ok(badEventSource.body.error.fields['citations.0.source_id']);
    const retiredSource = (await t.api('POST', '/api/v1/sources', { body: { kind: 'social_media', title: 'Deleted post' } })).body.id;
    await t.api('POST', `/api/v1/sources/${retiredSource}/retract`, { body: { reason: 'fabricated screenshot' } });
    const citesRetracted = await t.api('POST', '/api/v1/events', { body: arrest(victim, { citations: [{ source_id: retiredSource }] }) });
    assert.equal(citesRetracted.status, 422);
    assert.ok(citesRetracted.body.error.fields['citations.0.source_id']);
    assert.equal(await countEvents(), before);
    const citations = await t.app.ctx.db.selectFrom('citations').select('id').where('source_id', '=', MISSING).execute();
    assert.equal(citations.length, 0);
  });

  it("lists a person's events — filed under the case or naming the person as victim — by date, undated last", async () => {
    const subject = await newPerson();
    const other = await newPerson();
    const post = async (body: Record<string, unknown>) => (await t.api('POST', '/api/v1/events', { body })).body.id as string;
    const later = await post({ title: 'Sentencing', date: '2022-11', person_id: subject });
    const undated = await post({ title: 'Undated summons', person_id: subject });
    const byAct = await post({ title: 'Relative questioned', person_id: other, acts: [{ type: 'summons', victim_id: subject, date: '2019~' }] });
    const early = await post({ title: 'First harassment', date: '2018-03-01', person_id: subject });
    const sameDayLater = await post({ title: 'Same day, recorded later', date: '2022-11-01', person_id: subject });
    await post({ title: 'Unrelated', date: '2010', person_id: other });
    const retracted = await post({ title: 'Wrong', date: '2015', person_id: subject });
    await t.api('POST', `/api/v1/events/${retracted}/retract`, { body: { reason: 'entered on wrong file' } });

    const expected = [early, byAct, later, sameDayLater, undated];
    const all = await t.api('GET', `/api/v1/events?person_id=${subject}`);
    assert.deepEqual(all.body.items.map((e: { id: string }) => e.id), expected);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string }>; next_cursor: string | null } } = await t.api(
        'GET',
        `/api/v1/events?person_id=${subject}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, expected);

    const direct = await listEventsForPerson(t.app.ctx, principal('researcher'), subject);
    assert.deepEqual(direct.map((e) => e.id), expected);
    await assert.rejects(listEventsForPerson(t.app.ctx, principal('coordinator'), subject), NotFoundError, "a non-member is told the case's person does not exist");
    const withRetracted = await listEventsForPerson(t.app.ctx, principal('researcher'), subject, { includeRetracted: true });
    assert.deepEqual(withRetracted.map((e) => e.id), [retracted, early, byAct, later, sameDayLater, undated]);
    assert.equal((await t.api('GET', '/api/v1/events?cursor=WyJ4Il0')).status, 400);
  });

  it('replaces acts wholesale on PATCH, keeps the old ones in history and retracts their citations', async () => {
    const victim = await newPerson();
    const { body: e } = await t.api('POST', '/api/v1/events', { body: arrest(victim) });
    const oldActId = e.acts[0].id;
    const patched = await t.api('PATCH', `/api/v1/events/${e.id}`, {
      headers: { 'if-match': '"1"' },
      body: {
        title: 'Arrest and transfer to camp',
        acts: [
          { type: 'arrest', victim_id: victim, perpetrators: [{ actor_id: police, involvement: 'direct' }], date: '2021-02-19', status_at_end: 'detained' },
          { type: 'detention', victim_id: victim, date: '2021-03~', status_at_end: 'camp' },
        ],
      },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.headers.get('etag'), '"2"');
    assert.equal(patched.body.title, 'Arrest and transfer to camp');
    assert.deepEqual(patched.body.acts.map((a: { type: string }) => a.type), ['arrest', 'detention']);
    assert.ok(!patched.body.acts.some((a: { id: string }) => a.id === oldActId));
    assert.deepEqual(patched.body.citations.map((c: { source_id: string }) => c.source_id), [source], 'event citations untouched');
    const oldCitations = await t.app.ctx.db.selectFrom('citations').select(['retracted_at']).where('target_id', '=', oldActId).execute();
    assert.equal(oldCitations.length, 1);
    assert.notEqual(oldCitations[0]!.retracted_at, null);

    const history = await t.api('GET', `/api/v1/persons/${victim}/history`);
    const mine = history.body.items.filter((r: { entity: string; entity_id: string }) => r.entity === 'event' && r.entity_id === e.id);
    assert.deepEqual(mine.map((r: { action: string }) => r.action), ['update', 'create']);
    const change = mine[0].changes;
    assert.deepEqual(change.title, { from: 'Night arrest at home', to: 'Arrest and transfer to camp' });
    assert.equal(change.acts.from.length, 1);
    assert.deepEqual(change.acts.from[0].citations, [{ source_id: source, hand: 'first_hand', field: null, note: 'she saw it' }]);
    assert.deepEqual(change.acts.to.map((a: { status_at_end: string }) => a.status_at_end), ['detained', 'camp']);
    assert.equal(change.citations, undefined);

    const same = await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { title: 'Arrest and transfer to camp', version: 2 } });
    assert.equal(same.body.version, 2, 'no change, no new version');
    const stale = await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { title: 'Stale', version: 1 } });
    assert.equal(stale.status, 409);
    const blind = await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { title: 'Blind' } });
    assert.equal(blind.status, 400);
    const badActor = await t.api('PATCH', `/api/v1/events/${e.id}`, {
      body: { acts: [{ type: 'arrest', victim_id: victim, perpetrators: [{ actor_id: MISSING }] }], version: 2 },
    });
    assert.equal(badActor.status, 422);
    assert.ok(badActor.body.error.fields['acts.0.perpetrators.0.actor_id']);
    const now = await t.api('GET', `/api/v1/events/${e.id}`);
    assert.equal(now.body.version, 2);
    assert.equal(now.body.acts.length, 2);
  });

  it('replaces citations, moves the event to another case and records it there', async () => {
    const victim = await newPerson();
    const other = await newPerson();
    const { body: e } = await t.api('POST', '/api/v1/events', { body: arrest(victim) });
    const patched = await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { person_id: other, citations: [], version: 1 } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.person_id, other);
    assert.deepEqual(patched.body.citations, []);
    assert.equal(patched.body.acts[0].citations.length, 1);
    const history = await t.api('GET', `/api/v1/persons/${other}/history`);
    const update = history.body.items.find((r: { entity_id: string }) => r.entity_id === e.id);
    assert.deepEqual(update.changes.person_id, { from: victim, to: other });
    assert.equal(update.changes.citations.to.length, 0);
    const victimEvents = await t.api('GET', `/api/v1/events?person_id=${victim}`);
    assert.ok(victimEvents.body.items.some((x: { id: string }) => x.id === e.id), 'still listed for the victim');
  });

  it("shows an event filed under one case in the history of every victim", async () => {
    const filedUnder = await newPerson();
    const victim = await newPerson();
    const { body: e } = await t.api('POST', '/api/v1/events', {
      body: { title: 'Night raid on the village', date: '2018-04~', person_id: filedUnder, acts: [{ type: 'raid', victim_id: victim }] },
    });
    assert.equal(e.person_id, filedUnder);
    const history = await t.api('GET', `/api/v1/persons/${victim}/history`);
    assert.ok(history.body.items.some((r: { entity: string; entity_id: string; action: string }) => r.entity === 'event' && r.entity_id === e.id && r.action === 'create'));
  });

  it('retracts with a reason and refuses later edits', async () => {
    const victim = await newPerson();
    const { body: e } = await t.api('POST', '/api/v1/events', { body: arrest(victim) });
    const short = await t.api('POST', `/api/v1/events/${e.id}/retract`, { body: { reason: 'x' } });
    assert.equal(short.status, 400);
    const retracted = await t.api('POST', `/api/v1/events/${e.id}/retract`, { body: { reason: 'confused with another arrest', version: 1 } });
    assert.equal(retracted.status, 200);
    assert.equal(retracted.body.retracted, true);
    assert.equal(retracted.body.retraction_reason, 'confused with another arrest');
    assert.equal((await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { title: 'x', version: 2 } })).status, 409);
    assert.equal((await t.api('POST', `/api/v1/events/${e.id}/retract`, { body: { reason: 'again please' } })).status, 409);
    const history = await t.api('GET', `/api/v1/persons/${victim}/history`);
    assert.equal(history.body.items[0].action, 'retract');
    assert.equal(history.body.items[0].reason, 'confused with another arrest');
    const listed = await t.api('GET', `/api/v1/events?person_id=${victim}`);
    assert.deepEqual(listed.body.items, []);
  });

  it('rejects malformed, wrong-type, unknown-field and oversized input and writes nothing', async () => {
    const victim = await newPerson();
    const before = await countEvents();
    const act = (overrides: Record<string, unknown>) => ({ title: 't', acts: [{ type: 'arrest', victim_id: victim, ...overrides }] });
    const cases: Array<[string, { body?: unknown; raw?: string }, number, string?]> = [
      ['malformed JSON', { raw: '{"title": "x", "acts": [' }, 400],
      ['no title', { body: { date: '2021' } }, 400, 'title'],
      ['blank title', { body: { title: ' \t ' } }, 400, 'title'],
      ['bad date', { body: { title: 't', date: 'last spring' } }, 400, 'date'],
      ['acts not array', { body: { title: 't', acts: { type: 'arrest' } } }, 400, 'acts'],
      ['unknown act type', { body: act({ type: 'interrogation' }) }, 400, 'acts.0.type'],
      ['no victim', { body: { title: 't', acts: [{ type: 'arrest' }] } }, 400, 'acts.0.victim_id'],
      ['victim not an id', { body: act({ victim_id: 42 }) }, 400, 'acts.0.victim_id'],
      ['status_at_end unknown', { body: act({ status_at_end: 'vanished' }) }, 400, 'acts.0.status_at_end'],
      ['bad involvement', { body: act({ perpetrators: [{ actor_id: police, involvement: 'maybe' }] }) }, 400, 'acts.0.perpetrators.0.involvement'],
      ['unknown perpetrator field', { body: act({ perpetrators: [{ actor_id: police, rank: 3 }] }) }, 400, 'acts.0.perpetrators.0.rank'],
      ['unknown act field', { body: act({ weapon: 'baton' }) }, 400, 'acts.0.weapon'],
      ['unknown event field', { body: { title: 't', severity: 9 } }, 400, 'severity'],
      ['bad act date', { body: act({ date: '2021-02-30' }) }, 400, 'acts.0.date'],
      ['bad citation hand', { body: act({ citations: [{ source_id: source, hand: 'third_hand' }] }) }, 400, 'acts.0.citations.0.hand'],
      ['too many acts', { body: { title: 't', acts: Array.from({ length: 101 }, () => ({ type: 'threat', victim_id: victim })) } }, 400, 'acts'],
      ['control character', { body: { title: 'a\u001bb' } }, 400, 'title'],
      ['long description', { body: { title: 't', description: 'x'.repeat(20001) } }, 400, 'description'],
      ['oversized body', { body: { title: 't', description: 'x'.repeat(1_100_000) } }, 413],
    ];
    for (const [label, request, status, field] of cases) {
      const res = await t.api('POST', '/api/v1/events', request);
      assert.equal(res.status, status, label);
      assert.equal(typeof res.body.error.message, 'string', label);
      if (field) assert.ok(res.body.error.fields?.[field], `${label}: ${JSON.stringify(res.body)}`);
    }
    assert.equal(await countEvents(), before);
  });

  it('keeps HTML and invisible characters as given, as JSON data', async () => {
    const victim = await newPerson();
    const title = '<script>alert(1)</script>\u202Egnirrats\u200B';
    const res = await t.api('POST', '/api/v1/events', {
      body: { title, description: '<iframe src="https://evil.example"></iframe>', acts: [{ type: 'threat', victim_id: victim, place: '<b>x</b>' }] },
    });
    assert.equal(res.status, 201);
    const read = await t.api('GET', `/api/v1/events/${res.body.id}`);
    assert.equal(read.body.title, title);
    assert.equal(read.body.description, '<iframe src="https://evil.example"></iframe>');
    assert.equal(read.body.acts[0].place, '<b>x</b>');
  });

  it('needs a token to read and a writer to change', async () => {
    const victim = await newPerson();
    const { body: e } = await t.api('POST', '/api/v1/events', { body: arrest(victim) });
    assert.equal((await t.api('GET', '/api/v1/events', { token: null })).status, 401);
    assert.equal((await t.api('GET', `/api/v1/events/${e.id}`, { token: t.tokens.viewer })).status, 404, 'not a member of the case');
    await t.addMember(victim, 'viewer', { caseRole: 'viewer' });
    assert.equal((await t.api('GET', `/api/v1/events/${e.id}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/events', { body: arrest(victim), token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { title: 'v', version: 1 }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/events/${e.id}/retract`, { body: { reason: 'viewer try' }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/events/${MISSING}`)).status, 404);
    assert.equal((await t.api('GET', '/api/v1/events/1')).status, 400);
  });

  describe('need-to-know', () => {
    /** A case of the researcher's and one of the coordinator's, strangers to each other's. */
    const twoCases = async () => {
      const mine = await newPerson();
      const theirs = (await t.api('POST', '/api/v1/persons', { ...as('coordinator'), body: personInput() })).body.id as string;
      return { mine, theirs };
    };

    it("answers 404 to a non-member for a case's event — read, change and retract alike — and changes nothing", async () => {
      const { mine } = await twoCases();
      const { body: e } = await t.api('POST', '/api/v1/events', { body: arrest(mine) });
      for (const role of ['coordinator', 'viewer', 'admin'] as const) {
        const read = await t.api('GET', `/api/v1/events/${e.id}`, as(role));
        assert.equal(read.status, 404, role);
        assert.doesNotMatch(read.text, /Night arrest/);
      }
      assert.equal((await t.api('PATCH', `/api/v1/events/${e.id}`, { ...as('coordinator'), body: { title: 'Taken over', version: 1 } })).status, 404);
      assert.equal((await t.api('POST', `/api/v1/events/${e.id}/retract`, { ...as('coordinator'), body: { reason: 'not mine to keep' } })).status, 404);
      const now = await t.api('GET', `/api/v1/events/${e.id}`);
      assert.equal(now.body.version, 1);
      assert.equal(now.body.title, 'Night arrest at home');
      await t.addMember(mine, 'coordinator', { caseRole: 'viewer' });
      assert.equal((await t.api('GET', `/api/v1/events/${e.id}`, as('coordinator'))).status, 200);
      assert.equal((await t.api('PATCH', `/api/v1/events/${e.id}`, { ...as('coordinator'), body: { title: 'Viewer edit', version: 1 } })).status, 403);
    });

    it("lists show nobody another case's events; organisation-wide events are for everyone", async () => {
      const { mine, theirs } = await twoCases();
      const ours = (await t.api('POST', '/api/v1/events', { body: { title: 'Summons', person_id: mine } })).body.id;
      const other = (await t.api('POST', '/api/v1/events', { ...as('coordinator'), body: { title: 'Their summons', person_id: theirs } })).body.id;
      const shared = (await t.api('POST', '/api/v1/events', { ...as('coordinator'), body: { title: 'Mass detentions in the county', date: '2017' } })).body.id;
      const listed = async (role: Role, query = '') => {
        const response = await t.api('GET', `/api/v1/events?limit=200${query}`, as(role));
        assert.equal(response.status, 200);
        return new Set(response.body.items.map((item: { id: string }) => item.id));
      };
      const researcher = await listed('researcher');
      assert.ok(researcher.has(ours) && researcher.has(shared) && !researcher.has(other));
      const coordinator = await listed('coordinator');
      assert.ok(coordinator.has(other) && coordinator.has(shared) && !coordinator.has(ours));
      const viewer = await listed('viewer');
      assert.ok(viewer.has(shared) && !viewer.has(ours) && !viewer.has(other));
      assert.equal((await listed('coordinator', `&person_id=${mine}`)).size, 0);
      assert.equal((await t.api('GET', `/api/v1/events/${shared}`, as('viewer'))).status, 200);
    });

    it("never tells a reader who is named in an event when the victim's case is closed to them", async () => {
      const { mine, theirs } = await twoCases();
      await t.addMember(theirs, 'researcher', { by: 'coordinator' });
      const { body: e } = await t.api('POST', '/api/v1/events', {
        body: {
          title: 'Raid on the family home',
          person_id: mine,
          acts: [
            { type: 'raid', victim_id: mine, perpetrators: [{ actor_id: police }], citations: [{ source_id: source, note: 'first account' }] },
            { type: 'arrest', victim_id: theirs, perpetrators: [{ actor_id: police }], place: 'Ghulja', citations: [{ source_id: source, note: 'neighbour saw it' }] },
          ],
        },
      });
      assert.equal(e.acts[1].victim_id, theirs, 'the recorder reads both cases');
      await t.addMember(mine, 'viewer', { caseRole: 'viewer' });
      const asViewer = await t.api('GET', `/api/v1/events/${e.id}`, as('viewer'));
      assert.equal(asViewer.status, 200);
      assert.deepEqual(
        asViewer.body.acts.map((a: { type: string; victim_id: string | null; citations: unknown[] }) => [a.type, a.victim_id, a.citations.length]),
        [
          ['raid', mine, 1],
          ['arrest', null, 0],
        ],
        "the act stays, without its victim or the citations that speak of them",
      );
      assert.ok(!asViewer.text.includes(theirs) && !asViewer.text.includes('neighbour saw it'));
      const listed = await t.api('GET', `/api/v1/events?person_id=${mine}`, as('viewer'));
      assert.ok(!listed.text.includes(theirs));
      assert.equal((await t.api('GET', `/api/v1/events?person_id=${theirs}`, as('viewer'))).body.items.length, 0, 'nor which events name them');
      const history = await t.api('GET', `/api/v1/persons/${mine}/history`, as('viewer'));
      assert.equal(history.status, 200);
      assert.ok(history.text.includes('Raid on the family home') || history.text.includes('raid'), 'the event is in the case history');
      assert.ok(!history.text.includes(theirs) && !history.text.includes('neighbour saw it'), 'nor does the case history name them');

      // A member of the event's case who cannot see every victim may edit the event but not replace its acts.
      await t.addMember(mine, 'admin');
      const acts = await t.api('PATCH', `/api/v1/events/${e.id}`, { ...as('admin'), body: { acts: [{ type: 'raid', victim_id: mine }], version: 1 } });
      assert.equal(acts.status, 403);
      const title = await t.api('PATCH', `/api/v1/events/${e.id}`, { ...as('admin'), body: { title: 'Raid on the family home, at night', version: 1 } });
      assert.equal(title.status, 200, title.text);
      const full = await t.api('GET', `/api/v1/events/${e.id}`);
      assert.equal(full.body.version, 2);
      assert.deepEqual(full.body.acts.map((a: { victim_id: string }) => a.victim_id), [mine, theirs], 'the hidden act is untouched');
    });

    it('refuses to name a person or actor one may not read, exactly as a missing one (422), and writes nothing', async () => {
      const { mine, theirs } = await twoCases();
      const before = await countEvents();
      const missing = await t.api('POST', '/api/v1/events', { body: { title: 'x', person_id: MISSING, acts: [{ type: 'threat', victim_id: MISSING }] } });
      const hidden = await t.api('POST', '/api/v1/events', { body: { title: 'x', person_id: theirs, acts: [{ type: 'threat', victim_id: theirs }] } });
      assert.equal(hidden.status, 422);
      assert.deepEqual(hidden.body, missing.body);
      assert.deepEqual(Object.keys(hidden.body.error.fields).sort(), ['acts.0.victim_id', 'person_id']);
      // An actor filed under a case is seen only by that case's readers.
      const caseActor = (await t.api('POST', '/api/v1/actors', { ...as('coordinator'), body: { name: 'Informant handler, Toli PSB', type: 'police' } })).body.id;
      await t.app.ctx.db.updateTable('actors').set({ case_id: theirs }).where('id', '=', caseActor).execute();
      const namesActor = await t.api('POST', '/api/v1/events', { body: { title: 'x', acts: [{ type: 'threat', victim_id: mine, perpetrators: [{ actor_id: caseActor }] }] } });
      assert.equal(namesActor.status, 422);
      assert.ok(namesActor.body.error.fields['acts.0.perpetrators.0.actor_id']);
      const { body: e } = await t.api('POST', '/api/v1/events', { body: { title: 'Threat by phone', acts: [{ type: 'threat', victim_id: mine }] } });
      const patched = await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { acts: [{ type: 'threat', victim_id: theirs }], version: 1 } });
      assert.equal(patched.status, 422);
      assert.ok(patched.body.error.fields['acts.0.victim_id']);
      const moved = await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { person_id: theirs, version: 1 } });
      assert.equal(moved.status, 422);
      assert.equal((await t.api('GET', `/api/v1/events/${e.id}`)).body.version, 1);
      assert.equal(await countEvents(), before + 1);
    });

    it('keeps the title and description sealed at rest', async () => {
      const victim = await newPerson();
      const { body: e } = await t.api('POST', '/api/v1/events', { body: arrest(victim) });
      const raw = await t.app.ctx.db.selectFrom('events').select(['title', 'description']).where('id', '=', e.id).executeTakeFirstOrThrow();
      assert.ok(raw.title.startsWith('vs1.'), raw.title);
      assert.ok(raw.description?.startsWith('vs1.'), raw.description ?? 'null');
      const patched = await t.api('PATCH', `/api/v1/events/${e.id}`, { body: { description: 'Taken at dawn', version: 1 } });
      assert.equal(patched.body.description, 'Taken at dawn');
      const after = await t.app.ctx.db.selectFrom('events').select(['description']).where('id', '=', e.id).executeTakeFirstOrThrow();
      assert.ok(after.description?.startsWith('vs1.') && after.description !== raw.description);
    });
  });
});
