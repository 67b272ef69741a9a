import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/lib/clock.ts';
import { initialsOf } from '../src/public/public.presenter.ts';
import { asksFor } from '../src/reports/public-document.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';
import { STORY_PERSON } from './helpers/story-person.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';

// ---------------------------------------------------------------------------------------------
// The pure rules.

describe('urgent action and brief: the asks and the initials', () => {
  it('derives what to ask for from where the person stands now', () => {
    const keys = (status: string | null, whereabouts: string | null = null) => asksFor(status, whereabouts, 'female').map((a) => a.key);
    assert.deepEqual(keys('disappeared', 'denied'), ['disclose_whereabouts', 'release', 'access', 'no_torture', 'medical_care']);
    assert.deepEqual(keys('detained', 'yes'), ['release', 'access', 'no_torture', 'medical_care']);
    assert.deepEqual(keys('camp', 'no'), ['disclose_whereabouts', 'release', 'access', 'no_torture', 'medical_care']);
    assert.deepEqual(keys('house_arrest'), ['lift_restrictions']);
    assert.deepEqual(keys('exit_banned'), ['lift_restrictions']);
    assert.deepEqual(keys('deceased'), ['investigate_death']);
    assert.deepEqual(keys('at_liberty'), ['confirm_safety']);
    assert.deepEqual(keys(null), ['confirm_safety']);
    assert.match(asksFor('detained', 'yes', 'female')[1]!.text, /her family and to a lawyer of her choice/);
    assert.match(asksFor('detained', 'yes', 'male')[2]!.text, /he is not subjected to torture/);
    assert.match(asksFor('detained', 'yes', null)[2]!.text, /they are not subjected to torture/);
  });

  it('shows initials for a name in any script', () => {
    assert.equal(initialsOf('Asemgul Bekbolat'), 'A. B.');
    assert.equal(initialsOf('Әсемгүл Бекболат'), 'Ә. Б.');
    assert.equal(initialsOf('Jean-Luc Picard'), 'J. L. P.');
  });
});

// ---------------------------------------------------------------------------------------------
// Through the API and the pages.

const START = '2026-10-01T08:00:00.000Z';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const SECRETS = {
  nationalId: '650101400999',
  notes: 'SECRET-NOTE never call her own number',
  contact: '+7 701 555 0123',
  identity: 'SECRET-IDENTITY Gulnaz via the neighbour',
  confidentialTitle: 'SECRET-TITLE sister says police deny it',
};
const NAME_PARTS = ['Asemgul', 'Bekbolat', 'Әсемгүл', 'Бекболат', '阿赛姆古丽', '别克波拉提'];

