import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/lib/clock.ts';
import { newId } from '../src/lib/ids.ts';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { addCalendarMonths, buildWgeidCommunication, procedureFor, wgeidDraftText, type WgeidCaseFile, type WgeidElementKey } from '../src/reports/wgeid.ts';
import { insertCitations } from '../src/sources/citations.repository.ts';
import { insertAlertOnce } from '../src/watch/alerts.repository.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';
import { STORY_PERSON } from './helpers/story-person.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';
import { readZip } from './helpers/zip.ts';

// ---------------------------------------------------------------------------------------------
// The pure builder, on plain snapshots.

const P = 'person-1';
const NOW = new Date('2026-10-01T10:00:00.000Z');

const status = (id: string, s: string, date: string, earliest: string, place: string | null, whereabouts: string | null, sources: string[]) => ({
  id,
  status: s,
  date,
  date_earliest: earliest,
  place,
  whereabouts_acknowledged: whereabouts,
  source_ids: sources,
});

/** A case like the demo's (DESIGN §1): every element can be filled, and there are decoys around it. */
function completeFile(): WgeidCaseFile {
  return {
    person: {
      id: P,
      case_number: 'VG-000001',
      ...STORY_PERSON,
      father_name: 'Бекболат',
      occupation: 'Veterinary technician',
      hometown: null,
      residence: 'Chöchek (Tacheng) city',
      citations: [
        { source_id: 's-id', field: 'birth' },
        { source_id: 's-hidden', field: 'names' },
        { source_id: 's-notes', field: 'risk' },
      ],
    },
    statuses: [
      status('st-1', 'at_liberty', '2017-03~', '2017-03-01', 'Toli county', null, []),
      status('st-2', 'detained', '2017-08~', '2017-08-01', 'Toli county detention centre', 'no', ['s-old']),
      status('st-3', 'released_restricted', '2019-09~', '2019-09-01', 'Chöchek', 'yes', []),
      status('st-4', 'summoned', '2026-08-28', '2026-08-28', 'Neighbourhood committee', 'yes', []),
      // Given out of order on purpose: the builder sorts by earliest day.
      status('st-6', 'disappeared', '2026-09-25', '2026-09-25', 'Last seen at her mother’s home', 'denied', ['s-denied']),
      status('st-5', 'detained', '2026-09-18', '2026-09-18', 'Her mother’s home, Toli county town', 'no', ['s-call']),
    ],
    events: [
      {
        id: 'ev-2017',
        title: 'First detention',
        date: '2017-08~',
        date_earliest: '2017-08-01',
        place: 'Toli county',
        source_ids: ['s-old'],
        acts: [{ id: 'act-2017', type: 'arrest', victim_id: P, date: '2017-08~', date_earliest: '2017-08-01', place: 'Toli county', perpetrators: [{ actor_id: 'a-camp', involvement: 'direct' }], source_ids: ['s-old'] }],
      },
      {
        id: 'ev-taken',
        title: 'Taken from her mother’s home',
        date: '2026-09-18',
        date_earliest: '2026-09-18',
        place: 'Toli county town',
        source_ids: ['s-call'],
        acts: [
          {
            id: 'act-arrest',
            type: 'arrest',
            victim_id: P,
            date: '2026-09-18',
            date_earliest: '2026-09-18',
            place: 'Her mother’s home, Toli county town',
            perpetrators: [
              { actor_id: 'a-police', involvement: 'direct' },
              { actor_id: 'a-stsec', involvement: 'unknown' },
            ],
            source_ids: ['s-call'],
          },
          { id: 'act-phone', type: 'confiscation', victim_id: P, date: '2026-09-18', date_earliest: '2026-09-18', place: null, perpetrators: [{ actor_id: 'a-other', involvement: 'direct' }], source_ids: [] },
          {
            id: 'act-gone',
            type: 'disappearance',
            victim_id: P,
            date: '2026-09-18/..',
            date_earliest: '2026-09-18',
            place: 'Toli county',
            perpetrators: [
              { actor_id: 'a-police', involvement: 'direct' },
              { actor_id: 'a-stsec', involvement: 'indirect' },
            ],
            source_ids: ['s-denied'],
          },
          { id: 'act-mother', type: 'arrest', victim_id: 'person-2', date: '2026-09-18', date_earliest: '2026-09-18', place: null, perpetrators: [{ actor_id: 'a-other', involvement: 'direct' }], source_ids: [] },
        ],
      },
    ],
    actors: [
      { id: 'a-police', name: 'Toli County Public Security Bureau', type: 'police' },
      { id: 'a-stsec', name: 'Tacheng prefecture state security', type: 'state_security' },
      { id: 'a-camp', name: 'Toli camp administration', type: 'camp_administration' },
      { id: 'a-other', name: 'Neighbourhood committee', type: 'local_government' },
    ],
    interventions: [
      { id: 'i-press', type: 'press', addressee: 'Steppe Ledger', date: '2026-07-15', date_earliest: '2026-07-15', status: 'responded' },
      { id: 'i-petition', type: 'family_petition', addressee: 'Toli County Procuratorate', date: '2026-09-26', date_earliest: '2026-09-26', status: 'sent' },
      { id: 'i-draft', type: 'wgeid_urgent', addressee: 'WGEID', date: '2026-09-24', date_earliest: '2026-09-24', status: 'draft' },
    ],
    sources: [
      { id: 's-id', kind: 'official_document', title: 'Household registration page', date: '2020', confidential: false },
      { id: 's-old', kind: 'testimony', title: 'Former cellmate', date: '2019', confidential: false },
      { id: 's-call', kind: 'phone_call', title: 'Sister’s call: taken from her mother’s home', date: '2026-09-18', confidential: false },
      { id: 's-denied', kind: 'phone_call', title: 'Gulnaz, sister: police deny holding her', date: '2026-09-25', confidential: true },
      { id: 's-notes', kind: 'interview', title: 'Risk assessment', date: null, confidential: false },
    ],
    submitter: 'Duty officer, Steppe Rights Group',
  };
}

