import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { SESSION_HOURS } from '../src/web/web.pages.ts';
import { CATALOGS, LANGUAGES, fromAcceptLanguage, translator } from '../src/web/i18n.ts';
import en from '../src/web/messages/en.json' with { type: 'json' };
import { launchBrowser, openContext } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { cookieOf, inputValue, prepareSessions, session, sessionValue, textOf, webClient } from './helpers/web-client.ts';
import { enrolUser, signInForm, totpCode } from './helpers/accounts.ts';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const CYRILLIC = 'Жанаргүл Жұматай';
const ARABIC = 'جانارگۇل جۇماتاي';
const CHINESE = '加纳尔古丽·朱马泰';

async function personCount(t: TestApp): Promise<number> {
  const list = await t.api('GET', '/api/v1/persons?limit=200&include_retracted=true');
  return list.body.items.length;
}

function newPersonForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'names.0.text': CYRILLIC,
    'names.0.script': '',
    'names.0.lang': 'kk',
    'names.0.kind': 'primary',
    'names.1.text': ARABIC,
    'names.1.script': '',
    'names.1.lang': 'ug',
    'names.1.kind': 'alias',
    'names.2.text': '',
    'names.2.script': '',
    'names.2.lang': '',
    'names.2.kind': 'alias',
    sex: 'female',
    birth: '1970~',
    ethnicity: 'Kazakh',
    citizenships: 'cn, kz',
    risk: 'high',
    ...overrides,
  };
}

