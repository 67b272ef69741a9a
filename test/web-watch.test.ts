import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/lib/clock.ts';
import { newId } from '../src/lib/ids.ts';
import { insertAlertOnce } from '../src/watch/alerts.repository.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { durationFromForm, timeFromForm } from '../src/watch/watch-forms.ts';
import en from '../src/web/messages/en.json' with { type: 'json' };
import { CATALOGS, LANGUAGES, translator, type Language } from '../src/web/i18n.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, session, textOf, webClient, type WebResponse } from './helpers/web-client.ts';

const PIN = '8675309';
const DURESS = '5551212';
const MINUTE = 60_000;
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const BIDI = 'Toli\u202Eytnuoc\u202C\u200B';
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Everything the set-up form posts, as a browser would send it, changed where asked. */
function watchForm(personId: string, changes: Record<string, string> = {}): Record<string, string> {
  const form: Record<string, string> = {
    person_id: personId,
    interval: '24h',
    grace: '2h',
    pin: PIN,
    pin_repeat: PIN,
    duress_pin: DURESS,
    duress_pin_repeat: DURESS,
    proxy_cases: '',
  };
  for (let i = 0; i < 3; i++) for (const name of ['after', 'ack_within', 'emails', 'webhook', 'webhook_secret']) form[`escalation.${i}.${name}`] = '';
  form['escalation.0.after'] = '0s';
  form['escalation.0.ack_within'] = '30m';
  form['escalation.0.emails'] = 'duty@ngo.example';
  return { ...form, ...changes };
}

function watchBody(personId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    person_id: personId,
    interval: 'PT1H',
    grace: 'PT0S',
    pin: PIN,
    duress_pin: DURESS,
    escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }],
    ...overrides,
  };
}

/** No markup typed into a form or a record reaches a page as markup. */
function assertEscaped(html: string): void {
  assert.ok(!html.includes('<script>alert'), 'no script tag from input');
  assert.ok(!html.includes('<img src=x'), 'no img tag from input');
}

/** The English sentences of the early-warning pages (the keys this feature added), which a translated page must not show. */
const FEATURE_KEYS = /^(nav\.(dashboard|watches|alerts)|dashboard\.|watches?\.|alerts?\.|tier\.|contact\.|checkins\.|alert_kind\.|alert_outcome|record_state\.|span\.)/;
function englishLeft(html: string, lang: Language): string[] {
  return Object.entries(en as Record<string, string>)
    .filter(([key, text]) => FEATURE_KEYS.test(key) && text.length >= 15 && !text.includes('{') && CATALOGS[lang][key] !== text)
    .map(([, text]) => escape(text))
    .filter((text) => html.includes(text));
}

