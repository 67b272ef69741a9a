import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { contactTimeProblem, isOverdue, latestContact, MAX_DURATION_SECONDS, nextDeadline, parseDuration } from '../src/watch/deadlines.ts';
import { matchPin, hashPin } from '../src/watch/pins.ts';
import { launchBrowser, openContext } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe('watch deadlines (pure)', () => {
  it('parses ISO 8601 durations, with no artificial minimum', () => {
    const good: Array<[string, number]> = [
      ['PT24H', 86_400],
      ['PT90S', 90],
      ['PT1S', 1],
      ['P1D', 86_400],
      ['P1DT2H', 93_600],
      ['PT1H30M', 5400],
      ['P2W', 1_209_600],
      ['P1WT1S', 604_801],
      ['P366D', MAX_DURATION_SECONDS],
    ];
    for (const [text, seconds] of good) assert.deepEqual(parseDuration(text), { ok: true, seconds }, text);
    assert.deepEqual(parseDuration('PT0S', { allowZero: true }), { ok: true, seconds: 0 });
  });

  it('refuses zero, negative, garbage, years and months, and more than 366 days', () => {
    const bad = ['PT0S', 'P0D', '-PT1H', 'PT-1H', '', 'P', 'PT', 'P1DT', '24h', 'pt24h', 'PT1.5S', 'P1Y', 'P1M', 'P1Y2M', 'P367D', 'PT8785H', 'P53W', 'PT24H ', ' PT24H', 'PT1H1H', 'P1D1W', '1D', 'PT99999999999S'];
    for (const text of bad) assert.equal(parseDuration(text).ok, false, text);
    const months = parseDuration('P1M');
    assert.ok(!months.ok && /days or weeks/.test(months.problem));
    const zero = parseDuration('PT0S');
    assert.ok(!zero.ok && /longer than zero/.test(zero.problem));
  });

  it('counts the deadline from the last contact, forward only, from an injected time', () => {
    const last = new Date('2026-06-01T10:00:00.000Z');
    assert.equal(nextDeadline(last, { intervalSeconds: 86_400, graceSeconds: 3600 }).toISOString(), '2026-06-02T11:00:00.000Z');
    assert.equal(nextDeadline(last, { intervalSeconds: 90, graceSeconds: 0 }).toISOString(), '2026-06-01T10:01:30.000Z');
    const earlier = new Date('2026-06-01T09:00:00.000Z');
    const later = new Date('2026-06-01T11:00:00.000Z');
    const cases: Array<[Date | null, Date, Date]> = [
      [null, earlier, earlier],
      [last, later, later],
      [last, earlier, last],
      [last, new Date(last), last],
    ];
    for (const [current, reported, expected] of cases) assert.equal(latestContact(current, reported).getTime(), expected.getTime());
    assert.equal(isOverdue(last, new Date(last.getTime() + 1)), true);
    assert.equal(isOverdue(last, last), false);
  });

  it('takes contact times between the watch’s creation and a minute past now', () => {
    const now = new Date('2026-06-01T12:00:00.000Z');
    const created = new Date('2026-06-01T10:00:00.000Z');
    const cases: Array<[string, string | null]> = [
      ['2026-06-01T12:00:00.000Z', null],
      ['2026-06-01T12:01:00.000Z', null],
      ['2026-06-01T12:01:00.001Z', 'lies in the future'],
      ['2026-06-01T10:00:00.000Z', null],
      ['2026-06-01T09:59:59.999Z', 'is before the watch was set up'],
      ['not a time', 'is not a time'],
    ];
    for (const [at, problem] of cases) assert.equal(contactTimeProblem(new Date(at), now, created), problem, at);
  });

  it('tells the PIN from the duress PIN, and neither from a wrong one', async () => {
    const hashes = { pin: await hashPin('4711'), duress: await hashPin('1174') };
    assert.ok(hashes.pin.startsWith('scrypt$') && !hashes.pin.includes('4711'));
    assert.equal(await matchPin('4711', hashes), 'ok');
    assert.equal(await matchPin('1174', hashes), 'duress');
    assert.equal(await matchPin('0000', hashes), null);
    assert.equal(await matchPin('4711', { pin: null, duress: null }), null);
    assert.equal(await matchPin('4711', { pin: 'garbage', duress: hashes.duress }), null);
  });
});

