import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, readConfig } from '../src/config.ts';
import { initialsOf, initialsPerScript, yearOfEdtf } from '../src/public/public.presenter.ts';
import { PUBLIC_KEY_ROW_CAP } from '../src/public/public.repository.ts';
import { personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';

/** Issue 7: the public register. Every test goes through real HTTP, signed out unless it says otherwise. */

const PUBLICITIES = ['named', 'anonymous', 'none'] as const;
const LOCATIONS = ['exact', 'region', 'hidden'] as const;

async function get(t: TestApp, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(t.url + path, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A person made by the coordinator (who may publish), with a status entry; answers its id and case number. */
async function makePerson(t: TestApp, overrides: Record<string, unknown>, status: Record<string, unknown> | null = { status: 'detained', date: '2019-03-02', place: 'Ghulja detention centre' }) {
  const created = await t.api('POST', '/api/v1/persons', { token: t.tokens.coordinator, body: personInput(overrides) });
  assert.equal(created.status, 201, created.text);
  if (status) {
    const entry = await t.api('POST', `/api/v1/persons/${created.body.id}/statuses`, { token: t.tokens.coordinator, body: status });
    assert.equal(entry.status, 201, entry.text);
  }
  return { id: created.body.id as string, case_number: created.body.case_number as string };
}

async function patchPerson(t: TestApp, id: string, body: Record<string, unknown>, token = t.tokens.coordinator) {
  const current = await t.api('GET', `/api/v1/persons/${id}`, { token: t.tokens.coordinator });
  return t.api('PATCH', `/api/v1/persons/${id}`, { token, body: { ...body, version: current.body.version } });
}

describe('initials (pure)', () => {
  it('takes the first letter of each word, keeping Latin digraphs, and a Chinese surname with 某', () => {
    assert.equal(initialsOf('Zhanargul Zhumatai'), 'Zh. Zh.');
    assert.equal(initialsOf('Жанаргүл Жұматай'), 'Ж. Ж.');
    assert.equal(initialsOf('Ilham\u202E Tohti'), 'I. T.');
    assert.equal(initialsOf('\u200Bshirin   kasym-ova'), 'Sh. K. O.');
    assert.equal(initialsOf('张三'), '张某');
    assert.equal(initialsOf('ئىلھام توختى'), 'ئ. ت.');
    assert.equal(initialsOf('123 !!'), '');
  });
  it('gives one initials form per script, from the primary name first, never from an alias or birth name', () => {
    const names = [
      { text: 'Жанаргүл Жұматай', script: 'Cyrl', lang: 'kk', kind: 'primary' },
      { text: 'Other Alias', script: 'Latn', lang: 'en', kind: 'alias' },
      { text: 'Zhanargul Zhumatai', script: 'Latn', lang: 'en', kind: 'transliteration' },
      { text: 'Жаңа Есім', script: 'Cyrl', lang: 'kk', kind: 'transliteration' },
    ];
    assert.deepEqual(initialsPerScript(names), [
      { text: 'Ж. Ж.', script: 'Cyrl', lang: 'kk' },
      { text: 'Zh. Zh.', script: 'Latn', lang: 'en' },
    ]);
  });
  it('reads the year of an EDTF date', () => {
    assert.equal(yearOfEdtf('1970-05-12'), '1970');
    assert.equal(yearOfEdtf('1970~'), '1970');
    assert.equal(yearOfEdtf('197X'), '197X');
    assert.equal(yearOfEdtf(null), null);
    assert.equal(yearOfEdtf('..'), null);
  });
});

describe('public register', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    await prepareSessions(t);
  });
  after(async () => {
    await t?.stop();
  });

  describe('every consent level', () => {
    const made = new Map<string, { id: string; case_number: string; full: string[] }>();
    before(async () => {
      let n = 0;
      for (const publicity of PUBLICITIES) {
        for (const location of LOCATIONS) {
          n++;
          const cyr = `Жанаргүл Жұматайқызы${'а'.repeat(n)}`;
          const lat = `Zhanargul Zhumataikyzy${'a'.repeat(n)}`;
          const person = await makePerson(t, {
            names: [
              { text: cyr, script: 'Cyrl', lang: 'kk', kind: 'primary' },
              { text: lat, script: 'Latn', lang: 'en', kind: 'transliteration' },
            ],
            birth: '1970-05-12',
            hometown: `Nilka county, village Tasbulak${n}`,
            consent: { publicity, location, given_by: 'her sister', date: '2022' },
            published: true,
          });
          made.set(`${publicity}/${location}`, { ...person, full: [cyr, lat] });
        }
      }
    });

    for (const publicity of PUBLICITIES) {
      for (const location of LOCATIONS) {
        it(`${publicity} × ${location}`, async () => {
          const person = made.get(`${publicity}/${location}`)!;
          const page = await get(t, `/public/cases/${person.case_number}`);
          assert.equal(page.status, 200);
          const html = page.body;
          assert.ok(html.includes(person.case_number));
          // Names
          for (const full of person.full) assert.equal(html.includes(full), publicity === 'named', `full name ${full} under ${publicity}`);
          if (publicity === 'named') {
            assert.match(html, /<bdi dir="auto" lang="kk-Cyrl"[^>]*>Жанаргүл/);
            assert.match(html, /lang="en-Latn"[^>]*>Zhanargul/);
          }
          assert.equal(html.includes('Ж. Ж.') && html.includes('Zh. Zh.'), publicity === 'anonymous', `initials under ${publicity}`);
          assert.equal(html.includes('Name withheld'), publicity === 'none');
          // Birth
          assert.equal(html.includes('1970-05-12'), publicity === 'named');
          assert.equal(html.includes('1970'), publicity !== 'none');
          // Places
          const town = `Tasbulak`;
          assert.equal(html.includes(town), location === 'exact', `hometown under ${location}`);
          assert.equal(html.includes('Ghulja detention centre'), location === 'exact', `status place under ${location}`);
          assert.equal(html.includes('>Ili<'), location === 'region', `region under ${location}`);
          // Always
          assert.ok(html.includes('detained') || html.includes('Detained'));
          assert.ok(html.includes('2019-03-02'));
          assert.ok(!html.includes('her sister'), 'who gave consent is not public');
          // The list shows the same as the case page
          const list = await get(t, '/public');
          for (const full of person.full) assert.equal(list.body.includes(full), publicity === 'named');
        });
      }
    }

    it('a published person without consent shows no name and no place', async () => {
      const person = await makePerson(t, { names: [{ text: 'Consentless Personname', script: 'Latn', lang: 'en' }], hometown: 'Ghulja', published: true });
      const html = (await get(t, `/public/cases/${person.case_number}`)).body;
      assert.ok(!html.includes('Consentless') && !html.includes('C. P.'));
      assert.ok(!html.includes('Ghulja') && !html.includes('>Ili<'));
      assert.ok(html.includes('Name withheld'));
    });
  });

  describe('publishing', () => {
    it('a researcher may not publish through the API, and is told why; a coordinator may', async () => {
      const refused = await t.api('POST', '/api/v1/persons', { token: t.tokens.researcher, body: personInput({ consent: { publicity: 'named', location: 'exact' }, published: true }) });
      assert.equal(refused.status, 403);
      assert.match(refused.body.error.message, /coordinator or an administrator may publish/);
      const draft = await t.api('POST', '/api/v1/persons', { token: t.tokens.researcher, body: personInput({ names: [{ text: 'Researcherdraft Person', script: 'Latn' }], consent: { publicity: 'named', location: 'exact' } }) });
      assert.equal(draft.status, 201);
      const patch = await t.api('PATCH', `/api/v1/persons/${draft.body.id}`, { token: t.tokens.researcher, body: { published: true, version: draft.body.version } });
      assert.equal(patch.status, 403);
      assert.equal((await t.api('GET', `/api/v1/persons/${draft.body.id}`)).body.published, false, 'nothing changed');
      assert.equal((await get(t, `/public/cases/${draft.body.case_number}`)).status, 404);
      await t.addMember(draft.body.id, 'coordinator', { caseRole: 'coordinator' });
      assert.equal((await patchPerson(t, draft.body.id, { published: true })).status, 200);
      assert.equal((await get(t, `/public/cases/${draft.body.case_number}`)).status, 200);
      assert.ok((await get(t, '/public?q=Researcherdraft')).body.includes(draft.body.case_number));
      // A researcher may take it off again, at once, from every page and the feed.
      const down = await patchPerson(t, draft.body.id, { published: false }, t.tokens.researcher);
      assert.equal(down.status, 200, down.text);
      assert.equal((await get(t, `/public/cases/${draft.body.case_number}`)).status, 404);
      assert.ok(!(await get(t, '/public?q=Researcherdraft')).body.includes(draft.body.case_number));
      assert.ok(!(await get(t, '/public')).body.includes(draft.body.case_number));
      assert.ok(!(await get(t, '/public/feed.atom')).body.includes(draft.body.case_number));
    });

    it('a researcher may narrow the consent of a published case, not widen it', async () => {
      const person = await makePerson(t, { consent: { publicity: 'anonymous', location: 'region' }, published: true });
      await t.addMember(person.id, 'researcher', { by: 'coordinator' });
      const wider = await patchPerson(t, person.id, { consent: { publicity: 'named', location: 'region' } }, t.tokens.researcher);
      assert.equal(wider.status, 403);
      const narrower = await patchPerson(t, person.id, { consent: { publicity: 'none', location: 'hidden' } }, t.tokens.researcher);
      assert.equal(narrower.status, 200, narrower.text);
    });

    it('through the web form: a researcher is refused with a message on the form, a coordinator publishes and unpublishes', async () => {
      const web = webClient(t);
      const form = {
        'names.0.text': 'Webform Publishedperson',
        'names.0.script': 'Latn',
        'names.0.kind': 'primary',
        'consent.publicity': 'named',
        'consent.location': 'exact',
        published: 'on',
      };
      const refused = await web.post('/persons/new', form, session(t, 'researcher'));
      assert.equal(refused.status, 403);
      assert.ok(refused.html.includes('Only a coordinator or an administrator may publish'));
      assert.ok(!(await get(t, '/public?q=Webform')).body.includes('Webform Publishedperson'));
      const created = await web.post('/persons/new', form, session(t, 'coordinator'));
      assert.equal(created.status, 303, created.html);
      const id = /\/persons\/([^?]+)/.exec(created.location!)![1]!;
      const person = (await t.api('GET', `/api/v1/persons/${id}`, { token: t.tokens.coordinator })).body;
      assert.equal(person.published, true);
      assert.ok((await get(t, '/public?q=Webform')).body.includes('Webform Publishedperson'));
      assert.ok((await web.get(`/persons/${id}`, session(t, 'coordinator'))).html.includes(`href="/public/cases/${person.case_number}"`), 'the person page links its public page');
      const { published: _published, ...unpublished } = form;
      const edited = await web.post(`/persons/${id}/edit`, { ...unpublished, version: String(person.version) }, session(t, 'coordinator'));
      assert.equal(edited.status, 303, edited.html);
      assert.equal((await get(t, `/public/cases/${person.case_number}`)).status, 404);
    });
  });

  describe('the corrections log', () => {
    it('lists changes to public fields after publication, as consent allows, and withdrawn status entries', async () => {
      const person = await makePerson(t, {
        names: [{ text: 'Correctable Personname', script: 'Latn', lang: 'en' }],
        birth: '1971',
        hometown: 'Ghulja',
        consent: { publicity: 'anonymous', location: 'region' },
        published: true,
      });
      const timeline = await t.api('GET', `/api/v1/persons/${person.id}/statuses`, { token: t.tokens.coordinator });
      const entryId = (timeline.body.items ?? timeline.body)[0].id;
      assert.equal((await patchPerson(t, person.id, { birth: '1972-03-04', hometown: 'Kashgar old town', residence: 'Secretresidence street', notes: 'Secretnote after publication', names: [{ text: 'Renamed Personname', script: 'Latn' }] })).status, 200);
      assert.equal((await t.api('POST', `/api/v1/persons/${person.id}/statuses`, { token: t.tokens.coordinator, body: { status: 'camp', date: '2019-06', place: 'Hotan camp', note: 'Secretstatusnote' } })).status, 201);
      assert.equal((await t.api('POST', `/api/v1/persons/${person.id}/statuses/${entryId}/retract`, { token: t.tokens.coordinator, body: { reason: 'Secretreason entered twice' } })).status, 200);
      const html = (await get(t, `/public/cases/${person.case_number}`)).body;
      const log = html.slice(html.indexOf('id="corrections"'));
      assert.ok(log.includes('Born corrected'), 'birth year change');
      assert.ok(!log.includes('1972'), 'no value, not even the year');
      assert.ok(log.includes('Hometown corrected') && !log.includes('Kashgar'), 'which field, not the place');
      assert.ok(log.includes('Status entry added') && log.includes('2019-06') && !log.includes('Hotan'), 'the new entry by status and date, no place');
      assert.ok(log.includes('Status entry withdrawn') && log.includes('2019-03-02') && !log.includes('Ghulja'), 'the withdrawn entry by status and date, no place');
      assert.ok(log.includes('Names corrected'), 'the initials changed');
      for (const secret of ['Secretresidence', 'Secretnote', 'Secretstatusnote', 'Secretreason', 'Renamed', 'Correctable']) assert.ok(!html.includes(secret), secret);
    });
  });

  describe('the corrections log never shows a past value', () => {
    const correctionsOf = async (caseNumber: string) => {
      const html = (await get(t, `/public/cases/${caseNumber}`)).body;
      return { html, log: html.slice(html.indexOf('id="corrections"')) };
    };

    it('a mistaken name added and removed: the log says names were corrected, not what they were', async () => {
      const person = await makePerson(t, { names: [{ text: 'Namedone Person', script: 'Latn', lang: 'en' }], consent: { publicity: 'named', location: 'exact' }, published: true });
      assert.equal((await patchPerson(t, person.id, { names: [{ text: 'Namedone Person', script: 'Latn' }, { text: 'Wrongsister Othername', script: 'Latn', kind: 'alias' }] })).status, 200);
      assert.equal((await patchPerson(t, person.id, { names: [{ text: 'Namedone Person', script: 'Latn' }] })).status, 200);
      const { html, log } = await correctionsOf(person.case_number);
      assert.ok(!html.includes('Wrongsister'));
      assert.equal(log.match(/Names corrected/g)?.length, 2);
    });

    it('a name recorded while anonymous is not shown when the consent widens to named', async () => {
      const person = await makePerson(t, { names: [{ text: 'Anonfirst Anonlast', script: 'Latn', lang: 'en' }], consent: { publicity: 'anonymous', location: 'region' }, published: true });
      assert.equal((await patchPerson(t, person.id, { names: [{ text: 'Anonfirst Anonlast', script: 'Latn' }, { text: 'Formername Secretbirth', script: 'Latn', kind: 'alias' }] })).status, 200);
      assert.equal((await patchPerson(t, person.id, { names: [{ text: 'Anonfirst Anonlast', script: 'Latn' }] })).status, 200);
      assert.equal((await patchPerson(t, person.id, { consent: { publicity: 'named', location: 'region' } })).status, 200);
      const { html } = await correctionsOf(person.case_number);
      assert.ok(html.includes('Anonfirst Anonlast') && !html.includes('Formername') && !html.includes('Secretbirth'));
    });

    it('a home address written by mistake and taken off is not shown', async () => {
      const person = await makePerson(t, { hometown: 'Ghulja', consent: { publicity: 'named', location: 'exact' }, published: true });
      assert.equal((await patchPerson(t, person.id, { hometown: 'Ghulja, Flat 12 Homeaddress street' })).status, 200);
      assert.equal((await patchPerson(t, person.id, { hometown: 'Ghulja' })).status, 200);
      const { html, log } = await correctionsOf(person.case_number);
      assert.ok(!html.includes('Homeaddress'));
      assert.equal(log.match(/Hometown corrected/g)?.length, 2);
    });

    it('a withdrawn status entry shows its status and date, not its place', async () => {
      const person = await makePerson(t, { consent: { publicity: 'named', location: 'exact' }, published: true }, null);
      const entry = await t.api('POST', `/api/v1/persons/${person.id}/statuses`, { token: t.tokens.coordinator, body: { status: 'detained', date: '2021-04-05', place: 'Wrongplace by mistake' } });
      assert.equal(entry.status, 201, entry.text);
      assert.equal((await t.api('POST', `/api/v1/persons/${person.id}/statuses/${entry.body.id}/retract`, { token: t.tokens.coordinator, body: { reason: 'wrong place' } })).status, 200);
      const { html, log } = await correctionsOf(person.case_number);
      assert.ok(!html.includes('Wrongplace'));
      assert.ok(log.includes('Status entry withdrawn') && log.includes('2021-04-05'));
    });

    it('what changed while unpublished, and the earlier publication, are not shown after republishing', async () => {
      const person = await makePerson(t, { hometown: 'Ghulja', names: [{ text: 'Gapperson Name', script: 'Latn' }], consent: { publicity: 'named', location: 'exact' }, published: true });
      const entryOf = (feed: string) => [...feed.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!).find((entry) => entry.includes(person.case_number));
      const first = /<published>([^<]+)</.exec(entryOf((await get(t, '/public/feed.atom')).body)!)![1]!;
      assert.equal((await patchPerson(t, person.id, { published: false })).status, 200);
      assert.equal((await patchPerson(t, person.id, { hometown: 'Unpubtown Ghulja', names: [{ text: 'Gapperson Unpubname', script: 'Latn' }] })).status, 200);
      assert.equal((await patchPerson(t, person.id, { hometown: 'Ghulja', names: [{ text: 'Gapperson Name', script: 'Latn' }] })).status, 200);
      assert.equal((await patchPerson(t, person.id, { published: true })).status, 200);
      const { html, log } = await correctionsOf(person.case_number);
      assert.ok(!html.includes('Unpubtown') && !html.includes('Unpubname'));
      assert.ok(!log.includes('Names corrected') && !log.includes('Hometown corrected'), 'the changes made while off the register are not corrections');
      const entry = entryOf((await get(t, '/public/feed.atom')).body)!;
      const republished = /<published>([^<]+)</.exec(entry)![1]!;
      assert.ok(republished > first, `published ${republished} is the republication, not ${first}`);
      assert.ok(!entry.includes(first));
    });
  });

  describe('who may put a case on the register', () => {
    it('a researcher may not put a merged published case back on the register; a coordinator may', async () => {
      const a = await makePerson(t, { consent: { publicity: 'named', location: 'exact' }, published: true });
      const h = await makePerson(t, { names: [{ text: 'Mergedaway Person', script: 'Latn' }], consent: { publicity: 'named', location: 'exact' }, published: true });
      assert.equal((await patchPerson(t, h.id, { duplicate_of: a.id })).status, 200);
      assert.equal((await get(t, `/public/cases/${h.case_number}`)).status, 404);
      await t.addMember(h.id, 'researcher', { by: 'coordinator' });
      const refused = await patchPerson(t, h.id, { duplicate_of: null }, t.tokens.researcher);
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.text, /merged published case back/);
      assert.equal((await get(t, `/public/cases/${h.case_number}`)).status, 404);
      const unmerge = await t.api('POST', `/api/v1/persons/${h.id}/unmerge`, { token: t.tokens.researcher, body: { reason: 'not the same person' } });
      assert.equal(unmerge.status, 403, unmerge.text);
      assert.equal((await get(t, `/public/cases/${h.case_number}`)).status, 404);
      // Unpublished, a researcher may unmerge (nothing shows); merging stays open to every writer.
      assert.equal((await patchPerson(t, h.id, { published: false }, t.tokens.researcher)).status, 200);
      assert.equal((await patchPerson(t, h.id, { duplicate_of: null }, t.tokens.researcher)).status, 200);
      assert.equal((await get(t, `/public/cases/${h.case_number}`)).status, 404);
    });
  });

  describe('credentials on public pages', () => {
    it('a signed-in request to /public does not touch the session, and a bearer token writes no audit entry', async () => {
      const { db } = t.app.ctx;
      const old = new Date(Date.now() - 5 * 60_000).toISOString();
      await db.updateTable('api_tokens').set({ last_used_at: old }).where('kind', '=', 'session').execute();
      const audits = async () => Number((await db.selectFrom('audit_entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await audits();
      for (const path of ['/public', '/public/feed.atom', '/public/stats?lang=ru']) {
        assert.equal((await get(t, path, { cookie: session(t, 'admin') })).status, 200);
        assert.equal((await get(t, path, { authorization: `Bearer ${t.tokens.admin}` })).status, 200);
        assert.equal((await get(t, path, { authorization: 'Bearer nonsense' })).status, 200, 'a bad token is not even looked at');
      }
      const sessions = await db.selectFrom('api_tokens').select('last_used_at').where('kind', '=', 'session').execute();
      assert.ok(sessions.length > 0);
      for (const row of sessions) assert.equal(row.last_used_at, old);
      assert.equal(await audits(), before);
      // The same cookie elsewhere is still used (so the test would see a touch).
      await get(t, '/', { cookie: session(t, 'admin') });
      const touched = await db.selectFrom('api_tokens').select('last_used_at').where('kind', '=', 'session').where('last_used_at', '>', old).execute();
      assert.equal(touched.length, 1);
    });
  });

  describe('feed addresses', () => {
    it('never come from the Host header; VIGIL_PUBLIC_URL is validated once and used for ids and links', async () => {
      const hostile = await fetch(`${t.url}/public/feed.atom`, { headers: { host: 'evil.example' } });
      assert.ok(!(await hostile.text()).includes('evil.example'));
      assert.throws(() => readConfig({}, { VIGIL_PUBLIC_URL: 'javascript:alert(1)' }), ConfigError);
      assert.throws(() => readConfig({}, { VIGIL_PUBLIC_URL: 'https://x.example/?a=1' }), ConfigError);
      assert.throws(() => readConfig({}, { VIGIL_PUBLIC_URL: 'https://user:pw@x.example' }), ConfigError);
      assert.equal(readConfig({}, { VIGIL_PUBLIC_URL: 'https://register.example.org/' }).publicUrl, 'https://register.example.org');
      const other = await startTestApp({ env: { VIGIL_PUBLIC_URL: 'https://register.example.org' } });
      try {
        await makePerson(other, { consent: { publicity: 'none', location: 'hidden' }, published: true });
        const feed = await (await fetch(`${other.url}/public/feed.atom`, { headers: { host: 'evil.example' } })).text();
        assert.match(feed, /^  <id>https:\/\/register\.example\.org\/public\/feed\.atom<\/id>$/m);
        assert.match(feed, /href="https:\/\/register\.example\.org\/public\/cases\/VG-\d{6}"/);
        assert.ok(!feed.includes('evil.example'));
      } finally {
        await other.stop();
      }
    });
  });

  describe('name search cap', () => {
    it('finds a named published person even when more than the cap of other key rows share the name', async () => {
      const person = await makePerson(t, { names: [{ text: 'Gulnar Abdurehim', script: 'Latn', lang: 'en' }], consent: { publicity: 'named', location: 'exact' }, published: true }, null);
      const { db } = t.app.ctx;
      const keys = await db.selectFrom('person_name_keys').select(['key']).where('person_id', '=', person.id).execute();
      assert.ok(keys.length > 0);
      // More rows than the cap, of persons not on the register, sharing every key (a case id and ids that sort first in the key index).
      const rows = keys.flatMap(({ key }, k) =>
        Array.from({ length: PUBLIC_KEY_ROW_CAP + 1 }, (_, i) => ({ person_id: `00000000-0000-7000-8${k}00-${String(i).padStart(12, '0')}`, case_id: '00000000-0000-7000-8000-000000000000', key })),
      );
      for (let i = 0; i < rows.length; i += 1000) await db.insertInto('person_name_keys').values(rows.slice(i, i + 1000)).execute();
      try {
        assert.ok((await get(t, '/public?q=Gulnar%20Abdurehim')).body.includes(person.case_number));
      } finally {
        await db.deleteFrom('person_name_keys').where('person_id', 'like', '00000000-0000-7000-8%').execute();
      }
    });
  });

  describe('feed order', () => {
    it('an old case published after 51 newer ones is first in the feed', async () => {
      const old = await makePerson(t, { names: [{ text: 'Latepublished Oldcase', script: 'Latn' }], consent: { publicity: 'named', location: 'exact' } }, null);
      for (let i = 0; i < 51; i++) await makePerson(t, { consent: { publicity: 'none', location: 'hidden' }, published: true }, null);
      assert.equal((await patchPerson(t, old.id, { published: true })).status, 200);
      const feed = (await get(t, '/public/feed.atom')).body;
      const first = /<entry>([\s\S]*?)<\/entry>/.exec(feed)![1]!;
      assert.ok(first.includes(old.case_number) && first.includes('Latepublished Oldcase'));
    });
  });

  describe('the no-leak crawl', () => {
    const secrets: Record<string, string> = {};
    const mark = (label: string) => (secrets[label] = `Leakmark${label}${Object.keys(secrets).length}x`);
    const visible: string[] = [];
    const caseNumbers: string[] = [];
    const nameQueries: string[] = [];

    before(async () => {
      const api = (method: string, path: string, body: unknown) => t.api(method, path, { token: t.tokens.coordinator, body });
      const withSecrets = (label: string, extra: Record<string, unknown>) => ({
        national_id: mark(`${label}nid`),
        notes: mark(`${label}notes`),
        residence: mark(`${label}residence`),
        occupation: mark(`${label}occupation`),
        father_name: mark(`${label}father`),
        risk: 'critical',
        ...extra,
      });
      const names = (label: string, withheld: boolean) => {
        const first = withheld ? mark(`${label}first`) : `Visiblefirst${label}`;
        const last = withheld ? mark(`${label}last`) : `Visiblelast${label}`;
        if (!withheld) visible.push(first);
        nameQueries.push(`${first} ${last}`, first);
        return [
          { text: `${first} ${last}`, script: 'Latn', lang: 'en', kind: 'primary' },
          { text: withheld ? mark(`${label}alias`) : `Visiblealias${label}`, script: 'Latn', lang: 'en', kind: 'alias' },
        ];
      };
      const statusWithSecrets = (label: string, place: string) => ({ status: 'disappeared', date: '2020-01-02', place, note: mark(`${label}statusnote`) });
      const cases: Array<{ label: string; body: Record<string, unknown>; place: string; after?: (id: string) => Promise<void> }> = [
        { label: 'A', body: withSecrets('A', { names: names('A', false), hometown: 'Visibletown Ghulja', consent: { publicity: 'named', location: 'exact', given_by: mark('Agivenby') }, published: true }), place: 'Visibleplace' },
        { label: 'B', body: withSecrets('B', { names: names('B', true), birth: '1980-07-08', hometown: `${mark('Btown')} Ghulja`, consent: { publicity: 'anonymous', location: 'region' }, published: true }), place: `${mark('Bplace')} Kashgar` },
        { label: 'C', body: withSecrets('C', { names: names('C', true), hometown: mark('Ctown'), consent: { publicity: 'none', location: 'hidden' }, published: true }), place: mark('Cplace') },
        { label: 'D', body: withSecrets('D', { names: names('D', true), hometown: mark('Dtown'), consent: { publicity: 'named', location: 'exact' }, published: false }), place: mark('Dplace') },
        { label: 'E', body: withSecrets('E', { names: names('E', true), hometown: mark('Etown'), published: true }), place: mark('Eplace') },
        {
          label: 'G',
          body: withSecrets('G', { names: names('G', true), hometown: mark('Gtown'), consent: { publicity: 'named', location: 'exact' }, published: true }),
          place: mark('Gplace'),
          after: async (id) => {
            const current = await t.api('GET', `/api/v1/persons/${id}`, { token: t.tokens.coordinator });
            assert.equal((await api('POST', `/api/v1/persons/${id}/retract`, { reason: mark('Greason'), version: current.body.version })).status, 200);
          },
        },
      ];
      const ids: Record<string, string> = {};
      for (const c of cases) {
        const person = await makePerson(t, c.body, statusWithSecrets(c.label, c.place));
        ids[c.label] = person.id;
        caseNumbers.push(person.case_number);
        const source = await api('POST', '/api/v1/sources', { kind: 'testimony', title: mark(`${c.label}sourcetitle`), person_id: person.id, confidential: true, confidential_identity: mark(`${c.label}identity`) });
        assert.equal(source.status, 201, source.text);
        const relative = await api('POST', '/api/v1/persons', personInput({ case_id: person.id, names: [{ text: mark(`${c.label}relative`), script: 'Latn' }] }));
        assert.equal(relative.status, 201, relative.text);
        caseNumbers.push(relative.body.case_number);
        const relation = await api('POST', '/api/v1/relations', { from_person_id: person.id, to_person_id: relative.body.id, relation: 'sister', contact: { phone: mark(`${c.label}phone`), email: `${mark(`${c.label}email`)}@example.org` } });
        assert.equal(relation.status, 201, relation.text);
        const event = await api('POST', '/api/v1/events', { title: mark(`${c.label}eventtitle`), date: '2020-01-02', person_id: person.id, description: mark(`${c.label}eventdesc`), acts: [{ type: 'arrest', victim_id: person.id, perpetrators: [] }] });
        assert.equal(event.status, 201, event.text);
        assert.equal((await api('POST', '/api/v1/interventions', { person_id: person.id, type: 'lawyer', status: 'draft', note: mark(`${c.label}intnote`) })).status, 201);
        // Changes after publication to secret and non-public fields: never in the corrections log.
        assert.equal((await patchPerson(t, person.id, { notes: mark(`${c.label}latenotes`), residence: mark(`${c.label}lateresidence`), national_id: mark(`${c.label}latenid`) })).status, 200);
        await c.after?.(person.id);
      }
      // H: published and named, then merged into A: off the register.
      const h = await makePerson(t, { names: names('H', true), consent: { publicity: 'named', location: 'exact' }, published: true });
      caseNumbers.push(h.case_number);
      assert.equal((await patchPerson(t, h.id, { duplicate_of: ids.A })).status, 200);

      // History: values that were on a case for a while, then taken off, must never come back.
      const edit = async (id: string, body: Record<string, unknown>) => assert.equal((await patchPerson(t, id, body)).status, 200);
      const named = (label: string) => [{ text: `Visiblehistory${label} Person`, script: 'Latn', lang: 'en', kind: 'primary' }];
      // I: named and exact; a name and a hometown changed to marked values, then reverted.
      const i = await makePerson(t, { names: named('I'), hometown: 'Historytown Ghulja', consent: { publicity: 'named', location: 'exact' }, published: true });
      caseNumbers.push(i.case_number);
      await edit(i.id, { names: [...named('I'), { text: mark('Imistakenname'), script: 'Latn', kind: 'alias' }], hometown: mark('Imistakenaddress') });
      await edit(i.id, { names: named('I'), hometown: 'Historytown Ghulja' });
      const wrong = await api('POST', `/api/v1/persons/${i.id}/statuses`, { status: 'detained', date: '2021-04-05', place: mark('Iwithdrawnplace') });
      assert.equal(wrong.status, 201, wrong.text);
      assert.equal((await api('POST', `/api/v1/persons/${i.id}/statuses/${wrong.body.id}/retract`, { reason: mark('Iretractreason') })).status, 200);
      // J: anonymous while a marked name and birth were recorded and taken off; then the consent widened to named and exact.
      const j = await makePerson(t, { names: named('J'), birth: '1975', hometown: 'Ghulja', consent: { publicity: 'anonymous', location: 'region' }, published: true });
      caseNumbers.push(j.case_number);
      await edit(j.id, { names: [...named('J'), { text: mark('Jformername'), script: 'Latn', kind: 'birth' }], hometown: mark('Jformertown') });
      await edit(j.id, { names: named('J'), hometown: 'Ghulja' });
      await edit(j.id, { consent: { publicity: 'named', location: 'exact' } });
      // K: unpublished, edited with marked values, reverted, republished.
      const k = await makePerson(t, { names: named('K'), hometown: 'Ghulja', consent: { publicity: 'named', location: 'exact' }, published: true });
      caseNumbers.push(k.case_number);
      await edit(k.id, { published: false });
      await edit(k.id, { names: [{ text: mark('Kunpubname'), script: 'Latn', kind: 'primary' }], hometown: mark('Kunpubtown') });
      await edit(k.id, { names: named('K'), hometown: 'Ghulja' });
      await edit(k.id, { published: true });
      visible.push('VisiblehistoryI', 'VisiblehistoryJ', 'VisiblehistoryK');
    });

    /**
     * Every public page — lists (with and without queries, every page of them), case pages, feed,
     * statistics — and each HTML page again in every other language; a page is its headers and its body.
     */
    async function crawl(): Promise<Array<{ url: string; body: string }>> {
      const pages: Array<{ url: string; body: string }> = [];
      const seen = new Set<string>();
      const queue = ['/public', '/public?status=disappeared', '/public/feed.atom', '/public/stats', '/public/stats.csv'];
      for (const q of [...nameQueries, ...caseNumbers, ...Object.values(secrets)]) queue.push(`/public?q=${encodeURIComponent(q)}`);
      for (const number of caseNumbers) queue.push(`/public/cases/${number}`);
      const read = async (url: string) => {
        const response = await get(t, url);
        assert.ok([200, 404].includes(response.status), `${url}: ${response.status}`);
        // The search box and the language links repeat what was typed: that echo is the visitor's own text, not a leak.
        const body = response.body.replace(/<input id="public-q"[^>]*>/, '').replace(/<nav class="langs"[\s\S]*?<\/nav>/, '');
        const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
        pages.push({ url, body: `${headers}\n\n${body}` });
        return body;
      };
      while (queue.length) {
        const url = queue.shift()!;
        if (seen.has(url)) continue;
        seen.add(url);
        const body = await read(url);
        for (const [, href] of body.matchAll(/href="(\/public[^"]*)"/g)) {
          const path = href!.replace(/&amp;/g, '&');
          if (!seen.has(path) && !path.includes('lang=') && !path.endsWith('.css')) queue.push(path);
        }
      }
      // The feed and the CSV take no language; every other page is read in the four other languages too.
      for (const url of [...seen].filter((url) => !/\.(atom|csv)$/.test(url))) {
        for (const lang of ['ru', 'kk', 'ug', 'zh']) await read(`${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
      }
      return pages;
    }

    it('no secret and no unconsented name appears on any public page', async () => {
      const pages = await crawl();
      assert.ok(pages.length > 30, `${pages.length} pages crawled`);
      for (const { url, body } of pages) {
        for (const [label, value] of Object.entries(secrets)) assert.ok(!body.includes(value), `${url} shows ${label} (${value})`);
      }
    });

    it('the crawl sees what is public (so it would see a leak)', async () => {
      const pages = await crawl();
      const all = pages.map((page) => page.body).join('\n');
      for (const name of visible) assert.ok(all.includes(name), `the consented name ${name} is on the register`);
      assert.ok(all.includes('Visibletown Ghulja') && all.includes('Visibleplace'), 'the consented places are on the register');
      assert.ok(pages.some((page) => page.url.startsWith('/public/cases/') && page.body.includes('id="corrections"')));
    });

    it('an unpublished, retracted, merged or unknown case number gives the same 404 page', async () => {
      const shapes: string[] = [];
      const absent = [caseNumbers[6]!, caseNumbers[10]!, caseNumbers[12]!, 'VG-999999', 'VG-00000x', '%3Cscript%3E', 'vg-000001'];
      for (const number of absent) {
        const response = await get(t, `/public/cases/${number}`);
        assert.equal(response.status, 404, number);
        shapes.push(response.body.split(number).join('CASE'));
      }
      for (const shape of shapes) assert.equal(shape, shapes[0]);
      // Signed in or not: the same page.
      const signedIn = await get(t, `/public/cases/${absent[0]}`, { cookie: session(t, 'admin') });
      assert.equal(signedIn.body.split(absent[0]!).join('CASE'), shapes[0]);
    });
  });

  describe('hostile requests', () => {
    let hostile: { id: string; case_number: string };
    before(async () => {
      hostile = await makePerson(t, {
        names: [{ text: '<img src=x onerror=alert(1)>\u202EHostile\u200BName & "co"', script: 'Latn', lang: 'en' }],
        hometown: '<script>alert(2)</script>',
        consent: { publicity: 'named', location: 'exact' },
        published: true,
      });
    });

    it('hostile names are inert on pages and escaped in the feed', async () => {
      const html = (await get(t, `/public/cases/${hostile.case_number}`)).body;
      assert.ok(!html.includes('<img src=x') && !html.includes('<script>alert'));
      assert.ok(!html.includes('\u202E'), 'the override is shown as a marker, not obeyed');
      assert.ok(html.includes('&lt;img src=x'));
      const feed = await get(t, '/public/feed.atom');
      assert.match(feed.headers.get('content-type')!, /^application\/atom\+xml/);
      assert.ok(!feed.body.includes('<img') && feed.body.includes('&lt;img src=x onerror=alert(1)&gt;'));
      assert.ok(feed.body.includes('&amp; &quot;co&quot;'));
    });

    it('the feed is Atom 1.0: one entry per published case, newest first, each linking its page', async () => {
      const feed = (await get(t, '/public/feed.atom')).body;
      assert.ok(feed.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'));
      const entries = [...feed.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!);
      assert.ok(entries.length > 5 && entries.length <= 50);
      for (const entry of entries) {
        assert.match(entry, /<id>urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/id>/);
        assert.match(entry, /<updated>\d{4}-\d\d-\d\dT[\d:.]+Z<\/updated>/);
        assert.match(entry, /<link rel="alternate" type="text\/html" href="\/public\/cases\/VG-\d{6}"\/>/, 'relative without VIGIL_PUBLIC_URL');
      }
      const published = entries.map((entry) => /<published>([^<]+)<\/published>/.exec(entry)![1]!);
      assert.deepEqual(published, [...published].sort().reverse(), 'latest publication first');
      assert.equal(feed.match(/<feed/g)!.length, 1);
      assert.match(feed, /^  <id>tag:vigil,2026:public-register<\/id>$/m);
    });

    it('bad queries get a clear 400 and change nothing', async () => {
      const counts = async () => {
        const { db } = t.app.ctx;
        const audit = await db.selectFrom('audit_entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        const revisions = await db.selectFrom('revisions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        return `${audit.n}/${revisions.n}`;
      };
      const before = await counts();
      const cases: Array<[string, RegExp]> = [
        [`/public?q=${'x'.repeat(201)}`, /at most 200 characters/],
        ['/public?cursor=not-a-cursor', /cursor is not one this list gave out/],
        [`/public?cursor=${Buffer.from('abc').toString('base64url')}`, /cursor/],
        [`/public?cursor=${'A'.repeat(5000)}`, /cursor/],
        ['/public?status=bogus', /status is not a known status/],
        ['/public?ethnicity=%3Cb%3E', /ethnicity/],
        ['/public?q=a&q=b', /more than once/],
        ['/public?sort=name', /no parameter sort/],
        ['/public/feed.atom?x=1', /no parameter x/],
        ['/public/stats.csv?x=1', /no parameter x/],
      ];
      for (const [url, message] of cases) {
        const response = await get(t, url);
        assert.equal(response.status, 400, url);
        assert.match(response.body, message, url);
        assert.ok(!response.headers.get('set-cookie'), `${url} sets no cookie`);
      }
      const script = await get(t, `/public?q=${encodeURIComponent('<script>alert(1)</script>')}`);
      assert.equal(script.status, 200);
      assert.ok(!script.body.includes('<script>alert'));
      assert.equal(await counts(), before, 'nothing recorded, nothing changed');
    });
  });

  describe('the same for everyone', () => {
    it('sets no cookie, and a signed-in visitor gets the same bytes as anyone', async () => {
      const list = await get(t, '/public');
      const first = /href="(\/public\/cases\/VG-\d+)"/.exec(list.body)![1]!;
      for (const path of ['/public', first, '/public/feed.atom', '/public/stats', '/public/stats.csv', '/public?q=Zhanargul']) {
        const anonymous = await get(t, path);
        const signedIn = await get(t, path, { cookie: `${session(t, 'admin')}; vigil_lang=ru` });
        assert.equal(anonymous.status, 200, path);
        assert.equal(anonymous.headers.get('set-cookie'), null, path);
        assert.equal(signedIn.headers.get('set-cookie'), null, path);
        assert.equal(signedIn.body, anonymous.body, `${path} reads the same signed in`);
        assert.match(anonymous.headers.get('content-security-policy')!, /default-src 'self'/);
      }
    });

    it('pages the list by case number with a cursor, and finds by name only the named', async () => {
      const all: string[] = [];
      let path: string | null = '/public';
      while (path) {
        const page = await get(t, path);
        all.push(...[...page.body.matchAll(/href="\/public\/cases\/(VG-\d+)"/g)].map((m) => m[1]!));
        const next = /href="([^"]+)" rel="next"/.exec(page.body);
        path = next ? next[1]!.replace(/&amp;/g, '&') : null;
      }
      assert.deepEqual(all, [...new Set(all)].sort(), 'in case-number order, none twice');
      const named = await get(t, '/public?q=Zhanargul%20Zhumataikyzya');
      assert.ok(named.body.includes('Zhanargul Zhumataikyzya'));
      const byNumber = await get(t, `/public?q=${all[0]!.replace('VG-', '')}`);
      assert.ok(byNumber.body.includes(all[0]!));
    });

    it('statistics: charts, a table and a CSV over the published persons', async () => {
      const html = (await get(t, '/public/stats')).body;
      assert.ok(html.includes('<svg') && html.includes('<table'));
      const csv = await get(t, '/public/stats.csv');
      assert.match(csv.headers.get('content-type')!, /^text\/csv/);
      assert.ok(csv.body.startsWith('dimension,key,count\r\n'));
      const total = csv.body.split('\r\n').filter((line) => line.startsWith('status,')).reduce((sum, line) => sum + Number(line.split(',')[2]), 0);
      const listed = (await get(t, '/public/feed.atom')).body.match(/<entry>/g)!.length;
      assert.ok(total >= listed);
    });
  });
});