describe(`web UI over HTTP (${BACKEND})`, () => {
  let t: TestApp;
  let web: ReturnType<typeof webClient>;
  const clock = new ManualClock(new Date());
  before(async () => {
    t = await startTestApp({ clock });
    await prepareSessions(t);
    web = webClient(t);
  });
  after(async () => {
    await t.stop();
  });

  it('sends visitors without a session to the sign-in form and back', async () => {
    const root = await web.get('/', null);
    assert.equal(root.status, 303);
    assert.equal(root.location, '/login?next=%2F');
    const list = await web.get('/persons?risk=high', null);
    assert.equal(list.status, 303);
    assert.equal(list.location, '/login?next=%2Fpersons%3Frisk%3Dhigh');
    const login = await web.get('/login?next=%2Fpersons', null);
    assert.equal(login.status, 200);
    assert.match(login.html, /<form method="post" action="\/login"/);
    for (const name of ['email', 'password', 'totp']) assert.match(login.html, new RegExp(`name="${name}"`));
    assert.doesNotMatch(login.html, /name="token"/);
    assert.doesNotMatch(login.html, /Enter the demo/, 'no demo button without --demo');
    assert.equal((await web.post('/login/demo', {}, null)).status, 404);
    assert.equal((await web.post('/persons/new', newPersonForm(), null)).status, 303);
  });

  it('signs in with email, password and code into an HttpOnly, SameSite=Strict cookie, and refuses bad ones', async () => {
    const account = await enrolUser(t, () => clock.now());
    const bad = await signInForm(t, { email: account.email, password: 'not the right password', totp: '123456', next: '/persons' });
    assert.equal(bad.status, 401);
    assert.match(bad.html, /The email, password or code is not right/);
    assert.equal(bad.headers.getSetCookie().some((c) => c.startsWith('vigil_session=')), false);
    const empty = await signInForm(t, { email: '', password: '' });
    assert.equal(empty.status, 400);
    clock.advance(30_000);
    const good = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()), next: '/persons?risk=high' });
    assert.equal(good.status, 303);
    assert.equal(good.location, '/persons?risk=high');
    const cookie = good.headers.getSetCookie().find((c) => c.startsWith('vigil_session='))!;
    assert.match(cookie, /^vigil_session=vgl_[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const page = await web.get('/persons', cookie.split(';')[0]!);
    assert.equal(page.status, 200);
    // Only local paths are followed after signing in.
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      clock.advance(30_000);
      const redirected = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()), next });
      assert.equal(redirected.location, '/persons', next);
    }
  });

  it('signs in with a session of its own, which signing out revokes while API tokens live on', async () => {
    const account = await enrolUser(t, () => clock.now());
    const apiToken = (await t.api('POST', `/api/v1/users/${account.id}/tokens`, { token: t.tokens.admin, body: { name: 'script' } })).body.token;
    clock.advance(30_000);
    const signedIn = await signInForm(t, { email: account.email, password: account.password, totp: totpCode(account.secret, clock.now()) });
    const cookie = cookieOf(signedIn, 'vigil_session')!;
    const sessionToken = decodeURIComponent(cookie.split('=')[1]!);
    const confirm = await web.get('/logout', cookie);
    assert.equal(confirm.status, 200);
    assert.match(confirm.html, /<form method="post" action="\/logout"/);
    const out = await web.post('/logout', {}, cookie);
    assert.equal(out.status, 303);
    assert.equal(out.location, '/login?signed_out=1');
    assert.match(out.headers.get('set-cookie') ?? '', /^vigil_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    // The old cookie no longer opens anything; a session is never an API token; the user's API token still works.
    assert.equal((await web.get('/persons', cookie)).status, 303);
    assert.equal((await t.api('GET', '/api/v1/persons', { token: sessionToken })).status, 401);
    assert.equal((await t.api('GET', '/api/v1/persons', { token: apiToken })).status, 200);
  });

  it('ends a web session after its lifetime', async () => {
    const account = await enrolUser(t, () => clock.now());
    const cookie = account.session;
    assert.equal((await web.get('/persons', cookie)).status, 200);
    clock.advance(SESSION_HOURS * 3600_000 + 1000);
    try {
      assert.equal((await web.get('/persons', cookie)).status, 303);
    } finally {
      clock.advance(-(SESSION_HOURS * 3600_000 + 1000));
    }
  });

  it('never lets the API act on the session cookie, and survives a malformed cookie', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const forged = await fetch(`${t.url}/api/v1/persons/${person.id}/statuses`, {
      method: 'POST',
      headers: { cookie: session(t), origin: 'http://127.0.0.1:9', 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'deceased', date: '2030' }),
    });
    assert.equal(forged.status, 401);
    const asForm = await t.api('POST', `/api/v1/persons/${person.id}/retract`, { raw: 'reason=forged+by+a+form', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(asForm.status, 415);
    assert.equal((await t.api('GET', `/api/v1/persons/${person.id}`)).body.retracted, false);
    for (const path of ['/healthz', '/login', '/api/v1/persons']) {
      const res = await fetch(t.url + path, { headers: { cookie: 'vigil_session=%E0%A4%A' } });
      assert.notEqual(res.status, 500, path);
    }
  });

  it('shows hostile names as text on every page, and invisible characters as visible markers', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', {
      body: personInput({
        names: [
          { text: HOSTILE, script: 'Latn' },
          { text: 'Ali\u202Eveli\u200B', script: 'Latn', kind: 'alias' },
        ],
        hometown: HOSTILE,
        notes: `<b>${HOSTILE}</b>`,
      }),
    });
    await t.api('POST', `/api/v1/persons/${person.id}/statuses`, { body: { status: 'detained', date: '2021', place: HOSTILE, note: HOSTILE } });
    for (const path of ['/persons?limit=200', `/persons/${person.id}`, `/persons/${person.id}/edit`, `/persons/${person.id}/retract`]) {
      const page = await web.get(path);
      assert.equal(page.status, 200, path);
      assert.ok(!page.html.includes('<script>alert'), `${path} must not contain a live script tag`);
      assert.ok(!page.html.includes('<img src=x'), `${path} must not contain a live img tag`);
      assert.ok(!page.html.includes('<b><'), path);
      assert.ok(page.html.includes('&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>'), `${path} shows the name as text`);
      // The edit form keeps the exact characters in the input (a name is evidence) and warns beside it.
      const outsideInputs = page.html.replace(/<input[^>]*>/g, '');
      assert.ok(!outsideInputs.includes('\u202E') && !outsideInputs.includes('\u200B'), `${path} never shows the invisible characters raw`);
    }
    const edit = await web.get(`/persons/${person.id}/edit`);
    assert.equal(inputValue(edit.html, 'names.1.text'), 'Ali\u202Eveli\u200B');
    assert.match(edit.html, /Contains invisible characters/);
    const personPage = await web.get(`/persons/${person.id}`);
    assert.ok(personPage.html.includes('Ali⟨U+202E⟩veli⟨U+200B⟩'));
    assert.match(personPage.html, /Contains invisible characters \(direction controls, zero-width characters\)/);
    // No inline script or style anywhere: the CSP forbids them, and pages do not need them.
    assert.doesNotMatch(personPage.html, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(personPage.html, /\sstyle=|<style/);
    assert.match(personPage.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(personPage.headers.get('cache-control'), 'no-store');
  });

  it('creates a person from the form with Cyrillic and Arabic-script names, recognising their scripts', async () => {
    const created = await web.post('/persons/new', newPersonForm());
    assert.equal(created.status, 303);
    assert.match(created.location ?? '', /^\/persons\/[0-9a-f-]{36}\?saved=created$/);
    const id = created.location!.split('/')[2]!.split('?')[0]!;
    const { body: person } = await t.api('GET', `/api/v1/persons/${id}`);
    assert.deepEqual(
      person.names.map((n: { text: string; script: string; lang: string; kind: string }) => [n.text, n.script, n.lang, n.kind]),
      [
        [CYRILLIC, 'Cyrl', 'kk', 'primary'],
        [ARABIC, 'Arab', 'ug', 'alias'],
      ],
    );
    assert.equal(person.ethnicity, 'kazakh');
    assert.deepEqual(person.citizenships, ['CN', 'KZ']);
    assert.equal(person.birth, '1970~');
    const page = await web.get(created.location!);
    assert.match(page.html, /Case file VG-\d{6} created\./);
    assert.ok(page.html.includes(`<bdi dir="auto" lang="ug-Arab" class="nm script-Arab">${ARABIC}</bdi>`));
    assert.ok(page.html.includes(`<bdi dir="auto" lang="kk-Cyrl" class="nm script-Cyrl big">${CYRILLIC}</bdi>`));
  });

  it('shows validation errors next to their fields, keeps what was typed, and saves nothing', async () => {
    const before = await personCount(t);
    const bad = await web.post(
      '/persons/new',
      newPersonForm({ birth: 'sometime in 1970', 'names.0.text': 'Abc Абв', 'names.1.lang': 'not a language!', citizenships: 'China', 'consent.given_by': 'her sister' }),
    );
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.html, 'f-birth-error') ?? '', /Not a date Vigil understands/);
    assert.match(textOf(bad.html, 'f-names-0-script-error') ?? '', /could not be recognised/);
    assert.match(textOf(bad.html, 'f-names-1-lang-error') ?? '', /Not a language code/);
    assert.match(textOf(bad.html, 'f-citizenships-error') ?? '', /two-letter country codes/);
    assert.match(textOf(bad.html, 'f-consent-publicity-error') ?? '', /Required/);
    assert.equal(inputValue(bad.html, 'birth'), 'sometime in 1970');
    assert.equal(inputValue(bad.html, 'names.0.text'), 'Abc Абв');
    assert.equal(inputValue(bad.html, 'names.1.text'), ARABIC);
    assert.equal(inputValue(bad.html, 'citizenships'), 'China');
    assert.match(bad.html, /aria-invalid="true"/);
    assert.match(bad.html, /<a href="#f-birth">Born<\/a>/, 'the summary links to the field');
    assert.equal(await personCount(t), before);

    const noNames = await web.post('/persons/new', { 'names.0.text': '   ', sex: 'female' });
    assert.equal(noNames.status, 400);
    assert.match(noNames.html, /Enter at least one name\./);
    const control = await web.post('/persons/new', newPersonForm({ 'names.0.text': 'A\u0001B', 'names.0.script': 'Latn' }));
    assert.equal(control.status, 400);
    assert.match(textOf(control.html, 'f-names-0-text-error') ?? '', /not allowed/);
    const long = await web.post('/persons/new', newPersonForm({ 'names.0.text': 'Ж'.repeat(301) }));
    assert.equal(long.status, 400);
    assert.match(textOf(long.html, 'f-names-0-text-error') ?? '', /at most 300 characters/);
    const wrongChoice = await web.post('/persons/new', newPersonForm({ risk: 'apocalyptic', 'names.0.script': 'Klingon' }));
    assert.equal(wrongChoice.status, 400);
    assert.match(textOf(wrongChoice.html, 'f-risk-error') ?? '', /Choose one of the options/);
    assert.match(textOf(wrongChoice.html, 'f-names-0-script-error') ?? '', /Choose one of the options/);
    const huge = await web.post('/persons/new', newPersonForm({ notes: 'x'.repeat(1_100_000) }));
    assert.equal(huge.status, 413);
    assert.match(huge.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(await personCount(t), before);
  });

  it('adds name rows without JavaScript, keeping what was typed', async () => {
    const more = await web.post('/persons/new', newPersonForm({ _action: 'more_rows', 'names.0.text': 'Serikzhan' }));
    assert.equal(more.status, 200);
    assert.equal(inputValue(more.html, 'names.0.text'), 'Serikzhan');
    assert.notEqual(inputValue(more.html, 'names.6.text'), null, 'two names typed plus five empty rows');
    assert.equal(inputValue(more.html, 'names.7.text'), null);
  });

  it('adds status entries from the person page; the current status follows the latest date', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const added = await web.post(`/persons/${person.id}/statuses`, { status: 'detained', date: '2021-02-19', place: 'Ghulja', whereabouts_acknowledged: 'no', contact_permitted: '', note: '' });
    assert.equal(added.status, 303);
    assert.equal(added.location, `/persons/${person.id}?saved=status#timeline`);
    let page = await web.get(`/persons/${person.id}`);
    assert.match(page.html, /Current status: <\/span><span class="current-status"><span class="chip tone-bad">detained<\/span>/);
    const earlier = await web.post(`/persons/${person.id}/statuses`, { status: 'summoned', date: '2020', place: '', whereabouts_acknowledged: '', contact_permitted: '', note: '' });
    assert.equal(earlier.status, 303);
    page = await web.get(`/persons/${person.id}`);
    assert.match(page.html, /Current status: <\/span><span class="current-status"><span class="chip tone-bad">detained/, 'an earlier date does not become current');
    await web.post(`/persons/${person.id}/statuses`, { status: 'disappeared', date: '2021-06~', place: '', whereabouts_acknowledged: 'denied', contact_permitted: 'unknown', note: '' });
    page = await web.get(`/persons/${person.id}`);
    assert.match(page.html, /Current status: <\/span><span class="current-status"><span class="chip tone-grave">disappeared<\/span> <span class="muted"><span class="date" dir="ltr" title="2021-06~">2021-06 \(approx\.\)/);
    const list = await web.get('/persons?status=disappeared&limit=200');
    assert.ok(list.html.includes(`/persons/${person.id}`));

    const bad = await web.post(`/persons/${person.id}/statuses`, { status: 'vanished', date: 'last spring', place: 'Ürümchi', whereabouts_acknowledged: '', contact_permitted: '', note: 'typed note' });
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.html, 'f-date-error') ?? '', /Not a date Vigil understands/);
    assert.match(textOf(bad.html, 'f-status-error') ?? '', /Choose one of the options/);
    assert.equal(inputValue(bad.html, 'date'), 'last spring');
    assert.equal(inputValue(bad.html, 'place'), 'Ürümchi');
    assert.match(bad.html, />typed note<\/textarea>/);
    const statuses = await t.api('GET', `/api/v1/persons/${person.id}/statuses`);
    assert.equal(statuses.body.items.length, 3);
  });

  it('retracts a status entry with a reason and works out the current status again', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    await t.api('POST', `/api/v1/persons/${person.id}/statuses`, { body: { status: 'detained', date: '2020' } });
    const { body: wrong } = await t.api('POST', `/api/v1/persons/${person.id}/statuses`, { body: { status: 'deceased', date: '2022' } });
    const form = await web.get(`/persons/${person.id}/statuses/${wrong.id}/retract`);
    assert.equal(form.status, 200);
    const short = await web.post(`/persons/${person.id}/statuses/${wrong.id}/retract`, { reason: 'no', version: '1' });
    assert.equal(short.status, 400);
    assert.match(textOf(short.html, 'f-reason-error') ?? '', /at least 3 characters/);
    const done = await web.post(`/persons/${person.id}/statuses/${wrong.id}/retract`, { reason: 'rumour, denied by family', version: '1' });
    assert.equal(done.status, 303);
    const { body: now } = await t.api('GET', `/api/v1/persons/${person.id}`);
    assert.equal(now.current_status.status, 'detained');
    const page = await web.get(`/persons/${person.id}?retracted=1`);
    assert.match(page.html, /rumour, denied by family/);
  });

  it('edits with the current version, and explains a stale version without losing the typed change', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput({ occupation: 'teacher' }) });
    const editPage = await web.get(`/persons/${person.id}/edit`);
    assert.equal(editPage.status, 200);
    assert.equal(inputValue(editPage.html, 'version'), '1');
    assert.equal(inputValue(editPage.html, 'names.0.text'), 'Жанаргүл Жұматай');
    assert.equal(inputValue(editPage.html, 'citizenships'), 'CN');
    // Someone else saves first: the risk (untouched here) and the occupation (changed here too).
    await t.api('PATCH', `/api/v1/persons/${person.id}`, { body: { risk: 'critical', occupation: 'nurse', version: 1 } });
    const form: Array<[string, string]> = [
      ['version', '1'],
      ['names.0.text', 'Жанаргүл Жұматай'],
      ['names.0.script', 'Cyrl'],
      ['names.0.lang', 'kk'],
      ['names.0.kind', 'primary'],
      ['names.1.text', 'Zhanargul Zhumatai'],
      ['names.1.script', 'Latn'],
      ['names.1.lang', 'en'],
      ['names.1.kind', 'transliteration'],
      ['occupation', 'school teacher'],
      ['hometown', 'Ghulja'],
      ['risk', 'high'],
      ['sex', 'female'],
      ['birth', '1970~'],
      ['ethnicity', 'kazakh'],
      ['citizenships', 'CN'],
    ];
    const stale = await web.post(`/persons/${person.id}/edit`, form);
    assert.equal(stale.status, 409);
    assert.match(stale.html, /Someone else changed this record while you were editing/);
    assert.match(stale.html, /You started from version 1; the record is now at version 2/);
    assert.match(stale.html, /Their changes to Risk are now in the form, together with yours\./);
    assert.match(stale.html, /You both changed Occupation: the form keeps what you typed/);
    assert.match(stale.html, /Now saved: <bdi dir="auto">nurse<\/bdi>/);
    assert.equal(inputValue(stale.html, 'occupation'), 'school teacher', 'the typed change is still in the form');
    assert.equal(inputValue(stale.html, 'hometown'), 'Ghulja');
    assert.match(stale.html, /<option value="critical" selected>critical<\/option>/, 'their risk is taken into the form');
    assert.equal(inputValue(stale.html, 'version'), '2');
    const { body: unchanged } = await t.api('GET', `/api/v1/persons/${person.id}`);
    assert.equal(unchanged.occupation, 'nurse');
    assert.equal(unchanged.hometown, null);
    // Saving the re-shown form (as a browser would) applies both people's changes.
    const resubmitted = form.map(([k, v]): [string, string] => [k, k === 'version' ? '2' : k === 'risk' ? 'critical' : v]);
    const saved = await web.post(`/persons/${person.id}/edit`, resubmitted);
    assert.equal(saved.status, 303);
    assert.equal(saved.location, `/persons/${person.id}?saved=saved`);
    const { body: after } = await t.api('GET', `/api/v1/persons/${person.id}`);
    assert.equal(after.occupation, 'school teacher');
    assert.equal(after.hometown, 'Ghulja');
    assert.equal(after.risk, 'critical');
    assert.equal(after.version, 3);
    const history = await web.get(`/persons/${person.id}#history`);
    assert.match(history.html, /<del><bdi dir="auto">nurse<\/bdi><\/del>/);
  });

  it('shows events, sources, relations and interventions on the person page, all escaped', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const { body: sister } = await t.api('POST', '/api/v1/persons', {
      body: personInput({ names: [{ text: 'Гүлназ Бекболат', script: 'Cyrl', lang: 'kk' }] }),
    });
    const { body: actor } = await t.api('POST', '/api/v1/actors', { body: { name: 'Toli County Public Security Bureau', type: 'police' } });
    assert.equal(actor.name, 'Toli County Public Security Bureau');
    const event = await t.api('POST', '/api/v1/events', {
      body: {
        title: `Taken from home ${HOSTILE}`,
        date: '2021-02-19',
        place: 'Toli county',
        person_id: person.id,
        acts: [
          { type: 'arrest', victim_id: person.id, perpetrators: [{ actor_id: actor.id, involvement: 'direct' }], status_at_end: 'detained' },
          { type: 'threat', victim_id: sister.id, perpetrators: [{ actor_id: actor.id, involvement: 'ordered' }] },
        ],
      },
    });
    assert.equal(event.status, 201);
    await t.api('POST', '/api/v1/sources', {
      body: { kind: 'phone_call', title: 'Call with her sister', person_id: person.id, confidential: true, confidential_identity: 'her sister, via a neighbour' },
    });
    await t.api('POST', '/api/v1/relations', {
      body: { from_person_id: person.id, to_person_id: sister.id, relation: 'sister', trusted_contact: true, contact: { phone: '+86 139 0000 4127' } },
    });
    await t.api('POST', '/api/v1/interventions', { body: { person_id: person.id, type: 'wgeid_urgent', addressee: 'UN WGEID', status: 'sent', date: '2021-03' } });
    const page = await web.get(`/persons/${person.id}`);
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('Taken from home &lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>'));
    assert.ok(!page.html.includes('<script>alert'));
    assert.match(page.html, /<strong>arrest<\/strong>/);
    assert.match(page.html, /Toli County Public Security Bureau<\/bdi><span class="muted"> \(police\)<\/span>/);
    assert.match(page.html, /– ordered it/);
    assert.match(page.html, new RegExp(`Victim: </span><a href="/persons/${sister.id}" class="person-link">`));
    assert.match(page.html, /Call with her sister/);
    assert.match(page.html, /her sister, via a neighbour/);
    assert.match(page.html, /sister of this person/);
    assert.match(page.html, /\+86 139 0000 4127/);
    assert.match(page.html, /WGEID urgent action/);
    assert.match(page.html, /<h2>Events<span class="count">1<\/span><\/h2>/);
    const sisterPage = await web.get(`/persons/${sister.id}`);
    assert.match(sisterPage.html, /this person is their sister/);
  });

  it('adds a source and logs an intervention from the person page, with field errors', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const badDate = await web.post(`/persons/${person.id}/sources`, { kind: 'media_article', title: 'Report', date: 'yesterday' });
    assert.equal(badDate.status, 400);
    assert.match(textOf(badDate.html, 'f-source-date-error') ?? '', /Not a date/);
    const badSource = await web.post(`/persons/${person.id}/sources`, { kind: 'media_article', title: 'Report', url: 'javascript:alert(1)', date: '2026' });
    assert.equal(badSource.status, 400);
    assert.match(textOf(badSource.html, 'f-source-url-error') ?? '', /http:\/\/ or https:\/\//);
    assert.equal(inputValue(badSource.html, 'url'), 'javascript:alert(1)');
    assert.equal(inputValue(badSource.html.slice(badSource.html.indexOf('id="add-source"')), 'date'), '2026');
    assert.equal(inputValue(badSource.html, 'date'), '', 'the status form on the same page stays empty');
    assert.match(badSource.html, /<details class="add-form" open id="add-source">/);
    assert.doesNotMatch(badSource.html, /href="javascript:/);
    const noTitle = await web.post(`/persons/${person.id}/sources`, { kind: 'testimony', title: '  ' });
    assert.equal(noTitle.status, 400);
    assert.match(textOf(noTitle.html, 'f-source-title-error') ?? '', /at least 1 characters|Required/);
    const source = await web.post(`/persons/${person.id}/sources`, {
      kind: 'media_article',
      title: 'Herders’ advocate says police push her into a psychiatric ward',
      publisher: 'Steppe Ledger',
      url: 'https://steppe-ledger.example.org/2026/07/18/',
      date: '2026-07-18',
      language: 'en',
      reliability: 'medium',
    });
    assert.equal(source.status, 303);
    assert.equal(source.location, `/persons/${person.id}?saved=source#sources`);
    const sources = await t.api('GET', `/api/v1/sources?person_id=${person.id}`);
    assert.equal(sources.body.items.length, 1);
    assert.equal(sources.body.items[0].publisher, 'Steppe Ledger');
    assert.equal(sources.body.items[0].confidential, false);

    const badIntervention = await web.post(`/persons/${person.id}/interventions`, { type: 'carrier_pigeon', status: 'sent', addressee: 'UN' });
    assert.equal(badIntervention.status, 400);
    assert.match(textOf(badIntervention.html, 'f-intervention-type-error') ?? '', /Choose one of the options/);
    assert.equal(inputValue(badIntervention.html, 'addressee'), 'UN');
    const logged = await web.post(`/persons/${person.id}/interventions`, { type: 'embassy', addressee: 'Embassy in Astana', date: '2026-08', status: '', note: 'letter delivered by hand', response: '' });
    assert.equal(logged.status, 303);
    const { body: list } = await t.api('GET', `/api/v1/interventions?person_id=${person.id}`);
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].status, 'draft');
    const page = await web.get(logged.location!);
    assert.match(page.html, /Intervention logged\./);
    assert.match(page.html, /href="https:\/\/steppe-ledger\.example\.org\/2026\/07\/18\/" rel="noreferrer noopener nofollow"/);
    assert.equal((await web.post(`/persons/${person.id}/sources`, { kind: 'testimony', title: 'x' }, session(t, 'viewer'))).status, 403);
  });

  it('lets viewers read but not write: no edit buttons, 403 on every post', async () => {
    const viewer = session(t, 'viewer');
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    await t.addMember(person.id, 'viewer', { caseRole: 'viewer' });
    const page = await web.get(`/persons/${person.id}`, viewer);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.html, /\/edit"/);
    assert.doesNotMatch(page.html, /action="\/persons\/[^"]+\/statuses"/);
    assert.doesNotMatch(page.html, /href="\/persons\/new"/);
    assert.match(page.html, /your role cannot change it/);
    assert.equal((await web.get('/persons/new', viewer)).status, 403);
    assert.equal((await web.get(`/persons/${person.id}/edit`, viewer)).status, 403);
    const posts = [
      web.post('/persons/new', newPersonForm(), viewer),
      web.post(`/persons/${person.id}/edit`, { version: '1', 'names.0.text': 'X', 'names.0.script': 'Latn' }, viewer),
      web.post(`/persons/${person.id}/statuses`, { status: 'detained', date: '2021' }, viewer),
      web.post(`/persons/${person.id}/retract`, { reason: 'viewer tries', version: '1' }, viewer),
    ];
    for (const response of await Promise.all(posts)) {
      assert.equal(response.status, 403);
      assert.match(response.html, /can read case files but cannot change them/);
    }
    const { body: still } = await t.api('GET', `/api/v1/persons/${person.id}`);
    assert.equal(still.version, 1);
    assert.equal(still.current_status, null);
  });

  it('refuses form posts sent from another site', async () => {
    const before = await personCount(t);
    const response = await web.post('/persons/new', newPersonForm(), session(t), { origin: 'https://evil.example' });
    assert.equal(response.status, 403);
    assert.match(response.html, /sent from another site/);
    const fetchSite = await web.post('/persons/new', newPersonForm(), session(t), { 'sec-fetch-site': 'cross-site' });
    assert.equal(fetchSite.status, 403);
    const opaque = await web.post('/persons/new', newPersonForm(), session(t), { origin: 'null' });
    assert.equal(opaque.status, 403, 'an opaque origin (sandboxed frame) is not this site');
    const sameSitePort = await web.post('/persons/new', newPersonForm(), session(t), { origin: 'http://127.0.0.1:9' });
    assert.equal(sameSitePort.status, 403, 'another port on the same host is another site');
    assert.equal(await personCount(t), before);
    const ownForm = await web.post('/persons/new', newPersonForm(), session(t), { origin: 'null', 'sec-fetch-site': 'same-origin' });
    assert.equal(ownForm.status, 303, 'our own no-referrer pages post with Origin: null');
    const sameOrigin = await web.post('/persons/new', newPersonForm(), session(t), { origin: t.url });
    assert.equal(sameOrigin.status, 303);
  });

  it('retracts a person with a reason; the list hides it and the page says why', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput({ ethnicity: 'tatar' }) });
    const short = await web.post(`/persons/${person.id}/retract`, { reason: ' x ', version: '1' });
    assert.equal(short.status, 400);
    assert.match(textOf(short.html, 'f-reason-error') ?? '', /Too short/);
    const stale = await web.post(`/persons/${person.id}/retract`, { reason: 'duplicate of VG-000001', version: '7' });
    assert.equal(stale.status, 409);
    const garbled = await web.post(`/persons/${person.id}/retract`, { reason: 'duplicate of VG-000001', version: 'latest' });
    assert.equal(garbled.status, 400, 'a version that is not a number is refused, not skipped');
    assert.equal((await t.api('GET', `/api/v1/persons/${person.id}`)).body.retracted, false);
    const done = await web.post(`/persons/${person.id}/retract`, { reason: 'duplicate of VG-000001', version: '1' });
    assert.equal(done.status, 303);
    const page = await web.get(`/persons/${person.id}`);
    assert.match(page.html, /This case file was retracted on \d{4}-\d\d-\d\d\. Reason: <bdi dir="auto">duplicate of VG-000001<\/bdi>/);
    assert.doesNotMatch(page.html, /\/edit"/);
    const list = await web.get('/persons?ethnicity=tatar');
    assert.ok(!list.html.includes(person.id));
    assert.equal((await web.get(`/persons/${person.id}/edit`)).status, 409);
  });

  it('filters the list by status, ethnicity and risk, and pages forward and back', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await t.api('POST', '/api/v1/persons', { body: personInput({ ethnicity: 'salar', risk: i === 4 ? 'low' : 'medium' }) });
      ids.push(body.id);
    }
    const low = await web.get('/persons?ethnicity=salar&risk=low');
    assert.ok(low.html.includes(ids[4]!));
    for (const id of ids.slice(0, 4)) assert.ok(!low.html.includes(id));
    const page1 = await web.get('/persons?ethnicity=salar&risk=medium&limit=2');
    assert.ok(page1.html.includes(ids[0]!) && page1.html.includes(ids[1]!) && !page1.html.includes(ids[2]!));
    assert.doesNotMatch(page1.html, /rel="prev"/);
    const next1 = /<a href="([^"]+)" rel="next"/.exec(page1.html)![1]!.replace(/&amp;/g, '&');
    assert.match(next1, /ethnicity=salar/);
    const page2 = await web.get(next1);
    assert.ok(page2.html.includes(ids[2]!) && page2.html.includes(ids[3]!) && !page2.html.includes(ids[1]!));
    const prev2 = /<a href="([^"]+)" rel="prev"/.exec(page2.html)![1]!.replace(/&amp;/g, '&');
    const back = await web.get(prev2);
    assert.ok(back.html.includes(ids[0]!) && back.html.includes(ids[1]!) && !back.html.includes(ids[2]!));
    assert.doesNotMatch(page2.html, /rel="next"/, 'four medium-risk salar persons fit on two pages');
    const none = await web.get('/persons?status=deceased&ethnicity=salar');
    assert.match(none.html, /No persons match these filters\./);
    const hostileFilter = await web.get(`/persons?risk=${encodeURIComponent(HOSTILE)}&ethnicity=${encodeURIComponent(HOSTILE)}&cursor=%00&back=x.%3Cb%3E`);
    assert.equal(hostileFilter.status, 200);
    assert.match(hostileFilter.html, /Some filters were not understood/);
    assert.ok(!hostileFilter.html.includes('<script>alert'));
  });

  it('answers unknown and malformed addresses with an HTML page, not JSON', async () => {
    const unknown = await web.get('/persons/01a22566-2c15-770d-9624-01048a0a9716');
    assert.equal(unknown.status, 404);
    assert.match(unknown.html, /There is no person with this id/);
    const malformed = await web.get('/persons/..%2F..%2Fetc');
    assert.equal(malformed.status, 404);
    const nowhere = await web.get('/no/such/page');
    assert.equal(nowhere.status, 404);
    assert.match(nowhere.headers.get('content-type') ?? '', /text\/html/);
    assert.match(nowhere.html, /<html lang="en" dir="ltr">/);
  });

  it('chooses the language from ?lang, then the cookie, then Accept-Language; ug is right-to-left', async () => {
    const ug = await web.get('/persons?lang=ug');
    assert.match(ug.html, /<html lang="ug" dir="rtl">/);
    assert.match(ug.html, /كىشىلەر/);
    assert.match(ug.headers.get('set-cookie') ?? '', /^vigil_lang=ug; Path=\/; HttpOnly; SameSite=Lax; Max-Age=31536000/);
    const remembered = await web.get('/persons', `${session(t)}; vigil_lang=ug`);
    assert.match(remembered.html, /<html lang="ug" dir="rtl">/);
    const kk = await web.get('/persons', session(t), { 'accept-language': 'kk-KZ,ru;q=0.8' });
    assert.match(kk.html, /<html lang="kk" dir="ltr">/);
    assert.match(kk.html, /Адамдар/);
    const ru = await web.get('/persons', session(t), { 'accept-language': 'de;q=1, ru;q=0.5, en;q=0.4' });
    assert.match(ru.html, /<html lang="ru" dir="ltr">/);
    assert.match(ru.html, /Люди/);
    const zh = await web.get('/persons?lang=zh', session(t), { 'accept-language': 'ru' });
    assert.match(zh.html, /<html lang="zh" dir="ltr">/);
    assert.match(zh.html, /人员/);
    const unknown = await web.get('/persons?lang=xx', `${session(t)}; vigil_lang=%3Cscript%3E`);
    assert.match(unknown.html, /<html lang="en" dir="ltr">/);
    assert.equal(unknown.headers.get('set-cookie'), null);
    // Switching language keeps the page and its filters.
    assert.match(ug.html, /href="\/persons\?lang=ru" hreflang="ru"/);
    const filtered = await web.get('/persons?risk=high&lang=en');
    assert.match(filtered.html, /href="\/persons\?risk=high&amp;lang=kk"/);
    const ruError = await web.post('/persons/new', newPersonForm({ birth: 'когда-то' }), `${session(t)}; vigil_lang=ru`);
    assert.match(textOf(ruError.html, 'f-birth-error') ?? '', /Дата не распознана/);
  });

  it('serves its own assets with the right types and caching', async () => {
    const page = await web.get('/persons');
    const css = /href="(\/assets\/vigil\.css\?v=[0-9a-f]+)"/.exec(page.html)![1]!;
    const js = /src="(\/assets\/vigil\.js\?v=[0-9a-f]+)"/.exec(page.html)![1]!;
    const cssResponse = await web.get(css, null);
    assert.equal(cssResponse.status, 200);
    assert.equal(cssResponse.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(cssResponse.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(cssResponse.html, /margin-inline-start/);
    const jsResponse = await web.get(js, null);
    assert.equal(jsResponse.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const icon = await web.get('/assets/favicon.svg', null);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.equal(icon.headers.get('cache-control'), 'no-cache', 'an unversioned URL is revalidated');
    const etag = cssResponse.headers.get('etag')!;
    const revalidated = await web.get(css, null, { 'if-none-match': etag });
    assert.equal(revalidated.status, 304);
    assert.equal((await web.get('/assets/..%2Fi18n.ts', null)).status, 404);
    assert.equal((await web.get('/assets/nope.css', null)).status, 404);
    // Every page asks only for files on this server.
    const references = [...page.html.matchAll(/\b(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(references.length > 5);
    for (const reference of references) assert.match(reference, /^(\/|#|\?)/, reference);
  });

  it('has the same keys in every message catalog, with the same placeholders', () => {
    const keys = Object.keys(en).sort();
    for (const lang of LANGUAGES) {
      assert.deepEqual(Object.keys(CATALOGS[lang]).sort(), keys, `${lang} has exactly the English keys`);
      for (const [key, text] of Object.entries(CATALOGS[lang])) {
        assert.equal(typeof text, 'string', `${lang} ${key}`);
        if (lang === 'en') assert.notEqual(text, '', `English is complete: ${key}`);
        if (!text) continue;
        const placeholders = (value: string) => (value.match(/\{\w+\}/g) ?? []).sort();
        assert.deepEqual(placeholders(text), placeholders((en as Record<string, string>)[key]!), `${lang} ${key} placeholders`);
      }
    }
    assert.equal(translator('kk').t('nav.persons'), 'Адамдар');
    const translated = CATALOGS.ug['filter.legend']!;
    CATALOGS.ug['filter.legend'] = ''; // as if not yet translated
    try {
      assert.equal(translator('ug').t('filter.legend'), '\u2066Filter the list\u2069', 'English fallback, isolated as LTR in an RTL page');
    } finally {
      CATALOGS.ug['filter.legend'] = translated;
    }
    assert.equal(fromAcceptLanguage('zh-TW;q=0.9, en;q=0.8'), 'zh');
    assert.equal(fromAcceptLanguage('de, fr;q=0.5'), null);
    assert.equal(fromAcceptLanguage('ru;q=0, en'), 'en');
  });
});

describe('web UI sign-in with --demo (sqlite)', () => {
  it('offers a one-click demo sign-in as a case worker', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-web-demo-'));
    // The demo flag only changes the sign-in page here, so this runs on SQLite alone whatever VIGIL_TEST_DB says.
    const config = { ...readConfig({ data: dataDir, port: 0, demo: true }, {}), logger: false };
    const app = await createApp(config);
    try {
      const url = await app.start();
      const login = await fetch(`${url}/login`);
      const html = await login.text();
      assert.match(html, /<form method="post" action="\/login\/demo">/);
      assert.match(html, /Enter the demo as a case worker/);
      const csrf = /action="\/login\/demo"><input type="hidden" name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      const browser = cookieOf(login, 'vigil_csrf')!;
      const post = (body: string) =>
        fetch(`${url}/login/demo`, { method: 'POST', redirect: 'manual', headers: { cookie: browser, 'content-type': 'application/x-www-form-urlencoded' }, body });
      assert.equal((await post('next=%2Fpersons%2Fnew')).status, 403, 'not without the form’s CSRF token');
      const entered = await post(`next=%2Fpersons%2Fnew&_csrf=${csrf}`);
      assert.equal(entered.status, 303);
      assert.equal(entered.headers.get('location'), '/persons/new');
      const cookie = entered.headers.get('set-cookie')!;
      assert.match(cookie, /^vigil_session=vgl_[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
      const form = await fetch(`${url}/persons/new`, { headers: { cookie: cookie.split(';')[0]! } });
      assert.equal(form.status, 200, 'a demo case worker may write');
      assert.match(await form.text(), /Signed in as coordinator/);
    } finally {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe(`web UI in Chromium (${BACKEND})`, () => {
  let t: TestApp;
  let browser: Browser;
  before(async () => {
    t = await startTestApp();
    await prepareSessions(t);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('works end to end with JavaScript disabled, and never leaves the server', async () => {
    const { body: other } = await t.api('POST', '/api/v1/persons', {
      body: personInput({ names: [{ text: 'ئابدۇۋەلى ئايۇپ', script: 'Arab', lang: 'ug' }, { text: CHINESE, script: 'Hans', lang: 'zh', kind: 'official_chinese' }], ethnicity: 'uyghur' }),
    });
    const c = await openContext(browser, t.url, { javaScriptEnabled: false });
    const page = c.page;
    try {
      // Sign in.
      await page.goto(`${t.url}/persons`);
      assert.equal(new URL(page.url()).pathname, '/login');
      // Signing in itself is tested in login-browser.test.ts; here the browser starts with a session.
      await c.context.addCookies([{ name: 'vigil_session', value: sessionValue(t, 'researcher'), url: t.url }]);
      await page.goto(`${t.url}/persons`);
      assert.equal(new URL(page.url()).pathname, '/persons');
      assert.ok(await page.locator(`a[href="/persons/${other.id}"]`).first().isVisible());

      // Create with a validation error first, then fixed.
      await page.click('.mainnav a[href="/persons/new"]');
      await page.fill('#f-names-0-text', CYRILLIC);
      await page.fill('#f-names-0-lang', 'kk');
      await page.fill('#f-names-1-text', ARABIC);
      await page.fill('#f-names-1-lang', 'ug');
      await page.fill('#f-birth', 'about 1970');
      await page.selectOption('#f-risk', 'critical');
      await page.click('.form-actions button[type=submit]');
      assert.equal(await page.locator('#f-birth-error').textContent(), 'Not a date Vigil understands: see the examples below.');
      assert.ok(await page.locator('#f-birth-error').isVisible());
      assert.equal(await page.inputValue('#f-names-1-text'), ARABIC, 'typed names survive the error');
      await page.screenshot({ path: '/tmp/vigil-web-form-error.png', fullPage: true });
      await page.fill('#f-birth', '1970~');
      await page.press('#f-birth', 'Enter');
      assert.match(page.url(), /\/persons\/[0-9a-f-]{36}\?saved=created$/, 'Enter saves, it does not add rows');
      const personUrl = page.url().split('?')[0]!;
      assert.equal(await page.locator('.person-name bdi').textContent(), CYRILLIC);
      assert.equal(await page.locator('.person-other-names bdi[lang="ug-Arab"]').textContent(), ARABIC);
      assert.equal(await page.locator('.person-status').textContent(), 'Current status: no status recorded');

      // The Arabic-script name runs right to left inside the left-to-right page, the Cyrillic one left to right.
      const direction = (selector: string) => page.locator(selector).evaluate((el) => getComputedStyle(el).direction);
      assert.equal(await direction('.person-other-names bdi[lang="ug-Arab"]'), 'rtl');
      assert.equal(await direction('.person-name bdi'), 'ltr');

      // Add a status; the current status changes.
      await page.selectOption('#f-status', 'detained');
      await page.fill('#f-date', '2021-02-19');
      await page.fill('#f-place', 'Ghulja');
      await page.click('#add-status button[type=submit]');
      assert.equal(await page.locator('.person-status .chip').textContent(), 'detained');
      assert.match((await page.locator('.notice-ok').textContent()) ?? '', /Status entry added/);

      // The list filter finds her.
      await page.goto(`${t.url}/persons`);
      await page.selectOption('#f-status', 'detained');
      await page.click('.filters button[type=submit]');
      assert.match(page.url(), /status=detained/);
      assert.equal(await page.locator('.persons-list tbody tr').count(), 1);
      assert.equal(await page.locator('.persons-list tbody tr bdi').first().textContent(), CYRILLIC);
      await page.screenshot({ path: '/tmp/vigil-web-list.png', fullPage: true });

      // Two tabs edit the same record: the second save meets a clear conflict message.
      const tabB = await c.context.newPage();
      await page.goto(`${personUrl}/edit`);
      await tabB.goto(`${personUrl}/edit`);
      await tabB.fill('#f-occupation', 'nurse');
      await tabB.click('.form-actions button[type=submit]');
      assert.match(tabB.url(), /saved=saved/);
      await page.fill('#f-hometown', 'Ghulja');
      await page.click('.form-actions button[type=submit]');
      assert.match((await page.locator('.notice-warn').textContent()) ?? '', /Someone else changed this record while you were editing/);
      assert.match((await page.locator('.notice-warn').textContent()) ?? '', /Occupation/);
      assert.equal(await page.inputValue('#f-hometown'), 'Ghulja');
      assert.equal(await page.inputValue('#f-occupation'), 'nurse', 'their change is taken into the form');
      await page.click('.form-actions button[type=submit]');
      assert.match(page.url(), /saved=saved/);
      await tabB.close();
      const { body: merged } = await t.api('GET', `/api/v1/persons/${personUrl.split('/').pop()}`);
      assert.equal(merged.occupation, 'nurse');
      assert.equal(merged.hometown, 'Ghulja');

      // Right to left in Uyghur: the page mirrors, the brand sits at the right.
      await page.goto(`${personUrl}?lang=ug`);
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      assert.equal(await page.locator('html').getAttribute('lang'), 'ug');
      const brand = await page.locator('.brand').boundingBox();
      assert.ok(brand && brand.x > 640, `brand on the right in RTL (x=${brand?.x})`);
      await page.screenshot({ path: '/tmp/vigil-web-person-ug.png', fullPage: true });
      await page.goto(`${t.url}/persons`);
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl', 'the language choice is remembered');

      const origin = new URL(t.url).origin;
      assert.ok(c.requests.length > 10);
      for (const url of c.requests) assert.ok(url.startsWith(`${origin}/`), `request left the server: ${url}`);
      assert.deepEqual(c.errors, []);
    } finally {
      await c.close();
    }
  });

  it('runs its small script when JavaScript is on: adds a name row in place, without CSP errors', async () => {
    const c = await openContext(browser, t.url, { javaScriptEnabled: true });
    const page = c.page;
    try {
      await c.context.addCookies([{ name: 'vigil_session', value: sessionValue(t, 'researcher'), url: t.url }]);
      await page.goto(`${t.url}/persons/new`);
      assert.equal(await page.locator('[data-name-row]').count(), 3);
      await page.click('[data-add-name-row]');
      assert.equal(await page.locator('[data-name-row]').count(), 4);
      assert.equal(new URL(page.url()).pathname, '/persons/new', 'no round trip');
      await page.fill('#f-names-0-text', 'Serikzhan Bilash');
      await page.fill('#f-names-3-text', 'Серікжан Біләш');
      await page.click('.form-actions button[type=submit]');
      assert.match(page.url(), /saved=created/);
      assert.equal(await page.locator('.person-other-names bdi').textContent(), 'Серікжан Біләш');
      // A failed save moves focus to the list of problems.
      await page.goto(`${t.url}/persons/new`);
      await page.fill('#f-names-0-text', 'X');
      await page.fill('#f-birth', 'never');
      await page.click('.form-actions button[type=submit]');
      await page.waitForLoadState('load');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
      const origin = new URL(t.url).origin;
      for (const url of c.requests) assert.ok(url.startsWith(`${origin}/`), `request left the server: ${url}`);
      assert.deepEqual(c.errors, [], 'no console errors (a CSP violation would be one)');
    } finally {
      await c.close();
    }
  });
});