describe(`web UI for early warning: dashboard, watches, alerts (${BACKEND})`, () => {
  let t: TestApp;
  let web: ReturnType<typeof webClient>;
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  let person: { id: string; case_number: string };
  let sister: { id: string; case_number: string };
  /** A case the researcher is no member of, with a watch and an open alert. */
  let stranger: { id: string; case_number: string; watchId: string; alertId: string };
  const count = async (table: 'watches' | 'checkins' | 'alerts' | 'status_entries') =>
    Number((await t.app.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  /** Time passes; sessions idle out after two hours, so they are made again. */
  const passTime = async (ms: number) => {
    clock.advance(ms);
    await prepareSessions(t);
  };
  const alertOf = async (id: string, token = t.tokens.researcher) => (await t.api('GET', `/api/v1/alerts/${id}`, { token })).body;
  const newWatch = async (personId: string, overrides: Record<string, unknown> = {}, token = t.tokens.researcher) => {
    const created = await t.api('POST', '/api/v1/watches', { token, body: watchBody(personId, overrides) });
    assert.equal(created.status, 201, created.text);
    return created.body as { id: string; checkin_url: string; next_deadline: string };
  };

  before(async () => {
    t = await startTestApp({ clock });
    await prepareSessions(t);
    web = webClient(t);
    person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body;
    sister = (await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: 'Гүлназ Бекболат', script: 'Cyrl', lang: 'kk', kind: 'primary' }] }) })).body;
    await t.api('POST', '/api/v1/relations', { body: { from_person_id: person.id, to_person_id: sister.id, relation: 'sister' } });
    const other = (await t.api('POST', '/api/v1/persons', { token: t.tokens.coordinator, body: personInput({ names: [{ text: 'Secret Stranger', script: 'Latn', lang: 'en', kind: 'primary' }] }) })).body;
    const watch = await newWatch(other.id, { interval: 'PT10M' }, t.tokens.coordinator);
    clock.advance(11 * MINUTE);
    await runDeadlineSweep(t.app.ctx);
    const alerts = (await t.api('GET', '/api/v1/alerts', { token: t.tokens.coordinator })).body.items;
    stranger = { id: other.id, case_number: other.case_number, watchId: watch.id, alertId: alerts[0].id };
    assert.ok(stranger.alertId);
  });
  after(async () => {
    await t?.stop();
  });

  it('reads durations and times as people type them', () => {
    const durations: Array<[string, string]> = [
      ['24h', 'PT24H'],
      ['30m', 'PT30M'],
      ['30 min', 'PT30M'],
      ['1d 12h', 'P1DT12H'],
      ['90s', 'PT90S'],
      ['2 weeks', 'P2W'],
      ['0s', 'PT0S'],
      ['1h30m', 'PT1H30M'],
      ['pt2h', 'PT2H'],
      ['PT24H', 'PT24H'],
      ['24', '24'],
      ['24 hours please', '24 hours please'],
      ['', ''],
    ];
    for (const [typed, iso] of durations) assert.equal(durationFromForm(typed), iso, typed);
    assert.equal(timeFromForm('2026-06-01 14:30'), '2026-06-01T14:30:00Z');
    assert.equal(timeFromForm(' 2026-06-01T14:30:05 '), '2026-06-01T14:30:05Z');
    assert.equal(timeFromForm('yesterday'), 'yesterday');
  });

  it('makes the dashboard the home page of signed-in users, with the navigation to watches and alerts', async () => {
    const visitor = await web.get('/', null);
    assert.equal(visitor.status, 303);
    assert.equal(visitor.location, '/login?next=%2F');
    const home = await web.get('/');
    assert.equal(home.status, 200);
    for (const href of ['/', '/watches', '/alerts', '/persons']) assert.match(home.html, new RegExp(`<a href="${href}"`), href);
    assert.match(home.html, /<a href="\/" aria-current="page">Dashboard<\/a>/);
    const order = ['id="open-alerts"', 'id="overdue-watches"', 'id="upcoming"'].map((marker) => home.html.indexOf(marker));
    assert.ok(order.every((at) => at > 0) && order[0]! < order[1]! && order[1]! < order[2]!, 'alerts, then overdue watches, then what comes due');
    assert.equal((await web.get('/persons')).status, 200, 'the list of persons stays where it was');
  });

  it('sets up a watch from the form and shows the check-in link once, never again', async () => {
    const form = await web.get(`/watches/new?person_id=${person.id}`);
    assert.equal(form.status, 200);
    for (const name of ['interval', 'grace', 'pin', 'pin_repeat', 'duress_pin', 'duress_pin_repeat', 'proxy_cases', 'escalation.0.emails', 'escalation.2.webhook_secret']) {
      assert.match(form.html, new RegExp(`name="${name.replace(/\./g, '\\.')}"`), name);
    }
    assert.match(form.html, new RegExp(`name="proxies" value="${sister.id}"`), 'her sister is offered as a proxy');
    assert.equal((await web.get(`/persons/${person.id}/watches/new`)).location, `/watches/new?person_id=${person.id}`);
    const before = await count('watches');
    const created = await web.post(
      '/watches/new',
      watchForm(person.id, {
        proxies: sister.id,
        'escalation.0.emails': 'duty@ngo.example\nsister@ngo.example',
        'escalation.1.after': '15m',
        'escalation.1.ack_within': '1h',
        'escalation.1.webhook': 'https://hooks.partner.example/vigil',
        'escalation.1.webhook_secret': 'a webhook secret of some length',
      }),
    );
    assert.equal(created.status, 200, textOf(created.html, 'error-summary') ?? '');
    assert.equal(created.headers.get('cache-control'), 'no-store');
    assert.equal(await count('watches'), before + 1);
    const link = /<code class="checkin-link" id="checkin-link" dir="ltr">([^<]+)<\/code>/.exec(created.html)?.[1];
    assert.ok(link, 'the link is on the page');
    assert.match(link, new RegExp(`^${t.url}/c/[A-Za-z0-9_-]{43}$`));
    assert.match(created.html, /Shown only now/);
    for (const secret of [PIN, DURESS, 'a webhook secret of some length']) assert.ok(!created.html.includes(secret), `the answer shows ${secret}`);

    const watch = (await t.api('GET', `/api/v1/watches?person_id=${person.id}`)).body.items[0];
    const full = (await t.api('GET', `/api/v1/watches/${watch.id}`)).body;
    assert.equal(full.interval, 'PT24H');
    assert.equal(full.grace, 'PT2H');
    assert.deepEqual(full.proxies, [sister.id]);
    assert.deepEqual(full.escalation, [
      { after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }, { email: 'sister@ngo.example' }] },
      { after: 'PT15M', ack_within: 'PT1H', notify: [{ webhook: 'https://hooks.partner.example/vigil' }] },
    ]);

    // The link is the person's: it works, with the PIN set in the form.
    const checkin = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `pin=${PIN}` });
    assert.equal(checkin.status, 200);
    // …and no page shows it again.
    const page = await web.get(`/watches/${watch.id}`);
    assert.equal(page.status, 200);
    assert.ok(!page.html.includes(link.slice(-43)), 'the watch page does not show the link');
    assert.match(page.html, /duty@ngo\.example/, 'the escalation plan, for a reader of secrets');
    assert.match(page.html, /hooks\.partner\.example/);
    assert.ok(!page.html.includes('a webhook secret of some length'));
    assert.match(page.html, /Check-in page/, 'the check-in is listed');
    const audit = await t.app.ctx.db.selectFrom('audit_entries').select(['action', 'entity_id']).where('action', '=', 'watch.read_secret').execute();
    assert.ok(audit.some((entry) => entry.entity_id === watch.id), 'reading the recipients is audited');
  });

  it('refuses bad set-up forms with a clear message by the field, and sets up nothing', async () => {
    const before = await count('watches');
    const cases: Array<[string, Record<string, string>, string, RegExp]> = [
      ['a duration in words', { interval: '24 hours please' }, 'interval', /Not a duration/],
      ['months', { interval: 'P1M' }, 'interval', /Months and years vary/],
      ['zero', { interval: '0s' }, 'interval', /longer than zero/],
      ['too long a grace', { grace: '400d' }, 'grace', /At most 366 days/],
      ['an endless duration', { interval: '9'.repeat(5000) }, 'interval', /Not a duration/],
      ['PINs that differ', { pin_repeat: '8675308' }, 'pin_repeat', /The two entries differ/],
      ['duress PINs that differ', { duress_pin_repeat: '5551213' }, 'duress_pin_repeat', /The two entries differ/],
      ['the same PIN twice', { duress_pin: PIN, duress_pin_repeat: PIN }, 'duress_pin', /Must differ from the PIN/],
      ['a short PIN', { pin: '12', pin_repeat: '12' }, 'pin', /At least 4 characters/],
      ['an oversized PIN', { pin: '7'.repeat(65), pin_repeat: '7'.repeat(65) }, 'pin', /at most 64/i],
      ['a control character in a PIN', { pin: '12\u000734', pin_repeat: '12\u000734' }, 'pin', /not allowed/],
      ['no recipient', { 'escalation.0.emails': '' }, 'escalation-0-emails', /at least one email address or a webhook/],
      ['a bad address', { 'escalation.0.emails': 'not-an-email' }, 'escalation-0-emails', /Not a valid email address/],
      ['markup as an address', { 'escalation.0.emails': HOSTILE }, 'escalation-0-emails', /Not a valid email address/],
      ['too many addresses', { 'escalation.0.emails': Array.from({ length: 21 }, (_, i) => `duty${i}@ngo.example`).join('\n') }, 'escalation-0-emails', /at most 20/],
      ['a webhook that is no web address', { 'escalation.0.webhook': 'ftp://hooks.example/x', 'escalation.0.webhook_secret': 'a webhook secret of some length' }, 'escalation-0-webhook', /https:\/\//],
      ['a short webhook secret', { 'escalation.0.webhook': 'https://hooks.example/x', 'escalation.0.webhook_secret': 'short' }, 'escalation-0-webhook_secret', /at least 16/],
      ['a webhook without its secret', { 'escalation.0.webhook': 'https://hooks.example/x' }, 'escalation-0-webhook_secret', /Required/],
      ['a second tier without its times', { 'escalation.1.emails': 'chief@ngo.example' }, 'escalation-1-after', /Required/],
      ['an unknown proxy', { proxy_cases: 'VG-999999' }, 'proxy_cases', /No person on record/],
      ['a proxy hidden by a direction override', { proxy_cases: `VG\u202E-${sister.case_number.slice(3)}` }, 'proxy_cases', /No person on record/],
      ['too long a list of proxies', { proxy_cases: 'VG-000002, '.repeat(50) }, 'proxy_cases', /Too long/],
      ['the person as her own proxy', { proxies: person.id }, 'proxies', /cannot be their own proxy/],
      ['no person at all', { person_id: '', case_number: '' }, 'case_number', /Required/],
      ['a case number that is not on record', { person_id: '', case_number: 'VG-999999' }, 'case_number', /No person on record/],
    ];
    for (const [what, changes, field, message] of cases) {
      const response = await web.post('/watches/new', watchForm(person.id, changes));
      assert.ok(response.status === 400 || response.status === 422, `${what}: ${response.status}`);
      const shown = textOf(response.html, `f-${field}-error`) ?? '';
      assert.match(shown, message, `${what}: ${shown} (${textOf(response.html, 'error-summary')})`);
      assert.match(response.html, /Nothing was saved/, what);
      assertEscaped(response.html);
      for (const secret of [PIN, DURESS]) assert.ok(!response.html.includes(`value="${secret}"`), `${what}: PINs are not sent back`);
    }
    // By case number, from the list of watches: the same form, the person named by their number.
    const byNumber = await web.post('/watches/new', watchForm(person.id, { person_id: '', case_number: person.case_number, pin_repeat: 'x' }));
    assert.equal(byNumber.status, 400);
    assert.match(byNumber.html, new RegExp(`value="${person.case_number}"`), 'the typed case number is kept');
    // Hostile text in a kept field comes back as text.
    const hostile = await web.post('/watches/new', watchForm(person.id, { interval: HOSTILE }));
    assert.equal(hostile.status, 400);
    assert.ok(hostile.html.includes('value="&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>"'));
    assertEscaped(hostile.html);
    assert.equal(await count('watches'), before, 'nothing was set up');
  });

  it('refuses set-up posts without the page’s token, from viewers, and for cases the user may not change', async () => {
    const before = await count('watches');
    const noToken = await web.post('/watches/new', { ...watchForm(person.id), _csrf: '' });
    assert.equal(noToken.status, 403);
    const crossSite = await web.post('/watches/new', watchForm(person.id), session(t), { origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    const viewer = session(t, 'viewer');
    assert.equal((await web.get(`/watches/new?person_id=${person.id}`, viewer)).status, 403);
    assert.equal((await web.post('/watches/new', watchForm(person.id), viewer)).status, 403);
    // Another case does not exist for this user, whatever way it is named.
    assert.equal((await web.get(`/watches/new?person_id=${stranger.id}`)).status, 404);
    assert.equal((await web.get('/watches/new?person_id=not-an-id')).status, 404);
    assert.equal((await web.post('/watches/new', watchForm(stranger.id))).status, 404);
    const byNumber = await web.post('/watches/new', watchForm('', { case_number: stranger.case_number }));
    assert.equal(byNumber.status, 400);
    assert.match(textOf(byNumber.html, 'f-case_number-error') ?? '', /No person on record/);
    const asProxy = await web.post('/watches/new', watchForm(person.id, { proxy_cases: stranger.case_number }));
    assert.match(textOf(asProxy.html, 'f-proxy_cases-error') ?? '', /No person on record/);
    assert.equal(await count('watches'), before);
  });

  it('records contact from the watch page, and refuses bad reports with nothing recorded', async () => {
    const watch = await newWatch(person.id, { proxies: [sister.id] });
    await passTime(5 * MINUTE);
    const before = await count('checkins');
    const bad: Array<[string, Record<string, string>, string, RegExp]> = [
      ['a time in the future', { at: '2099-01-01 00:00', channel: 'phone_call' }, 'at', /future/],
      ['a time before the watch', { at: '2020-01-01 00:00', channel: 'phone_call' }, 'at', /before the watch was set up/],
      ['words for a time', { at: 'yesterday evening', channel: 'phone_call' }, 'at', /Not a time/],
      ['no channel', { at: '2026-06-01 08:12', channel: '' }, 'channel', /Required/],
      ['an unknown channel', { at: '2026-06-01 08:12', channel: 'telepathy' }, 'channel', /Choose one/],
      ['someone who is neither the person nor a proxy', { at: '2026-06-01 08:12', channel: 'phone_call', by_person_id: stranger.id }, 'by_person_id', /Choose one/],
      ['a malformed person', { at: '2026-06-01 08:12', channel: 'phone_call', by_person_id: 'x' }, 'by_person_id', /Not a valid record id/],
      ['an oversized note', { at: '2026-06-01 08:12', channel: 'phone_call', note: 'n'.repeat(2001) }, 'note', /at most 2000/],
    ];
    for (const [what, form, field, message] of bad) {
      const response = await web.post(`/watches/${watch.id}/contact`, { by_person_id: '', note: '', ...form });
      assert.ok(response.status === 400 || response.status === 422, `${what}: ${response.status}`);
      assert.match(textOf(response.html, `f-contact-${field}-error`) ?? '', message, what);
    }
    assert.equal((await web.post(`/watches/${watch.id}/contact`, { at: '2026-06-01 08:12', channel: 'phone_call', _csrf: '' })).status, 403);
    assert.equal((await web.post(`/watches/${watch.id}/contact`, { at: '2026-06-01 08:12', channel: 'phone_call' }, session(t, 'viewer'))).status, 403);
    assert.equal(await count('checkins'), before, 'nothing was recorded');

    const good = await web.post(`/watches/${watch.id}/contact`, { at: '2026-06-01 08:12', channel: 'phone_call', by_person_id: sister.id, note: `${HOSTILE} ${BIDI}` });
    assert.equal(good.status, 303);
    assert.equal(good.location, `/watches/${watch.id}?saved=contact#checkins`);
    assert.equal(await count('checkins'), before + 1);
    const after = (await t.api('GET', `/api/v1/watches/${watch.id}`)).body;
    assert.equal(after.last_contact_at, '2026-06-01T08:12:00.000Z');
    const page = await web.get(good.location!.split('#')[0]!);
    assert.match(page.html, /Contact recorded/);
    assert.match(page.html, /Phone call/);
    assert.match(page.html, new RegExp(sister.case_number));
    assertEscaped(page.html);
    assert.ok(page.html.includes('&lt;script>alert(1)'), 'the note is shown, as text');
    assert.ok(!page.html.includes('\u202E'), 'a direction override is shown as a marker, not obeyed');
  });

  it('puts open alerts first and overdue watches next on the dashboard; acknowledging and resolving from the alert page', async () => {
    const watch = await newWatch(sister.id, { interval: 'PT20M' });
    const upcoming = await web.get('/');
    assert.match(textOf(upcoming.html, 'upcoming') ?? '', new RegExp(sister.case_number), 'coming due');
    await passTime(21 * MINUTE);
    const swept = await runDeadlineSweep(t.app.ctx);
    assert.ok(swept.missed >= 1);
    const alert = (await t.api('GET', `/api/v1/alerts?person_id=${sister.id}`)).body.items[0];
    assert.equal(alert.watch_id, watch.id);

    const home = await web.get('/');
    const alerts = home.html.slice(home.html.indexOf('id="open-alerts"'), home.html.indexOf('id="overdue-watches"'));
    const overdue = home.html.slice(home.html.indexOf('id="overdue-watches"'), home.html.indexOf('id="upcoming"'));
    assert.match(alerts, new RegExp(`href="/alerts/${alert.id}"`));
    assert.match(alerts, /Missed check-in/);
    assert.match(alerts, /No contact since the watch began/);
    assert.match(overdue, new RegExp(`href="/watches/${watch.id}"`));
    assert.match(overdue, /<tr class="overdue"/);
    assert.match(overdue, /Overdue by 1 min/);

    const list = await web.get('/alerts');
    assert.match(list.html, new RegExp(`href="/alerts/${alert.id}"`));
    assert.ok(!(await web.get('/alerts?state=resolved')).html.includes(`href="/alerts/${alert.id}"`));
    const odd = await web.get('/alerts?state=%3Cscript%3E&cursor=bogus');
    assert.equal(odd.status, 200);
    assert.match(odd.html, /filter/i);
    assertEscaped(odd.html);

    // The person's timeline: "No contact since …", linked to the alert; the watch summary beside it.
    const personPage = await web.get(`/persons/${sister.id}`);
    const timeline = textOf(personPage.html, 'timeline') ?? '';
    assert.match(timeline, /No contact since the watch began/);
    assert.match(personPage.html, new RegExp(`<a href="/alerts/${alert.id}">Open</a>`));
    assert.match(personPage.html, new RegExp(`href="/watches/${watch.id}"`));

    // Acknowledge once; a second time tells who has it.
    const ack = await web.post(`/alerts/${alert.id}/ack`, {});
    assert.equal(ack.status, 303);
    assert.equal(ack.location, `/alerts/${alert.id}?saved=acknowledged`);
    assert.equal((await alertOf(alert.id)).state, 'acknowledged');
    const again = await web.post(`/alerts/${alert.id}/ack`, {});
    assert.equal(again.status, 409);
    assert.match(again.html, /already acknowledged/);

    // Bad resolutions change nothing.
    const statuses = await count('status_entries');
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ outcome: '' }, /Required/],
      [{ outcome: 'kidnapped' }, /Choose one/],
      [{ outcome: HOSTILE }, /Choose one/],
      [{ outcome: 'contact_restored', note: 'n'.repeat(2001) }, /at most 2000/],
    ];
    for (const [form, message] of bad) {
      const response = await web.post(`/alerts/${alert.id}/resolve`, { note: '', ...form });
      assert.equal(response.status, 400);
      assert.match(response.html, message);
      assertEscaped(response.html);
    }
    assert.equal((await web.post(`/alerts/${alert.id}/resolve`, { outcome: 'contact_restored', _csrf: '' })).status, 403);

    // Detained: first the page says what will be written, and nothing is yet.
    const confirm = await web.post(`/alerts/${alert.id}/resolve`, { outcome: 'detained', note: `Police van seen. ${HOSTILE}` });
    assert.equal(confirm.status, 200);
    assert.match(confirm.html, /This writes on the timeline/);
    assert.match(confirm.html, /<strong>detained<\/strong>/);
    assert.match(confirm.html, new RegExp(clock.now().toISOString().slice(0, 10)));
    assert.match(confirm.html, /name="confirm" value="yes"/);
    assertEscaped(confirm.html);
    assert.equal((await alertOf(alert.id)).state, 'acknowledged');
    assert.equal(await count('status_entries'), statuses);

    const resolved = await web.post(`/alerts/${alert.id}/resolve`, { outcome: 'detained', note: `Police van seen. ${HOSTILE}`, confirm: 'yes' });
    assert.equal(resolved.status, 303);
    assert.equal(resolved.location, `/alerts/${alert.id}?saved=resolved`);
    const after = await alertOf(alert.id);
    assert.equal(after.state, 'resolved');
    assert.equal(after.outcome, 'detained');
    assert.equal(await count('status_entries'), statuses + 1);
    const timelineNow = (await t.api('GET', `/api/v1/persons/${sister.id}/statuses`)).body.items;
    assert.equal(timelineNow[0].status, 'detained');
    assert.equal((await web.post(`/alerts/${alert.id}/resolve`, { outcome: 'contact_restored' })).status, 409);

    const page = await web.get(resolved.location!);
    assert.match(page.html, /Alert resolved/);
    assert.match(page.html, /Detained/);
    assert.equal((page.html.match(/class="history-item/g) ?? []).length, 3, 'opened, acknowledged, resolved');
    assert.ok(!page.html.includes('id="acknowledge"') && !page.html.includes('id="resolve"'), 'nothing left to do');
    assertEscaped(page.html);
    assert.ok(!(await web.get('/')).html.includes(`href="/alerts/${alert.id}"`), 'a resolved alert leaves the dashboard');
    assert.ok(!(await web.get(`/persons/${sister.id}`)).html.includes('timeline-alerts'), 'and the timeline');
  });

  it('lists watches soonest deadline first, the overdue ones marked', async () => {
    const list = await web.get('/watches');
    assert.equal(list.status, 200);
    const shown = [...list.html.matchAll(/<tr( class="overdue")? data-watch="([^"]+)"/g)].map((m) => ({ id: m[2]!, overdue: Boolean(m[1]) }));
    const api = (await t.api('GET', '/api/v1/watches?limit=200')).body.items as Array<{ id: string; overdue: boolean; next_deadline: string }>;
    assert.ok(shown.length >= 3);
    assert.deepEqual(
      shown.map((w) => w.id),
      api.map((w) => w.id),
    );
    assert.deepEqual(
      shown.map((w) => w.overdue),
      api.map((w) => w.overdue),
    );
    assert.ok(shown.some((w) => w.overdue) && shown.some((w) => !w.overdue));
    const active = await web.get('/watches?state=active');
    assert.equal(active.status, 200);
    const bogus = await web.get(`/watches?state=${encodeURIComponent(HOSTILE)}`);
    assert.equal(bogus.status, 200);
    assertEscaped(bogus.html);
  });

  it('shows no watch or alert of a case the user is not a member of: 404 pages, absent from every list', async () => {
    const researcher = session(t);
    for (const path of [`/watches/${stranger.watchId}`, `/alerts/${stranger.alertId}`, `/watches/${newId()}`, `/alerts/${newId()}`, '/watches/not-an-id', '/alerts/not-an-id']) {
      const response = await web.get(path, researcher);
      assert.equal(response.status, 404, path);
      assert.ok(!response.html.includes('Secret Stranger'), path);
    }
    for (const path of ['/', '/watches', '/alerts', '/alerts?state=open']) {
      const page = await web.get(path, researcher);
      assert.equal(page.status, 200, path);
      for (const trace of [stranger.watchId, stranger.alertId, stranger.case_number, 'Secret Stranger']) assert.ok(!page.html.includes(trace), `${path} shows ${trace}`);
    }
    const alertsBefore = await alertOf(stranger.alertId, t.tokens.coordinator);
    const checkins = await count('checkins');
    assert.equal((await web.post(`/alerts/${stranger.alertId}/ack`, {}, researcher)).status, 404);
    assert.equal((await web.post(`/alerts/${stranger.alertId}/resolve`, { outcome: 'disappeared', confirm: 'yes' }, researcher)).status, 404);
    assert.equal((await web.post(`/watches/${stranger.watchId}/contact`, { at: '2026-06-01 08:30', channel: 'meeting' }, researcher)).status, 404);
    assert.deepEqual(await alertOf(stranger.alertId, t.tokens.coordinator), alertsBefore);
    assert.equal(await count('checkins'), checkins);

    // Its own members see it all.
    const coordinator = await web.get('/', session(t, 'coordinator'));
    assert.ok(coordinator.html.includes(`href="/alerts/${stranger.alertId}"`));
    assert.ok(!coordinator.html.includes(`/persons/${person.id}"`), 'and nothing of the researcher’s cases');

    // A member who only reads: the watch without its recipients, no forms, and posts refused.
    await t.addMember(stranger.id, 'researcher', { caseRole: 'viewer', by: 'coordinator' });
    const watchPage = await web.get(`/watches/${stranger.watchId}`, researcher);
    assert.equal(watchPage.status, 200);
    assert.ok(!watchPage.html.includes('duty@ngo.example'), 'recipients are for readers of secrets');
    assert.match(watchPage.html, /escalation plan is confidential/);
    assert.ok(!watchPage.html.includes('id="record-contact"'));
    const alertPage = await web.get(`/alerts/${stranger.alertId}`, researcher);
    assert.equal(alertPage.status, 200);
    assert.ok(!alertPage.html.includes('id="acknowledge"') && !alertPage.html.includes('id="resolve"'));
    assert.equal((await web.post(`/alerts/${stranger.alertId}/ack`, {}, researcher)).status, 403);
    assert.equal((await web.post(`/alerts/${stranger.alertId}/resolve`, { outcome: 'detained' }, researcher)).status, 403, 'not even the confirmation page');
    assert.equal((await web.post(`/watches/${stranger.watchId}/contact`, { at: '2026-06-01 08:30', channel: 'meeting' }, researcher)).status, 403);
    assert.deepEqual(await alertOf(stranger.alertId, t.tokens.coordinator), alertsBefore);
    assert.ok((await web.get('/', researcher)).html.includes(`href="/alerts/${stranger.alertId}"`), 'now on the dashboard');
  });

  it('marks drills as drills on the dashboard and the alert page', async () => {
    const watch = (await t.api('GET', `/api/v1/watches?person_id=${person.id}`)).body.items[0];
    const id = newId();
    await insertAlertOnce(t.app.ctx.db, { id, case_id: person.id, watch_id: watch.id, person_id: person.id, kind: 'drill', deadline_at: null, checkin_id: null, at: clock.now().toISOString() });
    const home = await web.get('/');
    const row = new RegExp(`<tr class="alert-open drill" data-alert="${id}"><td><strong class="chip drill-mark">DRILL</strong>`);
    assert.match(home.html, row);
    const page = await web.get(`/alerts/${id}`);
    assert.match(page.html, /This is a drill: a test of the alarm, not a real alert\./);
    const kk = await web.get(`/alerts/${id}?lang=kk`);
    assert.ok(kk.html.includes(translator('kk').t('alert.drill_mark')));
    assert.equal((await web.post(`/alerts/${id}/resolve`, { outcome: 'contact_restored' })).status, 303);
  });

  it('shows the break-glass notices on the dashboard, and marking them read comes back to it', async () => {
    const admin = session(t, 'admin');
    const opened = await web.post('/break-glass', { case_number: person.case_number, reason: 'Duty officer unreachable during an alert' }, admin);
    assert.equal(opened.status, 303);
    const home = await web.get('/');
    assert.match(home.html, /Duty officer unreachable during an alert/);
    assert.ok(home.html.indexOf('id="notices-title"') > home.html.indexOf('id="overdue-watches"'), 'after the alarms');
    const read = await web.post('/notices/read', { next: '/' });
    assert.equal(read.status, 303);
    assert.equal(read.location, '/');
    assert.ok(!(await web.get('/')).html.includes('Duty officer unreachable'));
    assert.equal((await web.post('/notices/read', { next: '//evil.example/' })).location, '/persons', 'only local addresses');
  });

  it('speaks every language on the dashboard, watch, alert and set-up pages, with no English left', async () => {
    const watch = (await t.api('GET', `/api/v1/watches?person_id=${sister.id}`)).body.items[0];
    const alert = (await t.api('GET', `/api/v1/alerts?person_id=${sister.id}`)).body.items[0];
    for (const lang of LANGUAGES) {
      const i18n = translator(lang);
      const pages: Array<[string, WebResponse]> = [
        ['dashboard', await web.get(`/?lang=${lang}`)],
        ['watches', await web.get(`/watches?lang=${lang}`)],
        ['watch', await web.get(`/watches/${watch.id}?lang=${lang}`)],
        ['alerts', await web.get(`/alerts?lang=${lang}`)],
        ['alert', await web.get(`/alerts/${alert.id}?lang=${lang}`)],
        ['new', await web.get(`/watches/new?person_id=${person.id}&lang=${lang}`)],
        ['bad form', await web.post(`/watches/new?lang=${lang}`, watchForm(person.id, { interval: 'P1M', pin_repeat: 'x' }))],
      ];
      for (const [what, page] of pages) {
        assert.ok(page.status === 200 || page.status === 400, `${lang} ${what}: ${page.status}`);
        assert.match(page.html, new RegExp(`<html lang="${lang}" dir="${i18n.dir}">`), `${lang} ${what}`);
        if (lang !== 'en') assert.deepEqual(englishLeft(page.html, lang), [], `${lang} ${what} shows English`);
        if (i18n.dir === 'rtl') assert.ok(!page.html.includes('\u2066'), `${lang} ${what}: no English fallback`);
      }
      assert.ok(pages[0]![1].html.includes(escape(i18n.t('dashboard.open_alerts'))), `${lang} dashboard`);
      assert.ok(pages[6]![1].html.includes(escape(i18n.t('watch.error.duration_months'))), `${lang} form errors`);
    }
  });
});

describe(`the check-in page in the browser's language (${BACKEND})`, () => {
  let t: TestApp;
  let link = '';
  const post = async (path: string, pin: string, language: string) => {
    const response = await fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': language }, body: new URLSearchParams({ pin }).toString() });
    const headers = Object.fromEntries([...response.headers.entries()].filter(([name]) => name !== 'date'));
    return { status: response.status, headers, body: await response.text() };
  };
  const get = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(t.url + path, { headers });
    return { status: response.status, vary: response.headers.get('vary'), body: await response.text() };
  };
  before(async () => {
    t = await startTestApp();
    const person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body;
    const watch = await t.api('POST', '/api/v1/watches', { body: watchBody(person.id) });
    link = watch.body.checkin_url;
  });
  after(async () => {
    await t?.stop();
  });

  it('picks the language from Accept-Language only, and shows a real and an unknown link alike', async () => {
    const bodies = new Map<string, string>();
    for (const [header, lang] of [
      ['kk-KZ,kk;q=0.9,ru;q=0.8', 'kk'],
      ['ru', 'ru'],
      ['zh-CN,zh;q=0.9', 'zh'],
      ['ug', 'ug'],
      ['en-GB', 'en'],
      ['de-DE,fr;q=0.8', 'en'],
      ['', 'en'],
    ] as const) {
      const i18n = translator(lang);
      const page = await get(link, header ? { 'accept-language': header } : {});
      assert.equal(page.status, 200);
      assert.match(page.vary ?? '', /accept-language/i);
      assert.ok(page.body.includes(`<html lang="${lang}"${i18n.dir === 'rtl' ? ' dir="rtl"' : ''}>`), `${header}: ${lang}`);
      assert.ok(page.body.includes(`<button type="submit">${escape(i18n.t('checkin.continue'))}</button>`), `${header}`);
      assert.ok(page.body.includes(`<title>${escape(i18n.t('checkin.title'))}</title>`));
      assert.ok(!/vigil|<script|<link|<style|style=|https?:\/\//i.test(page.body), 'still plain: no name, script, style or outside address');
      const unknown = await get(`/c/${'Q'.repeat(43)}`, header ? { 'accept-language': header } : {});
      assert.equal(unknown.body, page.body, `${header}: an unknown link looks the same`);
      if (bodies.has(lang)) assert.equal(bodies.get(lang), page.body);
      bodies.set(lang, page.body);
    }
    assert.equal(new Set(bodies.values()).size, 5, 'five languages, five pages');
    // Neither the app's language choice nor its cookie reaches this page.
    const chosen = await get(`${link}?lang=ru`, { 'accept-language': 'kk', cookie: 'vigil_lang=zh' });
    assert.equal(chosen.body, bodies.get('kk'));
  });

  it('answers the PIN and the duress PIN byte for byte alike in each language, and a wrong PIN alike too', async () => {
    assert.ok(link.startsWith('/c/'));
    const answers = new Map<string, string>();
    for (const [header, lang] of [['kk', 'kk'], ['ru-RU', 'ru'], ['zh-TW', 'zh'], ['ug-CN', 'ug'], ['en', 'en']] as const) {
      const ok = await post(link, PIN, header);
      const duress = await post(link, DURESS, header);
      assert.equal(ok.status, 200, `${lang}: ${ok.body}`);
      assert.deepEqual(duress, ok, `${lang}: status, headers and body are the same`);
      assert.ok(ok.body.includes(escape(translator(lang).t('checkin.saved'))), lang);
      answers.set(lang, ok.body);
      const wrong = await post(link, '0000', header);
      const unknown = await post(`/c/${lang.toUpperCase().repeat(21)}R`, '0000', header);
      assert.equal(wrong.status, 403);
      assert.deepEqual(unknown, wrong, `${lang}: an unknown link is refused as a wrong PIN is`);
      assert.ok(wrong.body.includes(escape(translator(lang).t('checkin.failed'))), lang);
    }
    assert.equal(new Set(answers.values()).size, 5);
    const rows = await t.app.ctx.db.selectFrom('checkins').select('kind').execute();
    assert.equal(rows.filter((row) => row.kind === 'duress').length, 5, 'each duress PIN was recorded as what it is');
  });
});