const START = '2026-06-01T10:00:00.000Z';
const PIN = '271828';
const DURESS = '314159';
const WEBHOOK_SECRET = 'whsec-quiet-orchard-4471';
const EMAIL = 'duty.officer.secret@ngo.example';
const NOTE = 'Spoke with her sister Gulnar by phone';

function watchBody(personId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    person_id: personId,
    interval: 'PT24H',
    grace: 'PT2H',
    pin: PIN,
    duress_pin: DURESS,
    proxies: [],
    escalation: [
      { after: 'PT0S', ack_within: 'PT30M', notify: [{ email: EMAIL }, { webhook: 'https://hooks.ngo.example/vigil', secret: WEBHOOK_SECRET }] },
      { after: 'PT15M', ack_within: 'PT1H', notify: [{ email: 'coordinators@ngo.example' }] },
    ],
    ...overrides,
  };
}

/** The answer of a page post: status, headers but Date, body. */
async function postPin(t: TestApp, path: string, pin: string, headers: Record<string, string> = {}) {
  const response = await fetch(t.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ pin }).toString(),
  });
  const all = Object.fromEntries([...response.headers.entries()].filter(([name]) => name !== 'date'));
  return { status: response.status, headers: all, body: await response.text(), setCookie: response.headers.get('set-cookie') };
}