describe(`urgent action and press brief (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock(START);
  const dir = { cnEmbassy: '', cnRegion: '', kzMinistry: '', retracted: '' };
  let police = '';

  before(async () => {
    t = await startTestApp({ clock });
    await prepareSessions(t);
    const entry = async (body: Record<string, unknown>) => {
      const r = await t.api('POST', '/api/v1/directory', { token: t.tokens.coordinator, body });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    dir.cnEmbassy = await entry({ kind: 'diplomatic_mission', name: "Ambassador of the People's Republic of China to Kazakhstan", country: 'CN', salutation: 'Dear Ambassador', address: 'Embassy of the PRC\n[demo], Astana', email: 'embassy.demo@example.org' });
    dir.cnRegion = await entry({ kind: 'authority', name: 'Chairman of the People’s Government of the Xinjiang Uyghur Autonomous Region', country: 'CN', salutation: 'Dear Chairman' });
    dir.kzMinistry = await entry({ kind: 'authority', name: 'Minister of Foreign Affairs of the Republic of Kazakhstan', country: 'KZ', salutation: 'Dear Minister' });
    dir.retracted = await entry({ kind: 'authority', name: 'Old office', country: 'CN' });
    assert.equal((await t.api('POST', `/api/v1/directory/${dir.retracted}/retract`, { token: t.tokens.coordinator, body: { reason: 'abolished office' } })).status, 200);
    police = (await t.api('POST', '/api/v1/actors', { body: { name: 'Toli County Public Security Bureau', type: 'police' } })).body.id;
  });
  after(async () => {
    await t?.stop();
  });

  const created = async (path: string, body: unknown, token = t.tokens.researcher) => {
    const response = await t.api('POST', path, { body, token });
    assert.equal(response.status, 201, `${path}: ${response.text}`);
    return response.body.id as string;
  };

  /** The demo story's case, with every kind of secret around it, the name in an event and a source title. */
  async function completeCase(publicity: 'named' | 'anonymous' | 'none' | null) {
    const person = await created('/api/v1/persons', {
      ...STORY_PERSON,
      father_name: 'Бекболат',
      national_id: SECRETS.nationalId,
      notes: SECRETS.notes,
      ...(publicity ? { consent: { publicity, given_by: 'her sister' } } : {}),
    });
    const sister = await created('/api/v1/persons', { case_id: person, names: [{ text: 'Gulnaz Bekbolat', script: 'Latn' }] });
    await created('/api/v1/relations', { from_person_id: person, to_person_id: sister, relation: 'sister', contact: { phone: SECRETS.contact } });
    const call = await created('/api/v1/sources', { person_id: person, kind: 'phone_call', title: 'Sister’s call: Asemgul taken from her mother’s home', date: '2026-09-18' });
    const denied = await created('/api/v1/sources', { person_id: person, kind: 'phone_call', title: SECRETS.confidentialTitle, date: '2026-09-25', confidential: true, confidential_identity: SECRETS.identity });
    await created(`/api/v1/persons/${person}/statuses`, { status: 'detained', date: '2026-09-18', place: 'Her mother’s home, Toli county town', whereabouts_acknowledged: 'no', citations: [{ source_id: call }] });
    await created(`/api/v1/persons/${person}/statuses`, { status: 'disappeared', date: '2026-09-25', place: 'Last seen at her mother’s home', whereabouts_acknowledged: 'denied', citations: [{ source_id: denied }] });
    await created('/api/v1/events', {
      title: 'Asemgul Bekbolat taken from her mother’s home',
      date: '2026-09-18',
      place: 'Toli county town',
      citations: [{ source_id: call }],
      acts: [{ type: 'arrest', victim_id: person, perpetrators: [{ actor_id: police, involvement: 'direct' }], citations: [{ source_id: call }] }],
    });
    return { person, call, denied };
  }

  const doc = (person: string, kind: 'urgent_action' | 'brief', query = '', token = t.tokens.researcher) => t.api('GET', `/api/v1/persons/${person}/reports/${kind}${query}`, { token });
  const html = async (path: string, token = t.tokens.researcher) => {
    const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, path);
    return { response, text: await response.text() };
  };
  const assertNoSecret = (text: string, where: string) => {
    for (const [label, value] of Object.entries(SECRETS)) assert.ok(!text.includes(value), `${where} shows ${label}`);
  };

  for (const kind of ['urgent_action', 'brief'] as const) {
    it(`${kind}: a complete case — title, summary, background with footnotes, the ask, whom to write to`, async () => {
      const { person, call, denied } = await completeCase('named');
      const r = await doc(person, kind);
      assert.equal(r.status, 200, r.text);
      const d = r.body;
      assert.deepEqual([d.kind, d.person_id, d.publicity, d.named, d.shown_as, d.current_status], [kind, person, 'named', true, 'Asemgul Bekbolat', 'disappeared']);
      assert.match(d.title, kind === 'urgent_action' ? /^Urgent action: Asemgul Bekbolat disappeared after arrest$/ : /^Press brief: Asemgul Bekbolat$/);
      assert.match(d.summary, kind === 'urgent_action' ? /has been missing since 2026-09-25/ : /is disappeared since 2026-09-25/);
      assert.deepEqual(d.background.map((f: { date: string }) => f.date), ['2026-09-18', '2026-09-18', '2026-09-25']);
      assert.match(d.background[2].text, /deny holding them/);
      assert.ok(d.background.some((f: { text: string }) => f.text.includes('arrest by Toli County Public Security Bureau')));
      assert.deepEqual(d.background[0].sources, [call]);
      assert.deepEqual(d.sources.map((s: { id: string }) => s.id), [call, denied]);
      assert.equal(d.sources[1].confidential, true);
      assert.deepEqual(d.asks.map((a: { key: string }) => a.key), ['disclose_whereabouts', 'release', 'access', 'no_torture', 'medical_care']);
      // Whom to write to, by default: the live entries of her citizenship (CN), not Kazakhstan's, not the retracted one.
      assert.deepEqual(d.addressees.map((a: { id: string }) => a.id).sort(), [dir.cnEmbassy, dir.cnRegion].sort());
      assert.equal(d.addressees.find((a: { id: string }) => a.id === dir.cnEmbassy).salutation, 'Dear Ambassador');
      assert.equal(d.addressee_hint, null);
      assertNoSecret(r.text, `${kind} JSON`);
      // The document: footnotes to its sources, the confidential one unnamed, nothing fetched from elsewhere.
      const { response, text } = await html(`/api/v1/persons/${person}/reports/${kind}?format=html`);
      assert.match(response.headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="${kind.replace('_', '-')}-VG-\\d+\\.html"$`));
      assert.match(text, /^<!doctype html>/);
      assert.match(text, /<sup class="refs"><a href="#source-1">1<\/a>/);
      assert.ok(text.includes('Confidential source (identity withheld)'));
      assert.ok(text.includes('Dear Ambassador') && text.includes('Recommended action'));
      assert.doesNotMatch(text, /\b(?:src|href)="(?:https?:)?\/\//);
      assert.doesNotMatch(text, /<script/i);
      assertNoSecret(text, `${kind} HTML`);
    });

    it(`${kind}: an incomplete case — no facts yet, a generic ask, and a hint instead of addressees`, async () => {
      const person = await created('/api/v1/persons', { names: [{ text: 'Ерлан Омаров', script: 'Cyrl', lang: 'kk' }], consent: { publicity: 'named' } });
      const r = await doc(person, kind);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.background, []);
      assert.deepEqual(r.body.sources, []);
      assert.equal(r.body.current_status, null);
      assert.deepEqual(r.body.asks.map((a: { key: string }) => a.key), ['confirm_safety']);
      assert.deepEqual(r.body.addressees, []);
      assert.match(r.body.addressee_hint, /choose one from the directory/);
      assert.ok(r.body.title.includes('Ерлан Омаров'));
      const { text } = await html(`/api/v1/persons/${person}/reports/${kind}?format=html`);
      assert.ok(text.includes('choose one from the directory'));
    });

    for (const publicity of ['anonymous', 'none', null] as const) {
      it(`${kind}: consent ${publicity ?? 'not recorded'} — no name form anywhere, in JSON, document, page or saved draft; no secret`, async () => {
        const { person } = await completeCase(publicity);
        const r = await doc(person, kind);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.named, false);
        assert.equal(r.body.publicity, publicity ?? 'none');
        if (publicity === 'anonymous') assert.equal(r.body.shown_as, 'A. B.');
        else assert.match(r.body.shown_as, /^the person of case VG-\d{6}$/);
        const { text } = await html(`/api/v1/persons/${person}/reports/${kind}?format=html`);
        const page = await webClient(t).get(`/persons/${person}/reports/${kind}`);
        assert.equal(page.status, 200);
        assert.ok(page.html.includes(publicity === 'anonymous' ? 'only anonymously' : 'no consent to publicity'), 'the page warns');
        const saved = await t.api('POST', `/api/v1/persons/${person}/reports/${kind}/interventions`, { body: {} });
        assert.equal(saved.status, 201, saved.text);
        for (const [where, body] of [
          ['JSON', r.text],
          ['document', text],
          ['page', page.html],
          ['draft', saved.text],
        ] as const) {
          for (const part of NAME_PARTS) assert.ok(!body.includes(part), `${where} (${publicity}) shows "${part}"`);
          assertNoSecret(body, `${where} (${publicity})`);
        }
        // The facts are still there, the name struck out of the event title and the source title.
        assert.ok(r.body.background.some((f: { text: string }) => /taken from her mother’s home/.test(f.text)));
      });
    }
  }

  // Where she was taken, down to the street: only as far as her consent to location allows.
  const STREET = '7 Dostyk Street';
  async function placedCase(location: 'exact' | 'region' | 'hidden' | null) {
    const person = await created('/api/v1/persons', {
      ...STORY_PERSON,
      hometown: `Toli county town, ${STREET}`,
      consent: { publicity: 'named', ...(location ? { location } : {}) },
    });
    await created(`/api/v1/persons/${person}/statuses`, { status: 'detained', date: '2026-09-18', place: `Her mother’s home, ${STREET}, Toli county town` });
    await created(`/api/v1/persons/${person}/statuses`, { status: 'disappeared', date: '2026-09-25', place: `Police station near ${STREET}, Toli county town`, whereabouts_acknowledged: 'denied' });
    await created('/api/v1/events', {
      title: 'Asemgul Bekbolat taken away',
      date: '2026-09-18',
      place: `${STREET}, Toli county town`,
      acts: [{ type: 'arrest', victim_id: person, place: `${STREET}, Toli county town`, perpetrators: [{ actor_id: police, involvement: 'direct' }] }],
    });
    return person;
  }

  for (const location of ['exact', 'region', 'hidden', null] as const) {
    it(`location consent ${location ?? 'not recorded'}: places in JSON, document and saved note only as far as it allows`, async () => {
      const person = await placedCase(location);
      for (const kind of ['urgent_action', 'brief'] as const) {
        const r = await doc(person, kind);
        assert.equal(r.status, 200, r.text);
        const { text } = await html(`/api/v1/persons/${person}/reports/${kind}?format=html`);
        const saved = await t.api('POST', `/api/v1/persons/${person}/reports/${kind}/interventions`, { body: {} });
        assert.equal(saved.status, 201, saved.text);
        for (const [where, body] of [
          ['JSON', r.text],
          ['document', text],
          ['note', saved.body.note as string],
        ] as const) {
          const label = `${kind} ${where} (${location})`;
          if (location === 'exact') {
            assert.ok(body.includes(STREET), `${label} keeps the street`);
          } else {
            assert.ok(!body.includes(STREET), `${label} shows the street`);
            assert.ok(!body.includes('county town') && !body.includes('mother’s home'), `${label} shows a place`);
            // Cut to the region (Toli lies in Tacheng), or nothing at all.
            assert.equal(body.includes('Tacheng'), location === 'region', `${label}: the region`);
          }
        }
        // The summary says where she is only as far as allowed.
        if (location === 'region') assert.match(r.body.summary, /Tacheng/);
        if (location === 'exact') assert.ok(r.body.summary.includes(STREET));
        if (location === 'hidden' || location === null) assert.ok(!/Tacheng|Toli county|Police station/.test(r.body.summary), r.body.summary);
      }
    });
  }

  it('names of other persons in borrowed text are struck unless they agreed to be named themselves', async () => {
    for (const publicity of ['named', 'none'] as const) {
      const person = await created('/api/v1/persons', { ...STORY_PERSON, consent: { publicity, location: 'exact' } });
      const sister = await created('/api/v1/persons', { case_id: person, names: [{ text: 'Gulnaz Bekbolat', script: 'Latn' }] });
      await created('/api/v1/relations', { from_person_id: person, to_person_id: sister, relation: 'sister' });
      // A brother who agreed to be named, in another case, linked by a relation.
      const brother = await created('/api/v1/persons', { names: [{ text: 'Nurlan Sadykov', script: 'Latn' }], consent: { publicity: 'named' } });
      await created('/api/v1/relations', { from_person_id: person, to_person_id: brother, relation: 'brother' });
      // A co-victim of the same event, filed in a case of his own, with no consent.
      const neighbour = await created('/api/v1/persons', { names: [{ text: 'Serik Omarov', script: 'Latn' }] });
      const call = await created('/api/v1/sources', { person_id: person, kind: 'phone_call', title: 'Gulnaz Bekbolat on the phone about Serik', date: '2026-09-18' });
      await created('/api/v1/events', {
        title: 'Asemgul Bekbolat and her sister Gulnaz Bekbolat taken; Nurlan Sadykov saw it; Serik Omarov too',
        date: '2026-09-18',
        place: 'Outside Gulnaz’s shop',
        citations: [{ source_id: call }],
        acts: [
          { type: 'arrest', victim_id: person, perpetrators: [{ actor_id: police, involvement: 'direct' }], citations: [{ source_id: call }] },
          { type: 'arrest', victim_id: neighbour, perpetrators: [{ actor_id: police, involvement: 'direct' }] },
        ],
      });
      const r = await doc(person, 'urgent_action');
      assert.equal(r.status, 200, r.text);
      const saved = await t.api('POST', `/api/v1/persons/${person}/reports/brief/interventions`, { body: {} });
      assert.equal(saved.status, 201, saved.text);
      for (const [where, body] of [
        ['JSON', r.text],
        ['note', saved.body.note as string],
      ] as const) {
        const label = `${where} (subject ${publicity})`;
        assert.ok(!body.includes('Gulnaz'), `${label} names the sister`);
        assert.ok(!body.includes('Serik') && !body.includes('Omarov'), `${label} names the co-victim`);
        assert.ok(body.includes('Nurlan Sadykov'), `${label} strikes the brother, who agreed`);
        if (publicity === 'named') assert.ok(body.includes('Asemgul Bekbolat and her sister [name withheld] taken'), `${label}: ${body.slice(0, 400)}`);
        else assert.ok(!body.includes('Bekbolat') && !body.includes('Asemgul'), `${label} names her`);
      }
    }
  });

  it("her consent to be named does not cover her father: his name is struck when he is a withheld person of the case", async () => {
    const person = await created('/api/v1/persons', { ...STORY_PERSON, father_name: 'Bolat Tursyn', consent: { publicity: 'named', location: 'exact' } });
    const father = await created('/api/v1/persons', { case_id: person, names: [{ text: 'Bolat Tursyn', script: 'Latn' }] });
    await created('/api/v1/relations', { from_person_id: person, to_person_id: father, relation: 'father' });
    await created('/api/v1/events', { title: 'Bolat Tursyn questioned about his daughter', date: '2026-09-20', acts: [{ type: 'summons', victim_id: person, perpetrators: [{ actor_id: police, involvement: 'direct' }] }] });
    const r = await doc(person, 'urgent_action');
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes('Tursyn'), 'the father is named');
    assert.ok(r.text.includes('Asemgul Bekbolat'), 'she is not named although she agreed');
  });

  it('an anonymous person carries the initials the public register shows, never an alias', async () => {
    const names = [{ text: 'Aika Smith', script: 'Latn', lang: 'en', kind: 'alias' }, ...STORY_PERSON.names];
    const person = await created('/api/v1/persons', { ...STORY_PERSON, names, consent: { publicity: 'anonymous', location: 'hidden' } });
    const r = await doc(person, 'brief');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes('A. B.'), r.text.slice(0, 300));
    assert.ok(!r.text.includes('A. S.') && !r.text.includes('Aika'), 'the alias shows');
  });

  it('whom to write to: chosen by ?to=, in that order; unknown, retracted or malformed ids refused', async () => {
    const { person } = await completeCase('named');
    const chosen = await doc(person, 'urgent_action', `?to=${dir.kzMinistry},${dir.cnEmbassy}`);
    assert.equal(chosen.status, 200, chosen.text);
    assert.deepEqual(chosen.body.addressees.map((a: { id: string }) => a.id), [dir.kzMinistry, dir.cnEmbassy]);
    for (const [query, status] of [
      [`?to=${MISSING_ID}`, 422],
      [`?to=${dir.retracted}`, 422],
      ['?to=not-an-id', 400],
      [`?to=${dir.cnEmbassy};drop table`, 400],
      [`?to=${Array.from({ length: 21 }, () => dir.cnEmbassy).join(',')}`, 400],
      ['?format=docx', 400],
      ['?format=pdf', 400],
      ['?lang=xx', 400],
    ] as const) {
      const r = await doc(person, 'brief', query);
      assert.equal(r.status, status, `${query.slice(0, 60)}: ${r.text.slice(0, 200)}`);
    }
    const page = await webClient(t).get(`/persons/${person}/reports/urgent_action?to=${dir.kzMinistry}&to=${dir.cnRegion}`);
    assert.equal(page.status, 200);
    assert.match(page.html, new RegExp(`<input type="checkbox" name="to" value="${dir.kzMinistry}" checked`));
    assert.doesNotMatch(page.html, new RegExp(`<input type="checkbox" name="to" value="${dir.cnEmbassy}" checked`));
    assert.ok(page.html.includes('Dear Minister'));
    // The save form carries the choice.
    assert.ok(page.html.includes(`<input type="hidden" name="to" value="${dir.kzMinistry}"/>`));
  });

  it('need-to-know: a non-member gets 404 for the documents and their drafts, a viewer member reads but may not save (403)', async () => {
    const { person } = await completeCase('named');
    for (const kind of ['urgent_action', 'brief'] as const) {
      assert.equal((await doc(person, kind, '', t.tokens.coordinator)).status, 404);
      assert.equal((await doc(MISSING_ID, kind)).status, 404);
    }
    for (const kind of ['wgeid', 'urgent_action', 'brief'] as const) {
      assert.equal((await t.api('POST', `/api/v1/persons/${person}/reports/${kind}/interventions`, { body: {}, token: t.tokens.coordinator })).status, 404);
    }
    await t.addMember(person, 'viewer', { caseRole: 'viewer' });
    assert.equal((await doc(person, 'brief', '', t.tokens.viewer)).status, 200);
    const viewer = await t.api('POST', `/api/v1/persons/${person}/reports/brief/interventions`, { body: {}, token: t.tokens.viewer });
    assert.equal(viewer.status, 403, viewer.text);
    // A member whose case role is viewer (a writer elsewhere) is refused too, on the page with no save button.
    await t.addMember(person, 'coordinator', { caseRole: 'viewer' });
    assert.equal((await t.api('POST', `/api/v1/persons/${person}/reports/urgent_action/interventions`, { body: {}, token: t.tokens.coordinator })).status, 403);
    const page = await webClient(t).get(`/persons/${person}/reports/urgent_action`, session(t, 'coordinator'));
    assert.equal(page.status, 200);
    assert.ok(!page.html.includes('/reports/urgent_action/interventions'));
    const interventions = (await t.api('GET', `/api/v1/interventions?person_id=${person}`)).body.items;
    assert.equal(interventions.length, 0);
  });

  it('saving a document creates a draft intervention of the right type, addressed and with the text as its note (API)', async () => {
    const { person } = await completeCase('named');
    const urgent = await t.api('POST', `/api/v1/persons/${person}/reports/urgent_action/interventions`, { body: { to: [dir.cnEmbassy, dir.kzMinistry] } });
    assert.equal(urgent.status, 201, urgent.text);
    assert.equal(urgent.headers.get('location'), `/api/v1/interventions/${urgent.body.id}`);
    assert.deepEqual(
      [urgent.body.type, urgent.body.status, urgent.body.addressee, urgent.body.date, urgent.body.follow_up_on],
      ['letter_to_authorities', 'draft', "Ambassador of the People's Republic of China to Kazakhstan; Minister of Foreign Affairs of the Republic of Kazakhstan", '2026-10-01', null],
    );
    assert.match(urgent.body.note, /^Urgent action: Asemgul Bekbolat disappeared after arrest\n/);
    assert.match(urgent.body.note, /Recommended action:\n- Immediately disclose her fate and whereabouts/);
    assert.match(urgent.body.note, /Sources:\n1\. phone call, 2026-09-18: Sister’s call/);
    assert.ok(urgent.body.note.includes('(confidential source)'));
    assertNoSecret(urgent.text, 'urgent action draft');
    const brief = await t.api('POST', `/api/v1/persons/${person}/reports/brief/interventions`, { body: {} });
    assert.equal(brief.status, 201, brief.text);
    assert.deepEqual([brief.body.type, brief.body.status], ['press', 'draft']);
    assert.match(brief.body.addressee, /Ambassador of the People's Republic of China/);
    // An id in upper case names the same entry, as in the GET's ?to=.
    const upper = await t.api('POST', `/api/v1/persons/${person}/reports/brief/interventions`, { body: { to: [dir.kzMinistry.toUpperCase()] } });
    assert.equal(upper.status, 201, upper.text);
    assert.equal(upper.body.addressee, 'Minister of Foreign Affairs of the Republic of Kazakhstan');
    const wgeid = await t.api('POST', `/api/v1/persons/${person}/reports/wgeid/interventions`, { body: {} });
    assert.equal(wgeid.status, 201, wgeid.text);
    assert.deepEqual([wgeid.body.type, wgeid.body.addressee], ['wgeid_urgent', 'UN Working Group on Enforced or Involuntary Disappearances']);
    assert.match(wgeid.body.note, /^WGEID URGENT APPEAL — DRAFT/);
    assert.ok(!wgeid.body.note.includes(SECRETS.nationalId), 'the draft is read by viewers too: no national id');
    // Stored as created, with revision and audit; refused input writes nothing.
    const audit = await t.app.ctx.db.selectFrom('audit_entries').select('action').where('entity_id', '=', urgent.body.id).execute();
    assert.deepEqual(audit.map((a) => a.action), ['intervention.create']);
    const count = async () => (await t.api('GET', `/api/v1/interventions?person_id=${person}&limit=200`)).body.items.length;
    const before = await count();
    for (const [path, body, status] of [
      [`/api/v1/persons/${person}/reports/brief/interventions`, { to: [MISSING_ID] }, 422],
      [`/api/v1/persons/${person}/reports/brief/interventions`, { to: [dir.retracted] }, 422],
      [`/api/v1/persons/${person}/reports/brief/interventions`, { to: ['<script>'] }, 400],
      [`/api/v1/persons/${person}/reports/brief/interventions`, { to: dir.cnEmbassy }, 400],
      [`/api/v1/persons/${person}/reports/brief/interventions`, { to: [dir.cnEmbassy], note: 'x' }, 400],
      [`/api/v1/persons/${person}/reports/wgeid/interventions`, { to: [dir.cnEmbassy] }, 400],
      [`/api/v1/persons/${person}/reports/press/interventions`, {}, 400],
      [`/api/v1/persons/not-an-id/reports/brief/interventions`, {}, 400],
    ] as const) {
      const r = await t.api('POST', path, { body });
      assert.equal(r.status, status, `${path} ${JSON.stringify(body)}: ${r.text.slice(0, 200)}`);
    }
    assert.equal(await count(), before);
  });

  it('the web form on each document page saves the draft without JavaScript and goes to it; CSRF and roles enforced', async () => {
    const { person } = await completeCase('anonymous');
    const web = webClient(t);
    for (const [kind, type] of [
      ['urgent_action', 'letter_to_authorities'],
      ['brief', 'press'],
      ['wgeid', 'wgeid_urgent'],
    ] as const) {
      const page = await web.get(`/persons/${person}/reports/${kind}`);
      assert.equal(page.status, 200);
      const action = `/persons/${person}/reports/${kind}/interventions`;
      assert.ok(page.html.includes(`action="${action}"`), `${kind} page has the save form`);
      const form: Array<[string, string]> = kind === 'urgent_action' ? [['to', dir.cnRegion]] : [];
      const saved = await web.post(action, form);
      assert.equal(saved.status, 303, saved.html.slice(0, 300));
      const id = /^\/interventions\/([0-9a-f-]{36})\/edit$/.exec(saved.location ?? '')?.[1];
      assert.ok(id, saved.location ?? '');
      const intervention = (await t.api('GET', `/api/v1/interventions/${id}`)).body;
      assert.deepEqual([intervention.type, intervention.status, intervention.person_id], [type, 'draft', person]);
      if (kind === 'urgent_action') assert.equal(intervention.addressee, 'Chairman of the People’s Government of the Xinjiang Uyghur Autonomous Region');
      assert.equal((await web.get(saved.location!)).status, 200, 'the intervention page opens');
    }
    const before = (await t.api('GET', `/api/v1/interventions?person_id=${person}`)).body.items.length;
    const forged = await web.request('POST', `/persons/${person}/reports/brief/interventions`, { cookie: session(t), form: {} });
    assert.equal(forged.status, 403, 'no CSRF token');
    assert.equal((await web.post(`/persons/${person}/reports/brief/interventions`, {}, session(t, 'coordinator'))).status, 404, 'a non-member');
    assert.equal((await web.post(`/persons/${person}/reports/brief/interventions`, {}, session(t, 'viewer'))).status, 403, 'a viewer');
    assert.equal((await web.post(`/persons/${person}/reports/brief/interventions`, [['to', '<img src=x>']])).status, 400);
    assert.equal((await web.post(`/persons/${person}/reports/nonsense/interventions`, {})).status, 404);
    assert.equal((await t.api('GET', `/api/v1/interventions?person_id=${person}`)).body.items.length, before);
    // The person page links to both documents next to the WGEID communication.
    const personPage = await web.get(`/persons/${person}`);
    for (const kind of ['wgeid', 'urgent_action', 'brief']) assert.ok(personPage.html.includes(`href="/persons/${person}/reports/${kind}"`), kind);
  });

  it('a retracted person has no documents (409)', async () => {
    const { person } = await completeCase('named');
    assert.equal((await t.api('POST', `/api/v1/persons/${person}/retract`, { body: { reason: 'entered twice, see the other record' } })).status, 200);
    assert.equal((await doc(person, 'urgent_action')).status, 409);
    assert.equal((await t.api('POST', `/api/v1/persons/${person}/reports/brief/interventions`, { body: {} })).status, 409);
  });
});
