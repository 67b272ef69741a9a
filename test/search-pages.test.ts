import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import en from '../src/web/messages/en.json' with { type: 'json' };
import { CATALOGS, LANGUAGES } from '../src/web/i18n.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';

const name = (text: string, script: string, lang: string | null, kind = 'primary') => ({ text, script, lang, kind });
const hitIds = (html: string) => [...html.matchAll(/<li class="search-hit" data-person-id="([^"]+)"/g)].map((m) => m[1]!);

/** The /search page and the header's search box, over real HTTP. */
describe(`web UI: search page (${BACKEND})`, () => {
  let t: TestApp;
  let web: ReturnType<typeof webClient>;
  const ids: Record<string, string> = {};
  const search = (params: Record<string, string>, role: Parameters<typeof session>[1] = 'researcher') =>
    web.get(`/search?${new URLSearchParams(params).toString()}`, session(t, role));

  before(async () => {
    t = await startTestApp();
    await prepareSessions(t);
    web = webClient(t);
    const create = async (key: string, names: ReturnType<typeof name>[], extra: Record<string, unknown> = {}, token = t.tokens.researcher) => {
      const response = await t.api('POST', '/api/v1/persons', { body: personInput({ names, ...extra }), token });
      assert.equal(response.status, 201, response.text);
      ids[key] = response.body.id;
    };
    await create('zhanargul', [name('Жанаргүл Жұматай', 'Cyrl', 'kk'), name('Zhanargul Zhumatai', 'Latn', null, 'transliteration'), name('加娜尔古丽', 'Hans', 'zh', 'transliteration')], {
      national_id: 'KZ-SECRET-4411',
      notes: 'secret note of the case',
      hometown: 'Ürümqi',
    });
    await create('ilham', [name('ئىلھام توختى', 'Arab', 'ug')], { ethnicity: 'uyghur' });
    await create('theirs', [name('Zhanargul Zhumatayeva', 'Latn', 'en')], {}, t.tokens.coordinator);
  });
  after(() => t?.stop());

  it('finds a person by another script, links the case, shows names with their language and direction, and says why', async () => {
    const page = await search({ q: 'Zhanargul Zhumatai' });
    assert.equal(page.status, 200);
    assert.equal(hitIds(page.html)[0], ids.zhanargul);
    assert.match(page.html, new RegExp(`<a href="/persons/${ids.zhanargul}" class="hit-case"><span class="case-no" dir="ltr">VG-\\d+</span></a>`));
    assert.match(page.html, /<bdi dir="auto" lang="kk-Cyrl"[^>]*>Жанаргүл Жұматай<\/bdi>/);
    assert.match(page.html, /<bdi dir="auto" lang="zh-Hans"[^>]*>加娜尔古丽<\/bdi>/);
    assert.match(page.html, /class="hit-why"><bdi dir="auto">Latin Zhanargul/);
    assert.ok(!page.html.includes('KZ-SECRET-4411') && !page.html.includes('secret note'), 'no secret field in a result list');
    const arabic = await search({ q: 'Ilham Tohti' });
    assert.equal(hitIds(arabic.html)[0], ids.ilham);
    assert.match(arabic.html, /<bdi dir="auto" lang="ug-Arab"[^>]*>ئىلھام توختى<\/bdi>/);
  });

  it('shows only the cases the reader may read: non-members, viewers and admins see nothing of another case', async () => {
    assert.ok(!hitIds((await search({ q: 'Zhanargul Zhumatayeva' })).html).includes(ids.theirs));
    const coordinator = await search({ q: 'Zhanargul Zhumatai' }, 'coordinator');
    assert.ok(!hitIds(coordinator.html).includes(ids.zhanargul), 'a non-member coordinator');
    assert.ok(!coordinator.html.includes('Жанаргүл'));
    assert.deepEqual(hitIds((await search({ q: 'Zhanargul' }, 'viewer')).html), [], 'a viewer of no case');
    const admin = await search({ q: '加娜尔古丽' }, 'admin');
    assert.equal(admin.status, 200);
    assert.deepEqual(hitIds(admin.html), [], 'an admin is no member by role');
    assert.ok(!admin.html.includes('Жанаргүл'));
    await t.addMember(ids.zhanargul, 'viewer', { caseRole: 'viewer' });
    const viewer = await search({ q: '加娜尔古丽' }, 'viewer');
    assert.deepEqual(hitIds(viewer.html), [ids.zhanargul], 'a viewer member');
    assert.ok(!viewer.html.includes('KZ-SECRET-4411'));
    // The place filter reads the hometown, which is visible to members only.
    assert.deepEqual(hitIds((await search({ q: 'Zhanargul', place: 'urumqi' }, 'coordinator')).html), []);
    assert.deepEqual(hitIds((await search({ q: 'Zhanargul', place: 'urumqi' }, 'viewer')).html), [ids.zhanargul]);
  });

  it('needs a signed-in reader; the header box is on signed-in pages only', async () => {
    const anonymous = await web.get('/search?q=Zhanargul', null);
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.location, '/login?next=%2Fsearch%3Fq%3DZhanargul');
    const persons = await web.get('/persons');
    assert.match(persons.html, /<form method="get" action="\/search" class="site-search" role="search"[^>]*><label for="site-search-q"[^>]*>Search persons by any form of a name<\/label><input id="site-search-q" type="search" name="q"/);
    assert.ok(!(await web.get('/login', null)).html.includes('site-search'), 'not on the sign-in page');
    const watch = await t.api('POST', '/api/v1/watches', {
      body: { person_id: ids.zhanargul, interval: 'PT24H', grace: 'PT2H', pin: '314159', duress_pin: '271828', proxies: [], escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'team@ngo.example' }] }] },
    });
    assert.equal(watch.status, 201, watch.text);
    const checkin = await web.get(watch.body.checkin_url, null);
    assert.equal(checkin.status, 200);
    assert.ok(!checkin.html.includes('site-search') && !checkin.html.includes('/search'), 'not on the check-in page');
    const signedInCheckin = await web.get(watch.body.checkin_url);
    assert.ok(!signedInCheckin.html.includes('site-search'), 'not on the check-in page, even for a signed-in browser');
  });

  it('filters by status, place and date range from the form; empty fields are no filter', async () => {
    const added = await t.api('POST', `/api/v1/persons/${ids.zhanargul}/statuses`, { body: { status: 'camp', date: '2018-03' } });
    assert.equal(added.status, 201, added.text);
    const all = { q: 'Zhanargul', status: '', ethnicity: '', place: '', from: '', to: '' };
    assert.deepEqual(hitIds((await search(all)).html), [ids.zhanargul]);
    assert.deepEqual(hitIds((await search({ ...all, status: 'camp' })).html), [ids.zhanargul]);
    const other = await search({ ...all, status: 'detained' });
    assert.deepEqual(hitIds(other.html), []);
    assert.match(other.html, /id="search-empty"/);
    assert.match(other.html, /<option value="detained" selected>/, 'the chosen filter stays chosen');
    assert.deepEqual(hitIds((await search({ ...all, place: 'ÜRÜMQI' })).html), [ids.zhanargul]);
    assert.deepEqual(hitIds((await search({ ...all, place: 'Almaty' })).html), []);
    assert.deepEqual(hitIds((await search({ ...all, from: '2018', to: '2018' })).html), [ids.zhanargul]);
    assert.deepEqual(hitIds((await search({ ...all, from: '2019' })).html), []);
  });

  it('answers a bad or hostile query with a clear message on the page, 400 or 200, never a 500, all text escaped', async () => {
    const empty = await search({ q: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.html, /id="search-error"/);
    assert.match(empty.html, /Type part of a name to search for\./);
    const long = await search({ q: 'Zhanargul '.repeat(1000) });
    assert.equal(long.status, 400);
    assert.match(long.html, /At most 200 characters|at most 200/i);
    const badDate = await search({ q: 'Zhanargul', from: '<script>alert(1)</script>' });
    assert.equal(badDate.status, 400);
    assert.match(badDate.html, /<p class="field-error" id="f-from-error">/);
    assert.ok(!badDate.html.includes('<script>alert(1)</script>'));
    assert.match(badDate.html, /value="&lt;script>alert\(1\)&lt;\/script>"/, 'what was typed comes back, escaped');
    const range = await search({ q: 'Zhanargul', from: '2020', to: '2019' });
    assert.equal(range.status, 400);
    assert.match(range.html, /The end of the range is before its start\./);
    for (const q of ['<script>alert(1)</script>', "' OR 1=1 --", 'Жанаргүл\u200dZhumatai', '"Zhanargul" NEAR/2 *', '%_%', '\u202eliaH', '!!!']) {
      const page = await search({ q, status: '<img src=x onerror=alert(1)>', ethnicity: '"><script>alert(2)</script>' });
      assert.ok(page.status === 200 || page.status === 400, `${q}: ${page.status}`);
      assert.ok(!/<script>alert|<img src=x/.test(page.html), `${q}: escaped`);
    }
    const hostile = await search({ q: '<script>alert(1)</script>' });
    assert.match(hostile.html, /<title>Search: &lt;script>alert\(1\)&lt;\/script> · Vigil<\/title>/);
    const array = await web.get('/search?q=Zhanargul&q=Zhumatai&status=camp&status=detained');
    assert.equal(array.status, 200, 'repeated fields read as the first');
    const unknown = await web.get('/search?q=Zhanargul&limit=abc&zzz=1');
    assert.equal(unknown.status, 200, 'unknown parameters are ignored');
  });

  it('speaks the reader’s language, right to left in Uyghur', async () => {
    const ug = await web.get('/search?q=Ilham&lang=ug');
    assert.match(ug.html, /<html lang="ug" dir="rtl">/);
    assert.ok(ug.html.includes(CATALOGS.ug['search.title']!));
    assert.ok(ug.html.includes(CATALOGS.ug['nav.search_label']!));
    for (const lang of LANGUAGES) {
      for (const key of Object.keys(en).filter((k) => k.startsWith('search.') || k.startsWith('nav.search'))) {
        assert.ok(CATALOGS[lang][key], `${lang} ${key}`);
        if (lang !== 'en' && key !== 'search.title_for') assert.notEqual(CATALOGS[lang][key], (en as Record<string, string>)[key], `${lang} ${key} translated`);
      }
    }
  });
  it('shows words found in free text the reader may see, with a snippet; a secret note only to a member allowed secrets', async () => {
    const source = await t.api('POST', '/api/v1/sources', { body: { kind: 'testimony', title: 'Testimony of a cellmate in the Kuitun detention centre', person_id: ids.zhanargul } });
    assert.equal(source.status, 201, source.text);
    const page = await search({ q: 'kuitun cellmate' });
    assert.equal(page.status, 200);
    assert.match(page.html, /<section class="text-hits" id="text-hits"/);
    assert.match(page.html, /<p class="hit-snippet"><bdi dir="auto">Testimony of a cellmate in the Kuitun detention centre<\/bdi><\/p>/);
    const note = await search({ q: 'secret note' });
    assert.match(note.html, /<bdi dir="auto">secret note of the case<\/bdi>/, 'the coordinator of the case finds the note');
    const viewer = await search({ q: 'secret note' }, 'viewer');
    assert.equal(viewer.status, 200);
    assert.ok(!viewer.html.includes('secret note of the case'), 'a viewer member never sees a secret note');
    assert.match((await search({ q: 'kuitun cellmate' }, 'viewer')).html, /Testimony of a cellmate in the Kuitun/, 'a viewer member sees what is not secret');
    const outsider = await search({ q: 'kuitun cellmate' }, 'coordinator');
    assert.ok(!outsider.html.includes('Kuitun'), 'a non-member finds nothing of the case');
    const hostile = await search({ q: '<b>kuitun</b>' });
    assert.ok(!hostile.html.includes('<b>kuitun</b>'), 'the query is escaped');
  });
});