describe('WGEID communication: the pure builder', () => {
  it('a complete case: six elements, each with its sources and records; the decoys stay out', () => {
    const c = buildWgeidCommunication(completeFile(), NOW);
    const { a, b, c: place, d, e, f } = c.elements;
    assert.deepEqual(c.missing, []);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f'] as const) {
      assert.equal(c.elements[key].present, true, key);
      assert.equal(c.elements[key].missing, false, key);
      assert.ok(c.elements[key].text, key);
    }
    assert.equal(a.value!.name, 'Asemgul Bekbolat', 'a document in English leads with the Latin-script name');
    assert.deepEqual(a.value!.names.map((n) => n.script), ['Cyrl', 'Latn', 'Hans']);
    assert.deepEqual(a.sources, ['s-id'], 'identity citations only, and only sources the reader may see');
    assert.deepEqual(a.gaps, []);
    assert.ok(!('national_id' in a.value!));
    assert.match(a.text!, /Әсемгүл Бекболат \(Cyrl, kk, primary\)/);
    assert.match(a.text!, /阿赛姆古丽·别克波拉提/);

    assert.deepEqual(b.value, { date: '2026-09-18', earliest: '2026-09-18', what: 'detained' }, 'the arrest the disappearance began with, not the day it was recorded');
    assert.deepEqual(b.sources, ['s-call', 's-denied']);
    assert.deepEqual(b.records.map((r) => `${r.type}:${r.id}`), ['status_entry:st-5', 'act:act-arrest', 'event:ev-taken', 'act:act-gone']);
    assert.equal(b.field, 'status_entry.date');

    assert.equal(place.value!.place, 'Her mother’s home, Toli county town');
    assert.deepEqual(place.sources, ['s-call']);

    assert.deepEqual(
      d.value!.actors.map((x) => [x.name, x.involvement]),
      [
        ['Toli County Public Security Bureau', 'direct'],
        ['Tacheng prefecture state security', 'indirect'],
      ],
      'the most direct involvement named; the 2017 camp, the confiscation and another victim’s arrest are not this disappearance',
    );
    assert.deepEqual(d.sources, ['s-call', 's-denied']);

    assert.deepEqual(
      e.value!.actions.map((x) => [x.kind, x.date, x.type]),
      [
        ['inquiry', '2026-09-25', 'inquiry_denied'],
        ['intervention', '2026-09-26', 'family_petition'],
      ],
      'the press release came before the disappearance, the WGEID draft is not sent yet',
    );
    assert.deepEqual(e.sources, ['s-denied']);
    assert.equal(f.value!.name, 'Duty officer, Steppe Rights Group');

    assert.equal(c.procedure, 'urgent');
    assert.deepEqual(c.supporting_documents.map((s) => s.id), ['s-id', 's-call', 's-denied']);
    assert.deepEqual(c.sensitive, []);
    assert.match(c.narrative, /^Asemgul Bekbolat \(also written Әсемгүл Бекболат; 阿赛姆古丽·别克波拉提\), female, born 1976~, kazakh, a citizen of CN, was taken into custody on 2026-09-18 at Her mother’s home, Toli county town\./);
    assert.match(c.narrative, /The authorities have denied holding her or knowing her whereabouts\./);
    assert.match(c.narrative, /Steps taken to locate her: 2026-09-25: inquiries/);
  });

  const drop = <T extends { id: string }>(items: T[], ...ids: string[]) => items.filter((item) => !ids.includes(item.id));
  const cases: Array<{ name: string; change: (file: WgeidCaseFile) => void; missing: WgeidElementKey[]; check?: (c: ReturnType<typeof buildWgeidCommunication>) => void }> = [
    {
      name: 'nothing on the timeline or in the events says the person disappeared',
      change: (file) => {
        file.statuses = drop(file.statuses, 'st-5', 'st-6');
        file.events = drop(file.events, 'ev-taken');
      },
      missing: ['b', 'c', 'd'],
      check: (c) => {
        assert.equal(c.procedure, 'standard');
        assert.match(c.procedure_reason, /not recorded/);
        assert.deepEqual(c.elements.e.value!.actions.map((x) => x.type), ['press', 'family_petition'], 'with no date, every step taken counts');
      },
    },
    {
      name: 'a disappearance recorded without place, events or steps taken',
      change: (file) => {
        file.statuses = [...drop(file.statuses, 'st-5', 'st-6'), status('st-x', 'disappeared', '2026-09-25', '2026-09-25', null, null, [])];
        file.events = [];
        file.interventions = [];
      },
      missing: ['c', 'd', 'e'],
      check: (c) => {
        assert.deepEqual(c.elements.b.value, { date: '2026-09-25', earliest: '2026-09-25', what: 'disappeared' });
        assert.equal(c.elements.c.field, 'status_entry.place');
        assert.equal(c.elements.d.field, 'event.acts.perpetrators');
        assert.equal(c.elements.e.field, 'intervention');
        for (const key of ['c', 'd', 'e'] as const) {
          assert.deepEqual([c.elements[key].text, c.elements[key].value, c.elements[key].sources], [null, null, []]);
        }
        assert.match(c.narrative, /was last seen on 2026-09-25 at a place not yet recorded\. The forces responsible are not yet identified/);
      },
    },
    { name: 'perpetrators the reader may not see', change: (file) => void (file.actors = []), missing: ['d'] },
    { name: 'no submitter', change: (file) => void (file.submitter = null), missing: ['f'], check: (c) => assert.equal(c.elements.f.field, 'user.display_name') },
    { name: 'a blank submitter', change: (file) => void (file.submitter = '   '), missing: ['f'] },
    { name: 'no name at all', change: (file) => void (file.person.names = []), missing: ['a'], check: (c) => assert.equal(c.elements.a.field, 'person.names') },
    {
      name: 'a name but not sex, birth or citizenship: present, with the gaps named',
      change: (file) => Object.assign(file.person, { sex: null, birth: null, citizenships: [] }),
      missing: [],
      check: (c) => {
        assert.deepEqual(c.elements.a.gaps, ['person.sex', 'person.birth', 'person.citizenships']);
        assert.match(c.narrative, /they|them|their/);
      },
    },
    {
      name: 'only steps taken before the disappearance, and no denial',
      change: (file) => {
        file.interventions = drop(file.interventions, 'i-petition');
        file.statuses = file.statuses.map((s) => (s.id === 'st-6' ? { ...s, whereabouts_acknowledged: 'no' } : s));
      },
      missing: ['e'],
      check: (c) => assert.match(c.narrative, /fate and whereabouts remain unknown\. No steps taken to locate her are recorded yet\./),
    },
    {
      name: 'a disappearance in the events only, with no timeline entry',
      change: (file) => void (file.statuses = []),
      missing: [],
      check: (c) => {
        assert.deepEqual(c.elements.b.value, { date: '2026-09-18', earliest: '2026-09-18', what: 'arrest' });
        assert.equal(c.elements.c.value!.place, 'Her mother’s home, Toli county town');
        assert.deepEqual(c.elements.d.value!.actors.map((x) => x.actor_id), ['a-police', 'a-stsec'], 'the 2017 arrest is no part of it');
      },
    },
    {
      name: 'a release after the disappearance bounds it: a later arrest is another story',
      change: (file) => {
        file.statuses.push(status('st-7', 'released_restricted', '2026-12-01', '2026-12-01', 'Chöchek', 'yes', []));
        file.events.push({
          id: 'ev-later',
          title: 'Arrested again',
          date: '2027-01-05',
          date_earliest: '2027-01-05',
          place: 'Chöchek',
          source_ids: [],
          acts: [{ id: 'act-later', type: 'arrest', victim_id: P, date: '2027-01-05', date_earliest: '2027-01-05', place: 'Chöchek', perpetrators: [{ actor_id: 'a-other', involvement: 'direct' }], source_ids: [] }],
        });
      },
      missing: [],
      check: (c) => assert.ok(!c.elements.d.value!.actors.some((x) => x.actor_id === 'a-other')),
    },
  ];
  for (const { name, change, missing, check } of cases) {
    it(`an incomplete case: ${name}`, () => {
      const file = completeFile();
      change(file);
      const c = buildWgeidCommunication(file, NOW);
      assert.deepEqual(c.missing, missing);
      for (const key of ['a', 'b', 'c', 'd', 'e', 'f'] as const) assert.equal(c.elements[key].missing, missing.includes(key), key);
      check?.(c);
    });
  }

  it('the national id only when the snapshot carries it, and then flagged as sensitive', () => {
    const file = completeFile();
    file.person.national_id = '654321197601011234';
    const c = buildWgeidCommunication(file, NOW);
    assert.equal(c.elements.a.value!.national_id, '654321197601011234');
    assert.deepEqual(c.sensitive, ['a.national_id']);
    assert.match(c.elements.a.text!, /identity document number: 654321197601011234 \(sensitive\)/);
    file.person.national_id = null;
    assert.deepEqual(buildWgeidCommunication(file, NOW).sensitive, []);
  });

  it('adds calendar months, a day the month lacks becoming its last', () => {
    const table: Array<[string, number, string]> = [
      ['2026-09-18', 3, '2026-12-18'],
      ['2026-10-15', 3, '2027-01-15'],
      ['2026-11-30', 3, '2027-02-28'],
      ['2027-11-30', 3, '2028-02-29'],
      ['2026-12-31', 2, '2027-02-28'],
      ['2026-05-31', -3, '2026-02-28'],
      ['0999-01-01', 3, '0999-04-01'],
    ];
    for (const [day, months, want] of table) assert.equal(addCalendarMonths(day, months), want, `${day} + ${months}`);
  });

  it('urgent while less than three months old (UTC days), standard from the day three months after', () => {
    const table: Array<[string | null, string, 'urgent' | 'standard']> = [
      ['2026-09-18', '2026-09-18T00:00:00.000Z', 'urgent'],
      ['2026-09-18', '2026-12-17T23:59:59.999Z', 'urgent'],
      ['2026-09-18', '2026-12-18T00:00:00.000Z', 'standard'],
      ['2026-11-30', '2027-02-27T12:00:00.000Z', 'urgent'],
      ['2026-11-30', '2027-02-28T00:00:00.000Z', 'standard'],
      ['2021-02-19', '2026-10-01T10:00:00.000Z', 'standard'],
      ['2026-10-05', '2026-10-01T10:00:00.000Z', 'urgent'],
      [null, '2026-10-01T10:00:00.000Z', 'standard'],
    ];
    for (const [day, now, want] of table) assert.equal(procedureFor(day, new Date(now)).procedure, want, `${day} at ${now}`);
  });

  it('the boundary through the whole builder: the earliest day of an approximate date counts', () => {
    const file = completeFile();
    file.statuses = [status('st-x', 'disappeared', '2026-09~', '2026-09-01', 'Toli', 'denied', [])];
    file.events = [];
    assert.equal(buildWgeidCommunication(file, new Date('2026-11-30T23:59:59.999Z')).procedure, 'urgent');
    assert.equal(buildWgeidCommunication(file, new Date('2026-12-01T00:00:00.000Z')).procedure, 'standard');
  });

  it('as draft text: what is missing and where to fill it, confidential sources without their titles, cut to size', () => {
    const complete = wgeidDraftText(buildWgeidCommunication(completeFile(), NOW), 'DRAFT');
    assert.match(complete, /^DRAFT\nProcedure: urgent/);
    assert.match(complete, /All six required elements are present\./);
    assert.match(complete, /\(d\) Forces believed responsible: Toli County Public Security Bureau \(police; direct involvement\); Tacheng prefecture state security \(state security; indirect involvement\)/);
    assert.match(complete, /- phone call, 2026-09-25: \(confidential source\)/);
    assert.ok(!complete.includes('Gulnaz'), 'a confidential source’s title stays out');
    const file = completeFile();
    file.statuses = [status('st-x', 'disappeared', '2026-09-25', '2026-09-25', null, null, [])];
    file.events = [];
    file.interventions = [];
    const incomplete = wgeidDraftText(buildWgeidCommunication(file, NOW), 'DRAFT');
    assert.match(incomplete, /Missing elements: \(c\) Place of arrest, abduction or where last seen — fill status_entry\.place; \(d\) Forces believed responsible — fill event\.acts\.perpetrators; \(e\) Actions taken to locate the person — fill intervention\./);
    assert.match(incomplete, /\(c\) Place of arrest, abduction or where last seen: \[MISSING — fill status_entry\.place\]/);
    const cut = wgeidDraftText(buildWgeidCommunication(completeFile(), NOW), 'DRAFT', 60);
    assert.equal(cut.length <= 60, true);
    assert.ok(cut.endsWith('…'));
    const astral = wgeidDraftText(buildWgeidCommunication(completeFile(), NOW), '𝔇𝔯𝔞𝔣𝔱', 4);
    assert.equal(astral, '𝔇…', 'no half of a surrogate pair is left');
  });
});