describe(`watches and the check-in channel (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock(START);
  const ids = { person: '', proxy: '', other: '', watch: '' };
  let checkinPath = '';

  before(async () => {
    t = await startTestApp({ clock });
    const person = await t.api('POST', '/api/v1/persons', { body: personInput() });
    assert.equal(person.status, 201, person.text);
    ids.person = person.body.id;
    ids.proxy = (await t.api('POST', '/api/v1/persons', { body: personInput({ case_id: ids.person, names: [{ text: 'Gulnar', script: 'Latn', lang: 'en' }] }) })).body.id;
    // A case the researcher is no member of.
    ids.other = (await t.api('POST', '/api/v1/persons', { token: t.tokens.coordinator, body: personInput() })).body.id;
    assert.ok(ids.proxy && ids.other);
  });
  after(async () => {
    await t?.stop();
  });

  const countRows = async (table: 'watches' | 'checkins') => Number((await t.app.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('creates a watch: the check-in link once, the deadline from the injected clock, no secret sent back', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { proxies: [ids.proxy] }) });
    assert.equal(created.status, 201, created.text);
    ids.watch = created.body.id;
    assert.match(created.body.checkin_url, /^\/c\/[A-Za-z0-9_-]{43}$/);
    checkinPath = created.body.checkin_url;
    assert.equal(created.body.next_deadline, '2026-06-02T12:00:00.000Z');
    assert.equal(created.body.last_contact_at, null);
    assert.equal(created.body.overdue, false);
    assert.equal(created.body.case_id, ids.person);
    assert.deepEqual(created.body.proxies, [ids.proxy]);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    assert.deepEqual(created.body.escalation[0].notify, [{ email: EMAIL }, { webhook: 'https://hooks.ngo.example/vigil' }]);
    for (const secret of [PIN, DURESS, WEBHOOK_SECRET]) assert.ok(!created.text.includes(secret), `the answer shows ${secret}`);

    const read = await t.api('GET', `/api/v1/watches/${ids.watch}`);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.ok(!('checkin_url' in read.body), 'the link is shown only at creation');
    assert.ok(!('pin' in read.body) && !('duress_pin' in read.body));
    assert.equal(read.body.escalation.length, 2);
    for (const secret of [PIN, DURESS, WEBHOOK_SECRET, checkinPath.slice(3)]) assert.ok(!read.text.includes(secret));
  });

  it('need-to-know: non-members get 404 and no list entry; viewer members read it without recipients; the read of recipients is audited', async () => {
    for (const token of [t.tokens.coordinator, t.tokens.admin, t.tokens.viewer]) {
      assert.equal((await t.api('GET', `/api/v1/watches/${ids.watch}`, { token })).status, 404);
      const list = await t.api('GET', '/api/v1/watches', { token });
      assert.equal(list.status, 200);
      assert.ok(!list.body.items.some((w: { id: string }) => w.id === ids.watch));
    }
    const contact = await t.api('POST', `/api/v1/watches/${ids.watch}/contact`, { token: t.tokens.coordinator, body: { at: START, channel: 'phone_call' } });
    assert.equal(contact.status, 404);
    const foreign = await t.api('POST', '/api/v1/watches', { token: t.tokens.researcher, body: watchBody(ids.other) });
    assert.equal(foreign.status, 422, 'a person one may not read "does not exist"');

    await t.addMember(ids.person, 'viewer', { caseRole: 'viewer' });
    const asViewer = await t.api('GET', `/api/v1/watches/${ids.watch}`, { token: t.tokens.viewer });
    assert.equal(asViewer.status, 200);
    assert.ok(!('escalation' in asViewer.body), 'viewers never see recipients');
    assert.ok(!asViewer.text.includes(EMAIL));
    const viewerContact = await t.api('POST', `/api/v1/watches/${ids.watch}/contact`, { token: t.tokens.viewer, body: { at: START, channel: 'phone_call' } });
    assert.equal(viewerContact.status, 403);
    const viewerCreate = await t.api('POST', '/api/v1/watches', { token: t.tokens.viewer, body: watchBody(ids.person) });
    assert.equal(viewerCreate.status, 403);

    const list = await t.api('GET', '/api/v1/watches');
    const listed = list.body.items.find((w: { id: string }) => w.id === ids.watch);
    assert.ok(listed, 'the owner sees it listed');
    assert.ok(!('escalation' in listed), 'lists never carry recipients');
    const audit = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'watch.read_secret').where('entity_id', '=', ids.watch).execute();
    assert.ok(audit.length >= 1, 'reading the recipients is on record');
    assert.ok(!JSON.stringify(audit).includes(EMAIL));
  });

  it('refuses bad input and changes nothing', async () => {
    const before = await countRows('watches');
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ['zero interval', watchBody(ids.person, { interval: 'PT0S' }), 400],
      ['garbage interval', watchBody(ids.person, { interval: 'daily' }), 400],
      ['negative grace', watchBody(ids.person, { grace: '-PT1H' }), 400],
      ['months', watchBody(ids.person, { interval: 'P1M' }), 400],
      ['over a year', watchBody(ids.person, { interval: 'P400D' }), 400],
      ['bad tier duration', watchBody(ids.person, { escalation: [{ after: 'soon', ack_within: 'PT30M', notify: [{ email: EMAIL }] }] }), 400],
      ['zero ack window', watchBody(ids.person, { escalation: [{ after: 'PT0S', ack_within: 'PT0S', notify: [{ email: EMAIL }] }] }), 400],
      ['pin equals duress pin', watchBody(ids.person, { duress_pin: PIN }), 400],
      ['pin too short', watchBody(ids.person, { pin: '123' }), 400],
      ['pin too long', watchBody(ids.person, { pin: '1'.repeat(65) }), 400],
      ['pin with a control character', watchBody(ids.person, { pin: '12\u000034' }), 400],
      ['no escalation', watchBody(ids.person, { escalation: [] }), 400],
      ['oversized escalation', watchBody(ids.person, { escalation: Array.from({ length: 11 }, () => ({ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: EMAIL }] })) }), 400],
      ['too many recipients', watchBody(ids.person, { escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: Array.from({ length: 21 }, (_, i) => ({ email: `a${i}@ngo.example` })) }] }), 400],
      ['bad email', watchBody(ids.person, { escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'not an address' }] }] }), 400],
      ['webhook without secret', watchBody(ids.person, { escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ webhook: 'https://x.example/h' }] }] }), 400],
      ['webhook not http', watchBody(ids.person, { escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ webhook: 'javascript:alert(1)', secret: WEBHOOK_SECRET }] }] }), 400],
      ['unknown field', watchBody(ids.person, { admin: true }), 400],
      ['unknown tier field', watchBody(ids.person, { escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: EMAIL }], sms: '+1' }] }), 400],
      ['pin as a number', watchBody(ids.person, { pin: 271828 }), 400],
      ['the person as her own proxy', watchBody(ids.person, { proxies: [ids.person] }), 400],
      ['duplicate proxies', watchBody(ids.person, { proxies: [ids.proxy, ids.proxy] }), 400],
      ['unknown proxy', watchBody(ids.person, { proxies: ['01a22566-2c15-770d-9624-01048a0a9716'] }), 422],
      ['proxy in a case one may not read', watchBody(ids.person, { proxies: [ids.other] }), 422],
      ['unknown person', watchBody('01a22566-2c15-770d-9624-01048a0a9716'), 422],
    ];
    for (const [label, body, status] of cases) {
      const response = await t.api('POST', '/api/v1/watches', { body });
      assert.equal(response.status, status, `${label}: ${response.text}`);
      assert.ok(response.body.error.message, label);
    }
    assert.equal((await t.api('POST', '/api/v1/watches', { raw: '{"person_id":' })).status, 400);
    assert.equal(await countRows('watches'), before, 'nothing was created');
  });

  it('contact reports move the deadline forward only, from the right people, never from the future', async () => {
    clock.advance(3 * 3600_000); // 13:00
    const report = (body: Record<string, unknown>) => t.api('POST', `/api/v1/watches/${ids.watch}/contact`, { body });
    const first = await report({ at: '2026-06-01T12:00:00.000Z', channel: 'phone_call', by_person_id: ids.proxy, note: NOTE });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.last_contact_at, '2026-06-01T12:00:00.000Z');
    assert.equal(first.body.next_deadline, '2026-06-02T14:00:00.000Z');
    assert.equal(first.body.note, NOTE);
    assert.equal(first.body.by_person_id, ids.proxy);

    const older = await report({ at: '2026-06-01T11:00:00.000Z', channel: 'message' });
    assert.equal(older.status, 201, 'an older contact is recorded…');
    assert.equal(older.body.next_deadline, '2026-06-02T14:00:00.000Z', '…but does not pull the deadline back');
    const bySelf = await report({ at: '2026-06-01T12:30:00.000Z', channel: 'meeting', by_person_id: ids.person });
    assert.equal(bySelf.status, 201, bySelf.text);
    assert.equal(bySelf.body.next_deadline, '2026-06-02T14:30:00.000Z');

    const before = await countRows('checkins');
    const refused: Array<[Record<string, unknown>, number]> = [
      [{ at: '2026-06-01T13:02:00.000Z', channel: 'phone_call' }, 400],
      [{ at: '2026-06-01T09:00:00.000Z', channel: 'phone_call' }, 400],
      [{ at: 'yesterday', channel: 'phone_call' }, 400],
      [{ at: '2026-06-01T12:00:00.000Z', channel: 'carrier_pigeon' }, 400],
      [{ at: '2026-06-01T12:00:00.000Z', channel: 'page' }, 400],
      [{ at: '2026-06-01T12:00:00.000Z', channel: 'phone_call', kind: 'duress' }, 400],
      [{ at: '2026-06-01T12:00:00.000Z', channel: 'phone_call', by_person_id: ids.other }, 422],
      [{ at: '2026-06-01T12:00:00.000Z', channel: 'phone_call', by_person_id: '01a22566-2c15-770d-9624-01048a0a9716' }, 422],
    ];
    for (const [body, status] of refused) {
      const response = await report(body);
      assert.equal(response.status, status, `${JSON.stringify(body)}: ${response.text}`);
    }
    assert.equal((await t.api('POST', '/api/v1/watches/01a22566-2c15-770d-9624-01048a0a9716/contact', { body: { at: START, channel: 'other' } })).status, 404);
    assert.equal(await countRows('checkins'), before, 'nothing was recorded');
    // Within a minute of clock skew is fine.
    assert.equal((await report({ at: '2026-06-01T13:00:59.000Z', channel: 'other' })).body.next_deadline, '2026-06-02T15:00:59.000Z');
  });

  it('lists watches soonest deadline first, overdue flagged', async () => {
    const soon = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person, { interval: 'PT90S', grace: 'PT0S' }) });
    assert.equal(soon.status, 201, soon.text);
    clock.advance(120_000);
    const list = await t.api('GET', `/api/v1/watches?person_id=${ids.person}`);
    assert.equal(list.status, 200);
    const deadlines = list.body.items.map((w: { next_deadline: string }) => w.next_deadline);
    assert.deepEqual(deadlines, [...deadlines].sort());
    assert.equal(list.body.items[0].id, soon.body.id);
    assert.equal(list.body.items[0].overdue, true);
    assert.equal(list.body.items.find((w: { id: string }) => w.id === ids.watch).overdue, false);
    const page1 = await t.api('GET', `/api/v1/watches?person_id=${ids.person}&limit=1`);
    assert.equal(page1.body.items.length, 1);
    const page2 = await t.api('GET', `/api/v1/watches?person_id=${ids.person}&limit=1&cursor=${page1.body.next_cursor}`);
    assert.equal(page2.body.items[0].id, ids.watch);
    assert.equal((await t.api('GET', '/api/v1/watches?cursor=bogus')).status, 400);
  });

  it('the check-in page: a plain form, no cookie, nothing that names Vigil or the case, the same for any link', async () => {
    const page = await fetch(t.url + checkinPath);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('set-cookie'), null);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(html, /<form method="post" action="">/);
    assert.match(html, /name="pin"/);
    assert.ok(!/vigil|<script|<link|<nav|https?:\/\//i.test(html), 'no name, script, stylesheet, navigation or outside address');
    assert.ok(!html.includes(checkinPath.slice(3)), 'the page does not repeat the secret');
    const unknown = await fetch(`${t.url}/c/${'A'.repeat(43)}`);
    assert.equal(await unknown.text(), html, 'an unknown link shows the same page');
  });

  it('the PIN and the duress PIN get byte-identical answers; both are recorded, as what they are', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person) });
    const path = created.body.checkin_url;
    const before = (await t.api('GET', `/api/v1/watches/${created.body.id}`)).body;
    clock.advance(60_000);
    const ok = await postPin(t, path, PIN);
    const duress = await postPin(t, path, DURESS);
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(duress, ok, 'status, headers and body are the same');
    assert.equal(ok.setCookie, null);
    const checkins = await t.app.ctx.db.selectFrom('checkins').selectAll().where('watch_id', '=', created.body.id).orderBy('recorded_at').orderBy('id').execute();
    assert.deepEqual(checkins.map((c) => [c.kind, c.channel, c.by_person_id]), [['ok', 'page', ids.person], ['duress', 'page', ids.person]]);
    const afterwards = (await t.api('GET', `/api/v1/watches/${created.body.id}`)).body;
    assert.equal(afterwards.last_contact_at, clock.now().toISOString());
    assert.ok(afterwards.next_deadline > before.next_deadline);
    // A page check-in is a change like any other: revision and audit entry, no PIN in either.
    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'checkin', checkins[1]!.id);
    assert.equal(revisions.length, 1);
    assert.equal(revisions[0]!.actor, 'checkin:page');
    const watchRevisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'watch', created.body.id);
    assert.deepEqual(watchRevisions[0]!.changes.pin, { changed: true });
    assert.deepEqual(watchRevisions[0]!.changes.escalation, { changed: true });
    const history = JSON.stringify([revisions, watchRevisions]);
    for (const secret of [PIN, DURESS, WEBHOOK_SECRET, EMAIL, path.slice(3)]) assert.ok(!history.includes(secret), `history shows ${secret}`);
  });

  it('a wrong PIN and an unknown link get the same refusal, and lock out alike, right PIN or not', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person) });
    const path = created.body.checkin_url;
    const unknownPath = `/c/${'B'.repeat(43)}`;
    const recorded = async () => (await t.app.ctx.db.selectFrom('checkins').select('id').where('watch_id', '=', created.body.id).execute()).length;
    for (let i = 1; i <= 5; i++) {
      const wrong = await postPin(t, path, '000000');
      const unknown = await postPin(t, unknownPath, '000000');
      assert.equal(wrong.status, 403, `guess ${i}`);
      assert.deepEqual(unknown, wrong, `guess ${i}: an unknown link answers as a wrong PIN`);
    }
    const locked = await postPin(t, path, PIN);
    assert.equal(locked.status, 429, 'locked: even the right PIN is refused, so the lock tells nothing');
    assert.deepEqual(await postPin(t, path, '000000'), locked);
    assert.deepEqual(await postPin(t, unknownPath, PIN), locked, 'an unknown link locks the same way');
    assert.equal(await recorded(), 0);
    const row = await t.app.ctx.db.selectFrom('watches').select(['failed_pins', 'locked_until']).where('id', '=', created.body.id).executeTakeFirstOrThrow();
    assert.equal(row.failed_pins, 5, 'the count is kept on the watch');
    assert.ok(row.locked_until && row.locked_until > clock.now().toISOString());

    clock.advance(61_000);
    const right = await postPin(t, path, PIN);
    assert.equal(right.status, 200, 'after the lock the right PIN works');
    assert.equal(await recorded(), 1);
    const cleared = await t.app.ctx.db.selectFrom('watches').select(['failed_pins', 'locked_until']).where('id', '=', created.body.id).executeTakeFirstOrThrow();
    assert.deepEqual(cleared, { failed_pins: 0, locked_until: null });
  });

  it('guesses sent all at once are each counted: no more than the allowance gets through', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person) });
    const answers = await Promise.all(Array.from({ length: 20 }, () => postPin(t, created.body.checkin_url, '999999')));
    assert.equal(answers.filter((a) => a.status === 403).length, 5);
    assert.equal(answers.filter((a) => a.status === 429).length, 15);
  });

  it('refuses posts a browser marks as cross-site, and takes the page’s own (Origin: null under no-referrer)', async () => {
    const created = await t.api('POST', '/api/v1/watches', { body: watchBody(ids.person) });
    const path = created.body.checkin_url;
    assert.equal((await postPin(t, path, PIN, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await postPin(t, path, PIN, { 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal((await postPin(t, path, PIN, { origin: 'https://evil.example' })).status, 403);
    assert.equal((await t.app.ctx.db.selectFrom('checkins').select('id').where('watch_id', '=', created.body.id).execute()).length, 0);
    assert.equal((await postPin(t, path, PIN, { 'sec-fetch-site': 'same-origin', origin: 'null' })).status, 200);
    assert.equal((await postPin(t, path, PIN, { origin: new URL(t.url).origin })).status, 200);
    // A JSON or garbled body gets the same plain page, never the app's framed error page.
    const odd = await fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pin":' });
    const oddHtml = await odd.text();
    assert.equal(odd.status, 400);
    assert.ok(!/vigil|<nav/i.test(oddHtml));
  });

  it('keeps PINs, the link, recipients, webhook secrets and notes out of the database in plaintext', async () => {
    const db = t.app.ctx.db;
    const watches = await db.selectFrom('watches').selectAll().execute();
    for (const row of watches) {
      for (const column of ['pin_hash', 'duress_pin_hash', 'escalation'] as const) assert.ok(row[column].startsWith('vs1.'), `${column} is sealed`);
      assert.match(row.checkin_secret_hash, /^[0-9a-f]{64}$/);
    }
    const notes = await db.selectFrom('checkins').select('note').where('note', 'is not', null).execute();
    assert.ok(notes.length >= 1);
    for (const { note } of notes) assert.ok(note!.startsWith('vs1.'));
    const everything = JSON.stringify({
      watches,
      checkins: await db.selectFrom('checkins').selectAll().execute(),
      revisions: await db.selectFrom('revisions').selectAll().execute(),
      audit: await db.selectFrom('audit_entries').selectAll().execute(),
    });
    for (const secret of [PIN, DURESS, WEBHOOK_SECRET, EMAIL, NOTE, checkinPath.slice(3)]) assert.ok(!everything.includes(secret), `the database shows ${secret}`);
  });
});

describe(`the check-in page in a real browser with JavaScript off (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t?.stop();
  });

  it('takes the PIN and the duress PIN through the plain form, alike, with no cookie and no other host', async () => {
    const person = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const watch = await t.api('POST', '/api/v1/watches', { body: watchBody(person.body.id) });
    assert.equal(watch.status, 201, watch.text);
    const browser = await launchBrowser();
    try {
      const shown: string[] = [];
      for (const pin of [PIN, DURESS]) {
        const recorded = await openContext(browser, t.url, { javaScriptEnabled: false });
        try {
          await recorded.page.goto(t.url + watch.body.checkin_url);
          await recorded.page.fill('input[name="pin"]', pin);
          await Promise.all([recorded.page.waitForNavigation(), recorded.page.click('button[type="submit"]')]);
          shown.push(await recorded.page.content());
          assert.deepEqual(await recorded.context.cookies(), [], 'the page leaves no cookie');
          assert.ok(recorded.requests.every((url) => url.startsWith(`${t.url}/`)), recorded.requests.join(' '));
          assert.deepEqual(recorded.errors, []);
        } finally {
          await recorded.close();
        }
      }
      assert.match(shown[0]!, /Thank you\. Saved\./);
      assert.equal(shown[1], shown[0], 'the duress PIN shows the very same page');
      const kinds = await t.app.ctx.db.selectFrom('checkins').select('kind').where('watch_id', '=', watch.body.id).orderBy('recorded_at').orderBy('id').execute();
      assert.deepEqual(kinds.map((k) => k.kind), ['ok', 'duress']);
    } finally {
      await browser.close();
    }
  });
});
