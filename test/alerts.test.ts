import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/lib/clock.ts';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { createDeliveryChannels } from '../src/notify/channels.ts';
import { startWorker } from '../src/watch/worker.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const START = '2026-06-01T10:00:00.000Z';
const PIN = '271828';
const DURESS = '314159';
const HOUR = 3600_000;
const MISSING = '01a22566-2c15-770d-9624-01048a0a9716';
const RESOLUTION_NOTE = 'Her brother saw the police van at the flat on Abay street';

function watchBody(personId: string): Record<string, unknown> {
  return {
    person_id: personId,
    interval: 'PT24H',
    grace: 'PT2H',
    pin: PIN,
    duress_pin: DURESS,
    escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }],
  };
}

async function postPin(t: TestApp, path: string, pin: string) {
  const response = await fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ pin }).toString() });
  const headers = Object.fromEntries([...response.headers.entries()].filter(([name]) => name !== 'date'));
  return { status: response.status, headers, body: await response.text() };
}

interface AlertView {
  id: string;
  kind: string;
  state: string;
  watch_id: string;
  person_id: string;
  opened_at: string;
  deadline_at: string | null;
  tier: number;
}

describe(`alerts: the deadline sweep, acknowledgement and resolution (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock(START);
  const ids = { person: '', other: '' };

  before(async () => {
    t = await startTestApp({ clock });
    ids.person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
    // A case the researcher is no member of.
    ids.other = (await t.api('POST', '/api/v1/persons', { token: t.tokens.coordinator, body: personInput() })).body.id;
    assert.ok(ids.person && ids.other);
  });
  after(async () => {
    await t?.stop();
  });

  const newWatch = async (personId = ids.person, token = t.tokens.researcher) => {
    const created = await t.api('POST', '/api/v1/watches', { token, body: watchBody(personId) });
    assert.equal(created.status, 201, created.text);
    return { id: created.body.id as string, checkinPath: created.body.checkin_url as string, deadline: created.body.next_deadline as string };
  };
  const alertRows = (watchId: string) => t.app.ctx.db.selectFrom('alerts').selectAll().where('watch_id', '=', watchId).orderBy('opened_at').orderBy('id').execute();
  const sweep = () => runDeadlineSweep(t.app.ctx);
  /** Past the deadline of every watch made so far (interval 24 h + grace 2 h). */
  const passDeadline = () => clock.advance(26 * HOUR + 1000);

  it('opens exactly one missed alert per passed deadline, with its revision and audit entry; a second sweep opens nothing', async () => {
    const watch = await newWatch();
    clock.advance(26 * HOUR); // exactly on the deadline: not yet past it, but due ("<= now")
    clock.advance(-1);
    assert.deepEqual(await sweep(), { missed: 0, duress: 0 }, 'nothing before the deadline');
    assert.equal((await alertRows(watch.id)).length, 0, 'no loop runs behind the test’s back');
    clock.advance(1);
    assert.deepEqual(await sweep(), { missed: 1, duress: 0 });
    assert.deepEqual(await sweep(), { missed: 0, duress: 0 }, 'idempotent');
    const rows = await alertRows(watch.id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.kind, 'missed');
    assert.equal(rows[0]!.deadline_at, watch.deadline);
    assert.equal(rows[0]!.opened_at, clock.now().toISOString());

    const list = await t.api('GET', '/api/v1/alerts');
    assert.equal(list.status, 200, list.text);
    const shown = list.body.items.find((a: AlertView) => a.watch_id === watch.id);
    assert.deepEqual(
      { kind: shown.kind, person_id: shown.person_id, watch_id: shown.watch_id, opened_at: shown.opened_at, tier: shown.tier, state: shown.state, deadline_at: shown.deadline_at },
      { kind: 'missed', person_id: ids.person, watch_id: watch.id, opened_at: clock.now().toISOString(), tier: 1, state: 'open', deadline_at: watch.deadline },
    );
    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'alert', rows[0]!.id);
    assert.equal(revisions.length, 1);
    assert.equal(revisions[0]!.actor, 'system:worker');
    assert.deepEqual(revisions[0]!.changes.kind, { to: 'missed' });
    const audit = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'alert.create').where('entity_id', '=', rows[0]!.id).execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.case_id, ids.person);
  });

  it('two sweeps at the same moment still open one alert (the unique constraint decides)', async () => {
    const watch = await newWatch();
    passDeadline();
    const results = await Promise.all([sweep(), sweep(), sweep()]);
    assert.equal(results.reduce((sum, r) => sum + r.missed, 0), 1, JSON.stringify(results));
    assert.equal((await alertRows(watch.id)).length, 1);
    // The database refuses a second alert for that deadline even past the sweep's own check.
    const row = (await alertRows(watch.id))[0]!;
    await assert.rejects(t.app.ctx.db.insertInto('alerts').values({ ...row, id: MISSING }).execute());
  });

  it('a duress check-in raises a duress alert, while the page answered exactly as for the PIN', async () => {
    const watch = await newWatch();
    clock.advance(60_000);
    const ok = await postPin(t, watch.checkinPath, PIN);
    const duress = await postPin(t, watch.checkinPath, DURESS);
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(duress, ok, 'status, headers and body are the same');
    assert.deepEqual(await sweep(), { missed: 0, duress: 1 }, 'the PIN raises nothing, the duress PIN one alert');
    assert.deepEqual(await sweep(), { missed: 0, duress: 0 });
    const rows = await alertRows(watch.id);
    assert.deepEqual(rows.map((r) => [r.kind, r.state, r.deadline_at]), [['duress', 'open', null]]);
    const checkin = await t.app.ctx.db.selectFrom('checkins').select('id').where('watch_id', '=', watch.id).where('kind', '=', 'duress').executeTakeFirstOrThrow();
    assert.equal(rows[0]!.checkin_id, checkin.id);
    // Once the alert exists, the page still answers as before.
    assert.deepEqual(await postPin(t, watch.checkinPath, PIN), ok);
    const listed = (await t.api('GET', '/api/v1/alerts')).body.items.find((a: AlertView) => a.id === rows[0]!.id);
    assert.equal(listed.kind, 'duress');
    assert.ok(!('checkin_id' in listed));
  });

  it('contact after a missed alert moves the deadline but leaves the alert open; the next passed deadline opens the next alert', async () => {
    const watch = await newWatch();
    passDeadline();
    await sweep();
    assert.equal((await alertRows(watch.id)).length, 1);
    const contact = await t.api('POST', `/api/v1/watches/${watch.id}/contact`, { body: { at: clock.now().toISOString(), channel: 'phone_call' } });
    assert.equal(contact.status, 201, contact.text);
    assert.ok(contact.body.next_deadline > clock.now().toISOString(), 'the deadline moved forward');
    const [alert] = await alertRows(watch.id);
    assert.equal(alert!.state, 'open', 'a human decides, not the contact');
    await sweep();
    assert.equal((await alertRows(watch.id)).length, 1, 'the new deadline has not passed');
    passDeadline();
    await sweep();
    assert.deepEqual((await alertRows(watch.id)).map((a) => a.deadline_at), [watch.deadline, contact.body.next_deadline]);
  });

  it('acknowledge once (a second is a 409 naming the state), then resolve as detained: the status entry is written with it', async () => {
    const watch = await newWatch();
    passDeadline();
    await sweep();
    const [row] = await alertRows(watch.id);
    const id = row!.id;
    const ack = await t.api('POST', `/api/v1/alerts/${id}/ack`);
    assert.equal(ack.status, 200, ack.text);
    assert.equal(ack.body.state, 'acknowledged');
    assert.equal(ack.body.acknowledged_by, `user:${t.users.researcher.id}`);
    assert.equal(ack.body.acknowledged_at, clock.now().toISOString());
    assert.equal(ack.headers.get('etag'), '"2"');
    const again = await t.api('POST', `/api/v1/alerts/${id}/ack`);
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.error.code, 'state_conflict');
    assert.equal(again.body.error.state, 'acknowledged');

    const statusesBefore = (await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items.length;
    const resolved = await t.api('POST', `/api/v1/alerts/${id}/resolve`, { body: { outcome: 'detained', note: RESOLUTION_NOTE } });
    assert.equal(resolved.status, 200, resolved.text);
    assert.equal(resolved.body.state, 'resolved');
    assert.equal(resolved.body.outcome, 'detained');
    assert.equal(resolved.body.note, RESOLUTION_NOTE);
    assert.equal(resolved.body.resolved_by, `user:${t.users.researcher.id}`);
    const person = await t.api('GET', `/api/v1/persons/${ids.person}`);
    assert.equal(person.body.current_status.status, 'detained');
    const timeline = (await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items;
    assert.equal(timeline.length, statusesBefore + 1);
    const entry = timeline.find((e: { id: string }) => e.id === person.body.current_status.id);
    assert.equal(entry.date, clock.now().toISOString().slice(0, 10), "today's date, in EDTF");
    assert.equal(entry.note, RESOLUTION_NOTE);

    const twice = await t.api('POST', `/api/v1/alerts/${id}/resolve`, { body: { outcome: 'disappeared' } });
    assert.equal(twice.status, 409, twice.text);
    assert.equal(twice.body.error.state, 'resolved');
    assert.equal((await t.api('POST', `/api/v1/alerts/${id}/ack`)).status, 409);
    assert.equal((await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items.length, statusesBefore + 1, 'no second entry');
    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'alert', id);
    assert.deepEqual(revisions.map((r) => r.action), ['create', 'update', 'update']);
    assert.deepEqual(revisions[2]!.changes.outcome, { from: null, to: 'detained' });
    assert.deepEqual(revisions[2]!.changes.status_entry_id, { from: null, to: entry.id });
    const stored = await t.app.ctx.db.selectFrom('alerts').select('note').where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(stored.note!.startsWith('vs1.'), 'the resolution note is sealed at rest');
  });

  it('resolves from open as disappeared (entry written, note from the alert) or as contact restored (no entry)', async () => {
    const first = await newWatch();
    const second = await newWatch();
    passDeadline();
    await sweep();
    const disappearedId = (await alertRows(first.id))[0]!.id;
    const restoredId = (await alertRows(second.id))[0]!.id;
    const disappeared = await t.api('POST', `/api/v1/alerts/${disappearedId}/resolve`, { body: { outcome: 'disappeared' } });
    assert.equal(disappeared.status, 200, disappeared.text);
    assert.equal(disappeared.body.acknowledged_at, null);
    const person = (await t.api('GET', `/api/v1/persons/${ids.person}`)).body;
    assert.equal(person.current_status.status, 'disappeared');
    const entry = (await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items.find((e: { id: string }) => e.id === person.current_status.id);
    assert.match(entry.note, /missed alert opened/);

    const count = (await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items.length;
    const restored = await t.api('POST', `/api/v1/alerts/${restoredId}/resolve`, { body: { outcome: 'contact_restored', note: null } });
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.body.outcome, 'contact_restored');
    assert.equal((await t.api('GET', `/api/v1/persons/${ids.person}/statuses`)).body.items.length, count);
    assert.equal((await t.api('GET', `/api/v1/persons/${ids.person}`)).body.current_status.status, 'disappeared');
  });

  it('need-to-know: non-members get 404 and no list entry, viewer members read but get 403 on changes', async () => {
    const foreign = await newWatch(ids.other, t.tokens.coordinator);
    const own = await newWatch();
    passDeadline();
    await sweep();
    const foreignId = (await alertRows(foreign.id))[0]!.id;
    const ownId = (await alertRows(own.id))[0]!.id;

    const researcherList = (await t.api('GET', '/api/v1/alerts?limit=200')).body.items.map((a: AlertView) => a.id);
    assert.ok(researcherList.includes(ownId) && !researcherList.includes(foreignId));
    const coordinatorList = (await t.api('GET', '/api/v1/alerts?limit=200', { token: t.tokens.coordinator })).body.items.map((a: AlertView) => a.id);
    assert.ok(coordinatorList.includes(foreignId) && !coordinatorList.includes(ownId));
    for (const token of [t.tokens.coordinator, t.tokens.admin]) {
      assert.equal((await t.api('GET', `/api/v1/alerts/${ownId}`, { token })).status, 404);
      assert.equal((await t.api('POST', `/api/v1/alerts/${ownId}/ack`, { token })).status, 404);
      assert.equal((await t.api('POST', `/api/v1/alerts/${ownId}/resolve`, { token, body: { outcome: 'detained' } })).status, 404);
    }
    assert.equal((await t.api('GET', '/api/v1/alerts', { token: t.tokens.viewer })).body.items.length, 0, 'no membership, no alerts');

    await t.addMember(ids.person, 'viewer', { caseRole: 'viewer' });
    const viewerList = (await t.api('GET', '/api/v1/alerts?limit=200', { token: t.tokens.viewer })).body.items.map((a: AlertView) => a.id);
    assert.ok(viewerList.includes(ownId) && !viewerList.includes(foreignId));
    assert.equal((await t.api('GET', `/api/v1/alerts/${ownId}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', `/api/v1/alerts/${ownId}/ack`, { token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/alerts/${ownId}/resolve`, { token: t.tokens.viewer, body: { outcome: 'detained' } })).status, 403);
    // A writer who is a viewer member of the case may not change it either.
    await t.addMember(ids.person, 'coordinator', { caseRole: 'viewer' });
    assert.equal((await t.api('POST', `/api/v1/alerts/${ownId}/ack`, { token: t.tokens.coordinator })).status, 403);
    assert.equal((await alertRows(own.id))[0]!.state, 'open', 'nothing changed');
    assert.equal((await t.api('POST', `/api/v1/alerts/${foreignId}/ack`, { token: t.tokens.coordinator })).status, 200, 'its own case’s alert it may');
  });

  it('refuses bad input and changes nothing', async () => {
    const watch = await newWatch();
    passDeadline();
    await sweep();
    const id = (await alertRows(watch.id))[0]!.id;
    const bodies: Array<[string, unknown, number]> = [
      ['unknown outcome', { outcome: 'released' }, 400],
      ['no outcome', {}, 400],
      ['outcome as a number', { outcome: 1 }, 400],
      ['unknown field', { outcome: 'detained', status: 'camp' }, 400],
      ['note too long', { outcome: 'detained', note: 'x'.repeat(2001) }, 400],
      ['note with a control character', { outcome: 'detained', note: 'a\u0000b' }, 400],
    ];
    for (const [label, body, status] of bodies) {
      const response = await t.api('POST', `/api/v1/alerts/${id}/resolve`, { body });
      assert.equal(response.status, status, `${label}: ${response.text}`);
      assert.ok(response.body.error.message, label);
    }
    assert.equal((await t.api('POST', `/api/v1/alerts/${id}/resolve`, { raw: '{"outcome":' })).status, 400);
    assert.equal((await t.api('POST', `/api/v1/alerts/not-an-id/ack`)).status, 400);
    assert.equal((await t.api('POST', `/api/v1/alerts/${MISSING}/ack`)).status, 404);
    assert.equal((await t.api('POST', `/api/v1/alerts/${MISSING}/resolve`, { body: { outcome: 'detained' } })).status, 404);
    assert.equal((await t.api('GET', '/api/v1/alerts?state=burning')).status, 400);
    assert.equal((await t.api('GET', '/api/v1/alerts?cursor=bogus')).status, 400);
    const row = (await alertRows(watch.id))[0]!;
    assert.deepEqual([row.state, row.version, row.outcome, row.note], ['open', 1, null, null]);
  });

  it('lists open alerts first, then acknowledged, then resolved, newest first within each, page by page', async () => {
    const watch = await newWatch();
    passDeadline();
    await sweep();
    assert.equal((await t.api('POST', `/api/v1/alerts/${(await alertRows(watch.id))[0]!.id}/ack`)).status, 200);
    const all: AlertView[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: AlertView[]; next_cursor: string | null } } = await t.api('GET', `/api/v1/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      all.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    const rank = { open: 0, acknowledged: 1, resolved: 2 } as Record<string, number>;
    const expected = [...all].sort((a, b) => rank[a.state]! - rank[b.state]! || b.opened_at.localeCompare(a.opened_at) || b.id.localeCompare(a.id));
    assert.deepEqual(all.map((a) => a.id), expected.map((a) => a.id));
    assert.equal(new Set(all.map((a) => a.id)).size, all.length, 'no alert twice');
    const states = new Set(all.map((a) => a.state));
    assert.ok(states.has('open') && states.has('acknowledged') && states.has('resolved'), [...states].join());
    const open = await t.api('GET', `/api/v1/alerts?state=open&person_id=${ids.person}&limit=200`);
    assert.ok(open.body.items.length >= 1 && open.body.items.every((a: AlertView) => a.state === 'open' && a.person_id === ids.person));
  });

  it('the worker loop runs the sweep on its own and stops cleanly', async () => {
    const watch = await newWatch();
    passDeadline();
    const worker = startWorker(t.app.ctx, { intervalMs: 10, baseUrl: t.url, channels: createDeliveryChannels({ smtpUrl: undefined, mailFrom: 'vigil@ngo.example', clock }) });
    try {
      for (let i = 0; i < 500 && (await alertRows(watch.id)).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await worker.stop();
    }
    assert.equal((await alertRows(watch.id)).length, 1);
  });
});