// ---------------------------------------------------------------------------------------------
// Through HTTP, on a real store.

const START = '2026-10-01T10:00:00.000Z';
const HOUR = 3600_000;
const MISSING_ID = '01a22566-2c15-770d-9624-01048a0a9716';
const NATIONAL_ID = 'KZ-SECRET-6543219';
const CONFIDENTIAL_IDENTITY = 'Gulnaz, via the neighbour’s phone';
const CONFIDENTIAL_TITLE = 'Sister (name withheld): police deny holding her';

describe(`WGEID report API and the appeal draft on resolving an alert (${BACKEND})`, () => {
  let t: TestApp;
  const clock = new ManualClock(START);
  const actors = { police: '', stsec: '', camp: '' };

  before(async () => {
    t = await startTestApp({ clock });
    const actor = async (body: Record<string, unknown>) => {
      const created = await t.api('POST', '/api/v1/actors', { body });
      assert.equal(created.status, 201, created.text);
      return created.body.id as string;
    };
    actors.police = await actor({ name: 'Toli County Public Security Bureau', type: 'police' });
    actors.stsec = await actor({ name: 'Tacheng prefecture state security', type: 'state_security' });
    actors.camp = await actor({ name: 'Toli camp administration', type: 'camp_administration' });
  });
  after(async () => {
    await t?.stop();
  });

  const created = async (path: string, body: unknown, token = t.tokens.researcher) => {
    const response = await t.api('POST', path, { body, token });
    assert.equal(response.status, 201, `${path}: ${response.text}`);
    return response.body.id as string;
  };
  const report = (personId: string, token = t.tokens.researcher, query = '') => t.api('GET', `/api/v1/persons/${personId}/reports/wgeid${query}`, { token });

  /** A case as a case worker records it, disappearance on `taken` (DESIGN §1). */
  async function completeCase(taken = '2026-09-18') {
    const person = await created('/api/v1/persons', {
      ...STORY_PERSON,
      father_name: 'Бекболат',
      national_id: NATIONAL_ID,
      notes: 'Never call her own number',
    });
    const source = (body: Record<string, unknown>) => created('/api/v1/sources', { person_id: person, ...body });
    const sources = {
      id: await source({ kind: 'official_document', title: 'Household registration page (copy)', date: '2020' }),
      call: await source({ kind: 'phone_call', title: 'Sister’s call: taken from her mother’s home', date: taken }),
      denied: await source({ kind: 'phone_call', title: CONFIDENTIAL_TITLE, date: '2026-09-25', confidential: true, confidential_identity: CONFIDENTIAL_IDENTITY }),
      old: await source({ kind: 'testimony', title: 'Former cellmate', date: '2019' }),
    };
    // Person-field citations have no API of their own yet; the store takes them as the import will.
    await insertCitations(t.app.ctx.db, t.app.ctx.cipher, { type: 'person', id: person, caseId: person, at: clock.now().toISOString() }, [{ source_id: sources.id, field: 'birth', hand: 'first_hand' }]);
    const statuses: Array<Record<string, unknown>> = [
      { status: 'detained', date: '2017-08~', place: 'Toli county detention centre', whereabouts_acknowledged: 'no', citations: [{ source_id: sources.old }] },
      { status: 'released_restricted', date: '2019-09~', place: 'Chöchek' },
      { status: 'summoned', date: '2026-08-28', place: 'Neighbourhood committee' },
      { status: 'detained', date: taken, place: 'Her mother’s home, Toli county town', whereabouts_acknowledged: 'no', citations: [{ source_id: sources.call, hand: 'second_hand' }] },
      { status: 'disappeared', date: '2026-09-25', place: 'Last seen at her mother’s home', whereabouts_acknowledged: 'denied', citations: [{ source_id: sources.denied }] },
    ];
    for (const body of statuses) await created(`/api/v1/persons/${person}/statuses`, body);
    await created('/api/v1/events', {
      title: 'First detention',
      date: '2017-08~',
      acts: [{ type: 'arrest', victim_id: person, perpetrators: [{ actor_id: actors.camp, involvement: 'direct' }], citations: [{ source_id: sources.old }] }],
    });
    await created('/api/v1/events', {
      title: 'Taken from her mother’s home',
      date: taken,
      place: 'Toli county town',
      citations: [{ source_id: sources.call }],
      acts: [
        {
          type: 'arrest',
          victim_id: person,
          date: taken,
          place: 'Her mother’s home, Toli county town',
          perpetrators: [
            { actor_id: actors.police, involvement: 'direct' },
            { actor_id: actors.stsec, involvement: 'unknown' },
          ],
          citations: [{ source_id: sources.call }],
        },
      ],
    });
    await created('/api/v1/interventions', { person_id: person, type: 'press', addressee: 'Steppe Ledger', date: '2026-07-15', status: 'responded' });
    await created('/api/v1/interventions', { person_id: person, type: 'family_petition', addressee: 'Toli County Procuratorate', date: '2026-09-26', status: 'sent' });
    return { person, sources };
  }

  it('a complete case: all six elements present, each with its sources; urgent; the national id for its owner, flagged and audited', async () => {
    const { person, sources } = await completeCase();
    const response = await report(person);
    assert.equal(response.status, 200, response.text);
    const r = response.body;
    assert.equal(r.person_id, person);
    assert.match(r.case_number, /^VG-\d{6}$/);
    assert.equal(r.procedure, 'urgent');
    assert.deepEqual(r.missing, []);
    assert.deepEqual(Object.keys(r.elements), ['a', 'b', 'c', 'd', 'e', 'f']);
    for (const key of Object.keys(r.elements)) {
      assert.equal(r.elements[key].present, true, key);
      assert.equal(typeof r.elements[key].text, 'string', key);
    }
    assert.deepEqual(r.elements.a.sources, [sources.id]);
    assert.equal(r.elements.a.value.name, 'Asemgul Bekbolat');
    assert.equal(r.elements.a.value.national_id, NATIONAL_ID);
    assert.deepEqual(r.sensitive, ['a.national_id']);
    assert.deepEqual(r.elements.b.value, { date: '2026-09-18', earliest: '2026-09-18', what: 'detained' });
    assert.deepEqual(r.elements.b.sources, [sources.call]);
    assert.equal(r.elements.c.value.place, 'Her mother’s home, Toli county town');
    assert.deepEqual(r.elements.c.sources, [sources.call]);
    assert.deepEqual(
      r.elements.d.value.actors.map((a: { actor_id: string; involvement: string }) => [a.actor_id, a.involvement]),
      [
        [actors.police, 'direct'],
        [actors.stsec, 'unknown'],
      ],
    );
    assert.deepEqual(r.elements.d.sources, [sources.call]);
    assert.deepEqual(r.elements.e.value.actions.map((a: { type: string }) => a.type), ['inquiry_denied', 'family_petition']);
    assert.deepEqual(r.elements.e.sources, [sources.denied]);
    assert.equal(r.elements.f.value.name, 'test researcher');
    assert.deepEqual(r.supporting_documents.map((s: { id: string }) => s.id), [sources.id, sources.call, sources.denied]);
    assert.equal(r.supporting_documents[2].confidential, true);
    assert.match(r.narrative, /^Asemgul Bekbolat \(also written Әсемгүл Бекболат; 阿赛姆古丽·别克波拉提\)/);
    for (const secret of [CONFIDENTIAL_IDENTITY, 'Never call her own number']) assert.ok(!response.text.includes(secret), 'no other secret field, ever');
    const audit = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'person.read_secret').where('entity_id', '=', person).execute();
    assert.equal(audit.length, 1, 'the secret read is on record');
    assert.match(JSON.stringify(audit), /national_id/);
    assert.ok(!JSON.stringify(audit).includes(NATIONAL_ID));
  });

  it('a viewer member reads the report without the national id, and nothing is audited as a secret read', async () => {
    const { person } = await completeCase();
    await t.addMember(person, 'viewer', { caseRole: 'viewer' });
    const response = await report(person, t.tokens.viewer);
    assert.equal(response.status, 200, response.text);
    assert.ok(!response.text.includes(NATIONAL_ID));
    assert.ok(!('national_id' in response.body.elements.a.value));
    assert.deepEqual(response.body.sensitive, []);
    assert.deepEqual(response.body.missing, []);
    const audit = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'person.read_secret').where('entity_id', '=', person).execute();
    assert.equal(audit.length, 0);
  });

  it('an incomplete case: the missing elements flagged with the field that would fill them', async () => {
    const person = await created('/api/v1/persons', { names: [{ text: 'Ерлан Омаров', script: 'Cyrl', lang: 'kk' }] });
    const bare = await report(person);
    assert.equal(bare.status, 200, bare.text);
    assert.deepEqual(bare.body.missing, ['b', 'c', 'd', 'e']);
    assert.equal(bare.body.procedure, 'standard');
    assert.deepEqual(bare.body.elements.a.gaps, ['person.sex', 'person.birth', 'person.ethnicity', 'person.citizenships']);
    await created(`/api/v1/persons/${person}/statuses`, { status: 'disappeared', date: '2026-09-30' });
    const r = (await report(person)).body;
    assert.deepEqual(r.missing, ['c', 'd', 'e']);
    assert.deepEqual(
      ['c', 'd', 'e'].map((key) => [key, r.elements[key].present, r.elements[key].missing, r.elements[key].field, r.elements[key].text, r.elements[key].sources]),
      [
        ['c', false, true, 'status_entry.place', null, []],
        ['d', false, true, 'event.acts.perpetrators', null, []],
        ['e', false, true, 'intervention', null, []],
      ],
    );
    assert.equal(r.elements.b.value.date, '2026-09-30');
    assert.equal(r.procedure, 'urgent');
  });

  it('urgent or standard by the injected clock: three calendar months to the day', async () => {
    // The clock says 2026-10-01: a disappearance on 2026-07-01 turned three months today, one on 2026-07-02 did not.
    const on = async (day: string) => {
      const person = await created('/api/v1/persons', { names: [{ text: 'Test Person', script: 'Latn' }] });
      await created(`/api/v1/persons/${person}/statuses`, { status: 'disappeared', date: day, place: 'Toli' });
      return (await report(person)).body.procedure;
    };
    assert.equal(clock.now().toISOString().slice(0, 10), '2026-10-01');
    assert.equal(await on('2026-07-01'), 'standard');
    assert.equal(await on('2026-07-02'), 'urgent');
    assert.equal(await on('2021-02-19'), 'standard');
  });

  it('need-to-know: a non-member and an admin without break-glass get 404, like for a person that does not exist', async () => {
    const { person } = await completeCase();
    for (const token of [t.tokens.coordinator, t.tokens.admin]) {
      const response = await report(person, token);
      assert.equal(response.status, 404, response.text);
      assert.equal(response.body.error.code, 'not_found');
      assert.ok(!response.text.includes('Asemgul'));
    }
    assert.deepEqual((await report(MISSING_ID, t.tokens.coordinator)).body, (await report(person, t.tokens.coordinator)).body);
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const { person } = await completeCase();
    const before = await t.app.ctx.db.selectFrom('interventions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: Array<[string, number, string | null]> = [
      ['/api/v1/persons/not-a-uuid/reports/wgeid', 400, 'invalid_input'],
      [`/api/v1/persons/${MISSING_ID}/reports/wgeid`, 404, 'not_found'],
      [`/api/v1/persons/${person}'%20or%201=1--/reports/wgeid`, 400, 'invalid_input'],
      [`/api/v1/persons/${person}/reports/wgeid?format=pdf`, 400, 'invalid_input'],
      [`/api/v1/persons/${person}/reports/wgeid?format=html&format=json`, 400, 'invalid_input'],
      [`/api/v1/persons/${person}/reports/wgeid?person_id=${MISSING_ID}`, 400, 'invalid_input'],
      [`/api/v1/persons/${person}/reports/wgeid?format=${'x'.repeat(5000)}`, 400, 'invalid_input'],
      [`/api/v1/persons/${person}/reports/nonsense`, 404, null],
    ];
    for (const [path, status, code] of cases) {
      const response = await t.api('GET', path);
      assert.equal(response.status, status, `${path.slice(0, 120)}: ${response.text.slice(0, 300)}`);
      if (code) assert.equal(response.body.error.code, code, path.slice(0, 120));
    }
    assert.equal((await t.api('GET', `/api/v1/persons/${person}/reports/wgeid`, { token: null })).status, 401);
    assert.equal((await report(person, t.tokens.researcher, '?format=json')).status, 200);
    const afterCount = await t.app.ctx.db.selectFrom('interventions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });

  it('the document to send: every element with footnotes to its sources, confidential sources unnamed, nothing fetched', async () => {
    const { person } = await completeCase();
    const api = await fetch(`${t.url}/api/v1/persons/${person}/reports/wgeid?format=html`, { headers: { authorization: `Bearer ${t.tokens.researcher}` } });
    assert.equal(api.status, 200);
    assert.match(api.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(api.headers.get('content-disposition') ?? '', /^attachment; filename="wgeid-VG-\d+\.html"$/);
    const html = await api.text();
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /Urgent appeal: enforced disappearance/);
    for (const label of ['Identity of the disappeared person', 'Date of the disappearance', 'Place of arrest', 'Forces believed responsible', 'Actions taken to locate the person', 'Submitted by']) {
      assert.ok(html.includes(label), label);
    }
    assert.ok(html.includes('Toli County Public Security Bureau'));
    // Footnotes: numbered links to the supporting documents, the confidential one listed without its title.
    assert.match(html, /<sup class="refs"><a href="#source-1">1<\/a>/);
    assert.match(html, /<li id="source-1">/);
    assert.ok(html.includes('Confidential source (identity withheld)'));
    assert.ok(!html.includes(CONFIDENTIAL_TITLE) && !html.includes(CONFIDENTIAL_IDENTITY));
    // The owner's national id is in it, flagged; nothing in it asks another host for anything.
    assert.ok(html.includes(NATIONAL_ID));
    assert.ok(html.includes('Contains a confidential identifier'));
    assert.doesNotMatch(html, /\b(?:src|href)="(?:https?:)?\/\//);
    assert.doesNotMatch(html, /<script/i);
    // A viewer member's copy has no national id.
    await t.addMember(person, 'viewer', { caseRole: 'viewer' });
    const viewerResponse = await fetch(`${t.url}/api/v1/persons/${person}/reports/wgeid?format=html`, { headers: { authorization: `Bearer ${t.tokens.viewer}` } });
    assert.equal(viewerResponse.status, 200);
    const viewerCopy = await viewerResponse.text();
    assert.ok(viewerCopy.includes('Identity of the disappeared person') && !viewerCopy.includes(NATIONAL_ID));
    // Kept nowhere on the way; opened from a disk, it may load and run nothing; its styles are intact.
    assert.equal(api.headers.get('cache-control'), 'no-store');
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/>`));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    assert.match(style, /font:11pt\/1\.5 "Noto Serif"/);
    assert.ok(!style.includes('&quot;'));
  });

  it('the document for Word: a .docx whose footnotes name the sources, confidential ones unnamed', async () => {
    const { person } = await completeCase();
    const response = await fetch(`${t.url}/api/v1/persons/${person}/reports/wgeid?format=docx`, { headers: { authorization: `Bearer ${t.tokens.researcher}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="wgeid-VG-\d+\.docx"$/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const files = readZip(Buffer.from(await response.arrayBuffer()));
    const document = files.get('word/document.xml')?.toString('utf8') ?? '';
    const footnotes = files.get('word/footnotes.xml')?.toString('utf8') ?? '';
    assert.match(document, /Urgent appeal: enforced disappearance/);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) assert.ok(document.includes(`(${key}) `), key);
    assert.ok(document.includes('Toli County Public Security Bureau'));
    assert.ok(document.includes(NATIONAL_ID), 'the owner’s copy carries the national id…');
    assert.ok(document.includes('Contains a confidential identifier'), '…flagged');
    assert.match(document, /<w:footnoteReference w:id="\d+"\/>/);
    assert.ok(footnotes.includes('Household registration page (copy)'));
    assert.ok(footnotes.includes('Confidential source (identity withheld)'));
    for (const part of [document, footnotes]) assert.ok(!part.includes(CONFIDENTIAL_TITLE) && !part.includes(CONFIDENTIAL_IDENTITY));
    // The same need-to-know as the JSON: a non-member gets 404, a viewer's copy has no national id.
    assert.equal((await fetch(`${t.url}/api/v1/persons/${person}/reports/wgeid?format=docx`, { headers: { authorization: `Bearer ${t.tokens.coordinator}` } })).status, 404);
    await t.addMember(person, 'viewer', { caseRole: 'viewer' });
    const viewerCopy = readZip(Buffer.from(await (await fetch(`${t.url}/api/v1/persons/${person}/reports/wgeid?format=docx`, { headers: { authorization: `Bearer ${t.tokens.viewer}` } })).arrayBuffer()));
    assert.ok(!viewerCopy.get('word/document.xml')!.toString('utf8').includes(NATIONAL_ID));
  });

  it('the page flags each missing element with a link to where it is filled, escapes the record, and refuses what it cannot show', async () => {
    await prepareSessions(t);
    const web = webClient(t);
    const person = await created('/api/v1/persons', { names: [{ text: '<img src=x onerror=alert(1)> Ерлан', script: 'Cyrl', lang: 'kk' }] });
    const hostile = await created('/api/v1/persons', { names: [{ text: 'Ерлан Омаров', script: 'Cyrl', lang: 'kk' }] });
    const source = await created('/api/v1/sources', { person_id: hostile, kind: 'testimony', title: '<script>alert("title")</script>', date: '2026-09' });
    await created(`/api/v1/persons/${hostile}/statuses`, { status: 'disappeared', date: '2026-09-30', place: '<img src=y onerror=alert(2)>', citations: [{ source_id: source }] });
    for (const path of [`/persons/${hostile}/reports/wgeid`, `/persons/${hostile}/reports/wgeid?format=html`]) {
      const shown = await web.request('GET', path, { cookie: session(t) });
      assert.equal(shown.status, 200, path);
      assert.ok(!shown.html.includes('<script>alert') && !shown.html.includes('<img src=y'), path);
      assert.ok(shown.html.includes('&lt;script>alert') && shown.html.includes('&lt;img src=y'), path);
    }
    const page = await web.request('GET', `/persons/${person}/reports/wgeid`, { cookie: session(t) });
    assert.equal(page.status, 200, page.html.slice(0, 300));
    assert.ok(!page.html.includes('<img src=x'), 'the name is escaped');
    assert.ok(page.html.includes('&lt;img src=x onerror=alert(1)'));
    assert.ok(page.html.includes('4 of the six required elements are missing'));
    for (const [key, href] of [['b', `/persons/${person}#timeline`], ['c', `/persons/${person}#timeline`], ['d', `/persons/${person}#events`], ['e', `/persons/${person}#interventions`]] as const) {
      assert.match(page.html, new RegExp(`<li id="element-${key}" class="missing">[\\s\\S]*?<a href="${href}">fill it in</a>`), key);
    }
    assert.ok(page.html.includes(`href="/persons/${person}/reports/wgeid?format=html"`));
    const download = await web.request('GET', `/persons/${person}/reports/wgeid?format=html`, { cookie: session(t) });
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.equal((download.html.match(/<em>Not yet known<\/em>/g) ?? []).length, 4);
    // The person's page links to it.
    assert.ok((await web.request('GET', `/persons/${person}`, { cookie: session(t) })).html.includes(`href="/persons/${person}/reports/wgeid"`));
    // A non-member, a bad id, no session.
    assert.equal((await web.request('GET', `/persons/${person}/reports/wgeid`, { cookie: session(t, 'coordinator') })).status, 404);
    assert.equal((await web.request('GET', `/persons/not-an-id/reports/wgeid`, { cookie: session(t) })).status, 404);
    assert.equal((await web.request('GET', `/persons/${MISSING_ID}/reports/wgeid`, { cookie: session(t) })).status, 404);
    // A viewer member of the case (a researcher elsewhere) reads it too, without links to forms they may not use.
    await t.addMember(person, 'coordinator', { caseRole: 'viewer' });
    const asViewerMember = await web.request('GET', `/persons/${person}/reports/wgeid`, { cookie: session(t, 'coordinator') });
    assert.equal(asViewerMember.status, 200);
    assert.ok(!asViewerMember.html.includes('>fill it in</a>') && asViewerMember.html.includes('ask a case editor to fill it in'));
    const signedOut = await web.request('GET', `/persons/${person}/reports/wgeid`);
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.location ?? '', /^\/login/);
  });

  it('a retracted person gets no communication (409), the case stays readable', async () => {
    const { person } = await completeCase();
    assert.equal((await t.api('POST', `/api/v1/persons/${person}/retract`, { body: { reason: 'entered twice, see the other record' } })).status, 200);
    const response = await report(person);
    assert.equal(response.status, 409, response.text);
    assert.equal(response.body.error.code, 'state_conflict');
    assert.equal((await report(person, t.tokens.coordinator)).status, 404, 'a non-member still learns nothing');
  });

  // ---- resolving alerts

  const interventionsOf = async (person: string) => (await t.api('GET', `/api/v1/interventions?person_id=${person}&limit=200`)).body.items as Array<{ id: string; type: string; status: string }>;

  /** A real missed alert: a watch, its deadline passed, the worker's sweep; the clock is put back afterwards. */
  async function missedAlert(person: string): Promise<string> {
    const watch = await created('/api/v1/watches', {
      person_id: person,
      interval: 'PT24H',
      grace: 'PT2H',
      pin: '271828',
      duress_pin: '314159',
      escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }],
    });
    const step = 26 * HOUR + 1000;
    clock.advance(step);
    try {
      await runDeadlineSweep(t.app.ctx);
    } finally {
      clock.advance(-step);
    }
    const row = await t.app.ctx.db.selectFrom('alerts').select('id').where('watch_id', '=', watch).executeTakeFirstOrThrow();
    return row.id;
  }

  it('resolving as disappeared prepares the WGEID draft: an intervention in draft, with revision and audit, its id in the answer', async () => {
    const { person } = await completeCase();
    const alert = await missedAlert(person);
    const before = await interventionsOf(person);
    const resolved = await t.api('POST', `/api/v1/alerts/${alert}/resolve`, { body: { outcome: 'disappeared', note: 'Her sister confirms: no word since the 18th' } });
    assert.equal(resolved.status, 200, resolved.text);
    const draftId = resolved.body.appeal_draft_id;
    assert.match(draftId, /^[0-9a-f-]{36}$/);
    assert.equal(resolved.body.state, 'resolved');

    const draft = await t.api('GET', `/api/v1/interventions/${draftId}`);
    assert.equal(draft.status, 200, draft.text);
    assert.deepEqual(
      [draft.body.person_id, draft.body.type, draft.body.status, draft.body.addressee, draft.body.date, draft.body.version],
      [person, 'wgeid_urgent', 'draft', 'UN Working Group on Enforced or Involuntary Disappearances', '2026-10-01', 1],
    );
    const note: string = draft.body.note;
    assert.match(note, new RegExp(`^WGEID URGENT APPEAL — DRAFT prepared by Vigil from the case file on resolving alert ${alert}`));
    assert.match(note, /All six required elements are present\./);
    assert.match(note, /\(b\) Date of the disappearance: 2026-09-18/);
    assert.match(note, /\(d\) Forces believed responsible: Toli County Public Security Bureau/);
    assert.match(note, /\(f\) Submitted by: test researcher/);
    for (const secret of [NATIONAL_ID, CONFIDENTIAL_IDENTITY, CONFIDENTIAL_TITLE, 'Never call her own number']) {
      assert.ok(!note.includes(secret), 'the draft is read by every member, viewers too: no secret, no confidential title');
    }
    assert.deepEqual((await interventionsOf(person)).length, before.length + 1);

    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'intervention', draftId);
    assert.deepEqual(revisions.map((r) => [r.version, r.action, r.actor]), [[1, 'create', `user:${t.users.researcher.id}`]]);
    const audit = await t.app.ctx.db.selectFrom('audit_entries').select(['action', 'case_id']).where('entity_id', '=', draftId).execute();
    assert.deepEqual(audit, [{ action: 'intervention.create', case_id: person }]);
    const alertRevisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'alert', alert);
    assert.deepEqual(alertRevisions.at(-1)!.changes.appeal_draft_id, { from: null, to: draftId });

    // The report now sees the disappearance written on resolving, still dated from the arrest.
    const after = (await report(person)).body;
    assert.equal(after.elements.b.value.date, '2026-09-18');
  });

  it('an incomplete case: the draft says which elements are missing and which fields would fill them', async () => {
    const person = await created('/api/v1/persons', { names: [{ text: 'Nurlan Sapar', script: 'Latn' }], sex: 'male' });
    const alert = await missedAlert(person);
    const resolved = await t.api('POST', `/api/v1/alerts/${alert}/resolve`, { body: { outcome: 'disappeared' } });
    assert.equal(resolved.status, 200, resolved.text);
    const note: string = (await t.api('GET', `/api/v1/interventions/${resolved.body.appeal_draft_id}`)).body.note;
    assert.match(note, /Missing elements: \(c\) Place of arrest, abduction or where last seen — fill status_entry\.place; \(d\) Forces believed responsible — fill event\.acts\.perpetrators; \(e\) Actions taken to locate the person — fill intervention\./);
    assert.match(note, /\(b\) Date of the disappearance: 2026-10-01/, 'the day the disappearance was recorded on resolving');
  });

  it('resolving as detained or contact restored prepares no draft', async () => {
    for (const outcome of ['detained', 'contact_restored']) {
      const { person } = await completeCase();
      const before = await interventionsOf(person);
      const alert = await missedAlert(person);
      const resolved = await t.api('POST', `/api/v1/alerts/${alert}/resolve`, { body: { outcome } });
      assert.equal(resolved.status, 200, resolved.text);
      assert.equal(resolved.body.appeal_draft_id, null, outcome);
      assert.deepEqual(await interventionsOf(person), before, outcome);
    }
  });

  it('a drill cannot be resolved as disappeared, and its resolution prepares no draft: the advocacy log stays as it was', async () => {
    const { person } = await completeCase();
    const before = await interventionsOf(person);
    const id = newId();
    assert.ok(await insertAlertOnce(t.app.ctx.db, { id, case_id: person, watch_id: null, person_id: person, kind: 'drill', deadline_at: null, checkin_id: null, at: clock.now().toISOString() }));
    const refused = await t.api('POST', `/api/v1/alerts/${id}/resolve`, { body: { outcome: 'disappeared' } });
    assert.equal(refused.status, 422, refused.text);
    const resolved = await t.api('POST', `/api/v1/alerts/${id}/resolve`, { body: { outcome: 'contact_restored' } });
    assert.equal(resolved.status, 200, resolved.text);
    assert.equal(resolved.body.appeal_draft_id, null);
    assert.deepEqual(await interventionsOf(person), before);
  });

  it('a refused resolution prepares nothing (a viewer member; an alert already resolved)', async () => {
    const { person } = await completeCase();
    await t.addMember(person, 'viewer', { caseRole: 'viewer' });
    const before = await interventionsOf(person);
    const alert = await missedAlert(person);
    assert.equal((await t.api('POST', `/api/v1/alerts/${alert}/resolve`, { token: t.tokens.viewer, body: { outcome: 'disappeared' } })).status, 403);
    assert.deepEqual(await interventionsOf(person), before);
    assert.equal((await t.api('POST', `/api/v1/alerts/${alert}/resolve`, { body: { outcome: 'disappeared' } })).status, 200);
    const again = await t.api('POST', `/api/v1/alerts/${alert}/resolve`, { body: { outcome: 'disappeared' } });
    assert.equal(again.status, 409);
    assert.equal((await interventionsOf(person)).length, before.length + 1, 'one draft for one resolution');
  });
});
