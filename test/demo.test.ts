import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createApp } from '../src/app.ts';
import { readConfig } from '../src/config.ts';
import { buildDemoData, DEMO_PERSON_COUNT, STORY_PERSON_KEY, type DemoDataSet } from '../src/demo/demo-data.ts';
import { pinyinOf, russianSpelling, surnameFromFather } from '../src/demo/demo-names.ts';
import { loadDemoData, validateDemoData } from '../src/demo/load-demo.ts';
import { parseEdtf } from '../src/lib/edtf.ts';
import { systemPrincipal } from '../src/auth/roles.ts';
import { createUserToken, ensureDemoUser } from '../src/users/users.service.ts';
import { BACKEND, personInput, startTestApp, TEST_DB, type TestApp } from './helpers/test-app.ts';

const earliest = (date: string) => parseEdtf(date).earliest;

/** The §1 timeline, as the demo tells it. */
const STORY_TIMELINE = [
  ['2017-03~', 'at_liberty'],
  ['2017-06-12', 'summoned'],
  ['2017-08~', 'detained'],
  ['2017-10?', 'camp'],
  ['2019-09~', 'released_restricted'],
  ['2021-05', 'exit_banned'],
  ['2026-06-22', 'harassed'],
  ['2026-07-14', 'harassed'],
  ['2026-08-10~', 'exit_banned'],
  ['2026-08-28', 'summoned'],
  ['2026-09-18', 'detained'],
  ['2026-09-25', 'disappeared'],
];

describe('demo data set (built in memory)', () => {
  const data: DemoDataSet = buildDemoData();

  it('is the same set on every build, and another seed gives another', () => {
    assert.equal(JSON.stringify(buildDemoData()), JSON.stringify(data));
    assert.notEqual(JSON.stringify(buildDemoData(7)), JSON.stringify(data));
  });

  it('has 200 persons, the §1 case first, and every record kind', () => {
    assert.equal(data.persons.length, DEMO_PERSON_COUNT);
    assert.equal(data.persons[0]!.key, STORY_PERSON_KEY);
    assert.ok(data.sources.length >= 150, `${data.sources.length} sources`);
    assert.ok(data.actors.length >= 30, `${data.actors.length} actors`);
    assert.ok(data.events.length >= 50, `${data.events.length} events`);
    assert.ok(data.relations.length >= 60, `${data.relations.length} relations`);
    assert.ok(data.interventions.length >= 40, `${data.interventions.length} interventions`);
  });

  it('fits the API request schemas, every record of it', () => {
    validateDemoData(data);
    const broken = structuredClone(data);
    broken.persons[3]!.timeline[0]!.date = 'last spring';
    assert.throws(() => validateDemoData(broken), /status 0 of .* does not fit the API schema/);
  });

  it('refers only to records the set defines', () => {
    const persons = new Set(data.persons.map((p) => p.key));
    const sources = new Set(data.sources.map((s) => s.key));
    const actors = new Set(data.actors.map((a) => a.key));
    const seenActors = new Set<string>();
    for (const a of data.actors) {
      if (a.parent) assert.ok(seenActors.has(a.parent), `${a.key}'s parent comes before it`);
      seenActors.add(a.key);
    }
    for (const p of data.persons) for (const s of p.timeline) for (const c of s.cite) assert.ok(sources.has(c.source), c.source);
    for (const s of data.sources) assert.ok(persons.has(s.case), s.key);
    for (const e of data.events) {
      assert.ok(persons.has(e.case), e.key);
      for (const c of e.cite) assert.ok(sources.has(c.source), c.source);
      for (const act of e.acts) {
        assert.ok(persons.has(act.victim), `${e.key} victim`);
        for (const p of act.perpetrators) assert.ok(actors.has(p.actor), p.actor);
      }
    }
    for (const r of data.relations) assert.ok(persons.has(r.from) && persons.has(r.to) && r.from !== r.to, `${r.from} → ${r.to}`);
    const before = new Set<string>();
    for (const p of data.persons) {
      // A relative is filed under a case of its own kind (not itself filed elsewhere) that comes earlier.
      if (p.case) assert.ok(before.has(p.case) && !data.persons.find((q) => q.key === p.case)!.case, `${p.key} is filed under ${p.case}`);
      before.add(p.key);
    }
    assert.ok(data.persons.filter((p) => p.case).length >= 50, 'relatives are filed in the cases they belong to');
    for (const i of data.interventions) assert.ok(persons.has(i.person), i.person);
  });

  it('orders every timeline strictly by date, from 2017 to 2026 for the cases', () => {
    let cases2017 = 0;
    let entries2026 = 0;
    for (const p of data.persons) {
      let previous = '';
      for (const s of p.timeline) {
        const day = earliest(s.date);
        assert.ok(day > previous, `${p.key}: ${s.date} comes after ${previous}`);
        assert.ok(day <= '2026-10-31', `${p.key}: ${s.date} is not in the future`);
        previous = day;
        if (day.startsWith('2026')) entries2026 += 1;
      }
      if (p.input.citizenships?.includes('CN') && p.timeline[0] && earliest(p.timeline[0].date).startsWith('2017')) cases2017 += 1;
    }
    assert.ok(cases2017 >= 40, `${cases2017} cases begin in 2017`);
    assert.ok(entries2026 >= 5, `${entries2026} entries in 2026`);
    const dates = data.persons.flatMap((p) => p.timeline.map((s) => s.date));
    for (const qualifier of [/~$/, /\?$/, /\//, /^\d{4}-\d{2}-\d{2}$/]) assert.ok(dates.some((d) => qualifier.test(d)), `some date matches ${qualifier}`);
  });

  it('mixes peoples, places, statuses, consent and verification like a real register', () => {
    const count = (values: Array<string | number | null | undefined>) => {
      const counts = new Map<string, number>();
      for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      return counts;
    };
    const ethnicity = count(data.persons.map((p) => p.input.ethnicity));
    for (const people of ['kazakh', 'uyghur', 'kyrgyz']) assert.ok((ethnicity.get(people) ?? 0) >= 20, `${people}: ${ethnicity.get(people)}`);
    const citizenships = new Set(data.persons.flatMap((p) => p.input.citizenships ?? []));
    for (const c of ['CN', 'KZ', 'KG']) assert.ok(citizenships.has(c), c);
    const current = count(data.persons.map((p) => p.timeline.at(-1)?.status));
    for (const status of ['disappeared', 'imprisoned', 'released_restricted', 'abroad', 'exit_banned', 'deceased']) assert.ok(current.has(status), status);
    assert.ok(current.size >= 9, `${current.size} distinct current statuses`);
    assert.ok(data.persons.some((p) => p.timeline.some((s) => s.status === 'camp')));
    const publicity = count(data.persons.map((p) => p.input.consent?.publicity));
    for (const level of ['none', 'anonymous', 'named']) assert.ok((publicity.get(level) ?? 0) >= 10, `${level}: ${publicity.get(level)}`);
    const published = data.persons.filter((p) => p.input.published);
    assert.ok(published.length >= 10 && published.length < 100, `${published.length} published`);
    assert.ok(published.every((p) => p.input.consent?.publicity !== 'none'), 'nothing is published without consent');
    assert.equal(count(data.persons.map((p) => p.input.verification)).size, 4);
    assert.ok(data.persons.some((p) => p.input.birth?.endsWith('~')), 'some births are approximate');
    for (const p of data.persons) {
      assert.ok(p.input.sex && p.input.occupation && p.input.residence && p.input.hometown && p.input.father_name && p.input.risk, `${p.key} has its fields`);
      if (p.input.consent?.publicity !== 'none') assert.ok(p.input.consent?.given_by && p.input.consent.date, `${p.key}: consent says who and when`);
    }
    assert.ok(data.persons.some((p) => p.input.residence?.includes('Kazakhstan')) && data.persons.some((p) => p.input.residence?.includes('Kyrgyzstan')));
  });

  it('writes every name in its own script, with the language and kind that go with it', () => {
    const scriptPattern: Record<string, RegExp> = {
      Cyrl: /^[\p{Script=Cyrillic}]+( [\p{Script=Cyrillic}]+)*$/u,
      Latn: /^[\p{Script=Latin}]+( [\p{Script=Latin}]+)*$/u,
      Arab: /^[\p{Script=Arabic}]+( [\p{Script=Arabic}]+)*$/u,
      Hans: /^\p{Script=Han}+(·\p{Script=Han}+)*$/u,
    };
    const langs: Record<string, string[]> = { Cyrl: ['kk', 'ky', 'ru'], Latn: ['en', 'ug', 'zh-Latn-pinyin'], Arab: ['kk', 'ug'], Hans: ['zh'] };
    for (const p of data.persons) {
      const names = p.input.names;
      assert.ok(new Set(names.map((n) => n.script)).size >= 2, `${p.key} has names in two scripts or more`);
      assert.equal(names.filter((n) => n.kind === 'primary').length, 1, `${p.key} has one primary name`);
      assert.equal(new Set(names.map((n) => n.text)).size, names.length, `${p.key} repeats no name`);
      for (const n of names) {
        assert.match(n.text, scriptPattern[n.script]!, `${p.key}: "${n.text}" is ${n.script}`);
        assert.ok(langs[n.script]!.includes(n.lang!), `${p.key}: ${n.script} name in ${n.lang}`);
        if (n.script === 'Arab') assert.equal(n.lang, p.input.ethnicity === 'uyghur' ? 'ug' : 'kk', `${p.key}: Arabic-script name language`);
      }
      if (p.input.residence?.includes('Xinjiang')) {
        const chinese = names.find((n) => n.kind === 'official_chinese');
        assert.ok(chinese && chinese.text.split('·').length === 2, `${p.key} in Xinjiang has a two-part Chinese name`);
      }
    }
    const all = data.persons.flatMap((p) => p.input.names.map((n) => n.text));
    for (const form of [/ұлы$/, /қызы$/, /ова$/, / уулу$/, / кызы$/, /·/]) assert.ok(all.some((t) => form.test(t)), `some name matches ${form}`);
  });

  it('derives surname forms and spellings by the registries\u2019 rules', () => {
    assert.equal(surnameFromFather('Нұрлан', false), 'Нұрланов');
    assert.equal(surnameFromFather('Жұмабай', true), 'Жұмабаева');
    assert.equal(surnameFromFather('Нұрғали', false), 'Нұрғалиев');
    assert.equal(russianSpelling('Айгүл Нұрланова'), 'Айгуль Нурланова');
    assert.equal(russianSpelling('Гүлнара Әлібекова'), 'Гульнара Алибекова');
    assert.equal(pinyinOf('阿依古丽·塞力克'), 'Ayiguli Sailike');
    assert.throws(() => pinyinOf('王'), /no pinyin/);
  });

  it('tells the §1 story with fictional names in four scripts', () => {
    const story = data.persons[0]!;
    assert.deepEqual(
      story.timeline.map((s) => [s.date, s.status]),
      STORY_TIMELINE,
    );
    const scripts = new Set<string>(story.input.names.map((n) => n.script));
    for (const s of ['Cyrl', 'Latn', 'Arab', 'Hans']) assert.ok(scripts.has(s), s);
    assert.equal(new Date('2026-09-18T12:00:00Z').getUTCDay(), 5, 'she is taken on a Friday');
  });
});

describe(`demo data in the store (${BACKEND})`, () => {
  let t: TestApp;
  let schema: string | undefined;
  let loadMs = 0;
  const config = () => ({ ...readConfig({ data: t.dataDir, db: TEST_DB, port: 0 }, {}), logger: false, demo: true });
  const options = () => (schema ? { dbSchema: schema } : {});
  let demoUser: { id: string };
  let demoToken: string;
  /** As the demo's case worker, who coordinates every demo case. */
  const demo = (method: string, path: string, body?: unknown) => t.api(method, path, { token: demoToken, ...(body ? { body } : {}) });
  const allPersons = async (as: (method: string, path: string) => ReturnType<TestApp['api']> = demo) => {
    const page = await as('GET', '/api/v1/persons?limit=200&include_retracted=true');
    assert.equal(page.status, 200);
    const rest = page.body.next_cursor ? await as('GET', `/api/v1/persons?limit=200&include_retracted=true&cursor=${page.body.next_cursor}`) : null;
    return [...page.body.items, ...(rest?.body.items ?? [])];
  };
  let story: any;

  before(async () => {
    t = await startTestApp();
    if (TEST_DB) schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(t.app.ctx.db)).rows[0]!.schema;
    // A second app on the same empty store, started as `vigil serve --demo` would be.
    const started = Date.now();
    const demoApp = await createApp(config(), options());
    loadMs = Date.now() - started;
    await demoApp.stop();
    demoUser = await ensureDemoUser(t.app.ctx);
    demoToken = (await createUserToken(t.app.ctx, systemPrincipal('test'), demoUser.id, { name: 'demo test' })).token;
    const persons = await allPersons();
    const summary = persons.find((p) => p.names.some((n: { text: string }) => n.text === 'Asemgul Bekbolat'));
    story = (await demo('GET', `/api/v1/persons/${summary.id}`)).body;
  });
  after(async () => {
    await t.stop();
  });

  it('fills an empty store with about 200 persons on a start with --demo, in seconds', async (ctx) => {
    ctx.diagnostic(`start with --demo on an empty ${BACKEND} store: ${loadMs} ms`);
    const persons = await allPersons();
    assert.equal(persons.length, 200);
    assert.ok(loadMs < 60_000, `loading took ${loadMs} ms`);
  });

  it('reads every person back through the API, each with names in two scripts or more', async () => {
    const persons = await allPersons();
    const statuses = new Set<string>();
    for (const summary of persons) {
      const read = await demo('GET', `/api/v1/persons/${summary.id}`);
      assert.equal(read.status, 200, summary.case_number);
      assert.ok(new Set(read.body.names.map((n: { script: string }) => n.script)).size >= 2, `${summary.case_number} names`);
      const days = read.body.timeline.map((s: { date: string }) => earliest(s.date));
      assert.deepEqual(days, [...days].sort(), `${summary.case_number} timeline in date order`);
      if (read.body.timeline.length) assert.equal(read.body.current_status.id, read.body.timeline.at(-1).id);
      if (read.body.current_status) statuses.add(read.body.current_status.status);
    }
    assert.ok(statuses.size >= 9, [...statuses].join(', '));
    const kyrgyz = await demo('GET', '/api/v1/persons?ethnicity=kyrgyz&limit=200');
    assert.ok(kyrgyz.body.items.length >= 20);
    const disappeared = await demo('GET', '/api/v1/persons?status=disappeared&limit=200');
    assert.ok(disappeared.body.items.some((p: { id: string }) => p.id === story.id));
  });

  it('has the §1 case as VG-000001, disappeared, with its dated timeline', async () => {
    assert.equal(story.case_number, 'VG-000001');
    assert.deepEqual(
      story.timeline.map((s: { date: string; status: string }) => [s.date, s.status]),
      STORY_TIMELINE,
    );
    assert.equal(story.current_status.status, 'disappeared');
    assert.equal(story.current_status.date, '2026-09-25');
    assert.equal(story.current_status.whereabouts_acknowledged, 'denied');
    assert.deepEqual(
      story.names.map((n: { text: string; script: string; lang: string; kind: string }) => [n.script, n.lang, n.kind, n.text]).slice(0, 4),
      [
        ['Cyrl', 'kk', 'primary', 'Әсемгүл Бекболат'],
        ['Latn', 'en', 'transliteration', 'Asemgul Bekbolat'],
        ['Arab', 'kk', 'alias', 'اسەمگۇل بەكبولات'],
        ['Hans', 'zh', 'official_chinese', '阿赛姆古丽·别克波拉提'],
      ],
    );
    assert.equal(story.birth, '1976~');
    assert.equal(story.risk, 'critical');
    assert.equal(story.consent.publicity, 'named');
  });

  it('files her evidence in the vault: a voice message and a photo, each read back whole and received in the log', async () => {
    const items = (await demo('GET', `/api/v1/evidence?person_id=${story.id}`)).body.items;
    assert.deepEqual(items.map((item: { media_type: string }) => item.media_type).sort(), ['audio/wav', 'image/png']);
    for (const item of items) {
      const content = await fetch(`${t.url}/api/v1/evidence/${item.id}/content`, { headers: { authorization: `Bearer ${demoToken}` } });
      const bytes = Buffer.from(await content.arrayBuffer());
      assert.equal(bytes.length, item.size);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), item.sha256);
      const proof = await demo('GET', `/api/v1/evidence/${item.id}/proof`);
      assert.equal(JSON.parse(proof.body.items[0].statement).kind, 'received');
    }
  });

  it('files her sources, and her timeline cites them', async () => {
    const sources = (await demo('GET', `/api/v1/sources?person_id=${story.id}&limit=200`)).body.items;
    assert.equal(sources.length, 10);
    const kinds = new Set(sources.map((s: { kind: string }) => s.kind));
    for (const kind of ['voice_recording', 'phone_call', 'media_article', 'testimony', 'official_document']) assert.ok(kinds.has(kind), kind);
    const article = sources.find((s: { kind: string }) => s.kind === 'media_article');
    assert.equal(article.publisher, 'Steppe Ledger');
    assert.equal(article.date, '2026-07-18');
    const sos = sources.find((s: { title: string }) => s.title.startsWith('SOS voice message'));
    assert.equal(sos.confidential, true);
    const sosEntry = story.timeline.find((s: { date: string }) => s.date === '2026-07-14');
    assert.deepEqual(
      sosEntry.citations.map((c: { source_id: string; hand: string }) => [c.source_id, c.hand]),
      [
        [sos.id, 'first_hand'],
        [article.id, 'second_hand'],
      ],
    );
    const taken = sources.find((s: { title: string }) => s.title.startsWith('Sister\u2019s call: police took her'));
    assert.equal(story.timeline.find((s: { status: string; date: string }) => s.date === '2026-09-18').citations[0].source_id, taken.id);
  });

  it('has her mother and her sister as persons, the sister a trusted contact with contact details', async () => {
    const relations = (await demo('GET', `/api/v1/relations?person_id=${story.id}&limit=200`)).body.items;
    assert.ok(relations.every((r: object) => !('contact' in r)), 'lists never carry contact details');
    // Contact details come with the relation itself, to a member who may see them.
    const byKind = async (kind: string) => {
      const listed = relations.find((r: { from_person_id: string; relation: string }) => r.from_person_id === story.id && r.relation === kind);
      return (await demo('GET', `/api/v1/relations/${listed.id}`)).body;
    };
    const sister = await byKind('sister');
    assert.equal(sister.trusted_contact, true);
    assert.match(sister.contact.phone, /^\+86 /);
    const mother = await byKind('mother');
    assert.equal(mother.trusted_contact, false);
    const motherPerson = (await demo('GET', `/api/v1/persons/${mother.to_person_id}`)).body;
    assert.equal(motherPerson.names[0].text, 'Күлжамал Омар');
    assert.equal(motherPerson.birth, '1944~');
    const sisterPerson = (await demo('GET', `/api/v1/persons/${sister.to_person_id}`)).body;
    assert.equal(sisterPerson.names[0].text, 'Гүлназ Бекболат');
    assert.equal(sisterPerson.current_status.status, 'harassed');
    const cousin = await byKind('relative');
    assert.equal(cousin.trusted_contact, true);
    assert.equal(cousin.contact.email, 'erlan.omarov@example.org');
  });

  it('records who took her: events with acts and their perpetrators', async () => {
    const events = (await demo('GET', `/api/v1/events?person_id=${story.id}&limit=200`)).body.items;
    const taken = events.find((e: { date: string }) => e.date === '2026-09-18');
    assert.deepEqual(
      taken.acts.map((a: { type: string; status_at_end: string }) => [a.type, a.status_at_end]),
      [
        ['arrest', 'detained'],
        ['confiscation', 'detained'],
        ['disappearance', 'disappeared'],
      ],
    );
    assert.ok(taken.acts.every((a: { victim_id: string }) => a.victim_id === story.id));
    const perpetrators = await Promise.all(
      taken.acts[0].perpetrators.map(async (p: { actor_id: string; involvement: string }) => {
        const actor = (await demo('GET', `/api/v1/actors/${p.actor_id}`)).body;
        return [actor.name, actor.type, p.involvement];
      }),
    );
    assert.deepEqual(perpetrators, [
      ['Toli County Public Security Bureau', 'police', 'direct'],
      ['Tacheng Prefecture State Security Bureau', 'state_security', 'unknown'],
    ]);
    const land = events.find((e: { title: string }) => e.title.startsWith('Winter pastures'));
    assert.ok(land.acts.every((a: { type: string; victim_id: string }) => a.type === 'land_seizure' && a.victim_id !== story.id));
    assert.ok(events.length >= 6);
  });

  it('logs the advocacy: the press relay and a WGEID urgent appeal in draft', async () => {
    const interventions = (await demo('GET', `/api/v1/interventions?person_id=${story.id}&limit=200`)).body.items;
    const byType = new Map(interventions.map((i: { type: string }) => [i.type, i]));
    assert.equal((byType.get('wgeid_urgent') as { status: string }).status, 'draft');
    assert.equal((byType.get('press') as { status: string }).status, 'responded');
    const all = (await demo('GET', '/api/v1/interventions?limit=200')).body.items;
    assert.ok(all.length >= 40);
  });

  it("writes a revision for every demo record, by the demo's case worker", async () => {
    const history = (await demo('GET', `/api/v1/persons/${story.id}/history?limit=100`)).body.items;
    assert.ok(history.length >= 30, `${history.length} revisions`);
    assert.ok(history.every((r: { actor: string; action: string }) => r.actor === `user:${demoUser.id}` && r.action === 'create'));
    const entities = new Set(history.map((r: { entity: string }) => r.entity));
    for (const entity of ['person', 'status_entry', 'source', 'event', 'relation', 'intervention']) assert.ok(entities.has(entity), entity);
  });

  it("makes the demo's case worker coordinator of every demo case, and files her mother and sister in her case", async () => {
    const persons = await allPersons();
    const roots = persons.filter((p) => p.case_id === p.id);
    assert.ok(roots.length >= 40 && roots.length < persons.length, `${roots.length} cases`);
    for (const root of roots.slice(0, 25)) {
      const members = await demo('GET', `/api/v1/persons/${root.id}/members`);
      assert.equal(members.status, 200);
      assert.deepEqual(members.body.items.map((m: { user_id: string; role: string }) => [m.user_id, m.role]), [[demoUser.id, 'coordinator']], root.case_number);
    }
    const relations = (await demo('GET', `/api/v1/relations?person_id=${story.id}&limit=200`)).body.items;
    for (const kind of ['mother', 'sister']) {
      const relation = relations.find((r: { from_person_id: string; relation: string }) => r.from_person_id === story.id && r.relation === kind);
      assert.equal(relation.case_id, story.id);
      assert.equal((await demo('GET', `/api/v1/persons/${relation.to_person_id}`)).body.case_id, story.id, `the ${kind} is filed in her case`);
    }
    const cousin = relations.find((r: { relation: string }) => r.relation === 'relative');
    assert.equal((await demo('GET', `/api/v1/persons/${cousin.to_person_id}`)).body.case_id, cousin.to_person_id, 'the cousin abroad is a case of his own');
  });

  it('is seen by no one else: other users get empty lists and 404s', async () => {
    for (const role of ['admin', 'coordinator', 'researcher', 'viewer'] as const) {
      const as = (method: string, path: string) => t.api(method, path, { token: t.tokens[role] });
      assert.deepEqual(await allPersons(as), [], role);
      assert.equal((await as('GET', `/api/v1/persons/${story.id}`)).status, 404, role);
      for (const list of ['relations', 'interventions', 'sources', 'events']) {
        assert.deepEqual((await as('GET', `/api/v1/${list}?limit=200`)).body.items, [], `${role}: ${list}`);
      }
    }
  });

  it('keeps the contact details of relatives sealed in the store', async () => {
    const rows = await t.app.ctx.db.selectFrom('relations').select(['contact']).where('case_id', '=', story.id).where('contact', 'is not', null).execute();
    assert.ok(rows.length >= 3);
    for (const row of rows) {
      assert.match(row.contact!, /^vs1\./);
      assert.doesNotMatch(row.contact!, /\+86|erlan\.omarov/);
    }
  });

  it('does not load twice: a restart with --demo and a direct call both leave the store as it is', async () => {
    const before = await allPersons();
    const sourcesBefore = (await demo('GET', '/api/v1/sources?limit=200&include_retracted=true')).body;
    const restarted = await createApp(config(), options());
    await restarted.stop();
    const again = await loadDemoData(t.app.ctx);
    assert.equal(again.loaded, false);
    assert.equal(again.persons, 0);
    const afterwards = await allPersons();
    assert.deepEqual(
      afterwards.map((p) => [p.id, p.version]),
      before.map((p) => [p.id, p.version]),
    );
    const sourcesAfter = (await demo('GET', '/api/v1/sources?limit=200&include_retracted=true')).body;
    assert.deepEqual(
      sourcesAfter.items.map((s: { id: string }) => s.id),
      sourcesBefore.items.map((s: { id: string }) => s.id),
    );
  });
});

describe(`demo data and a store already in use (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  it('leaves a store that holds any person alone, even a retracted one', async () => {
    const created = await t.api('POST', '/api/v1/persons', { body: personInput() });
    assert.equal(created.status, 201);
    await t.api('POST', `/api/v1/persons/${created.body.id}/retract`, { body: { reason: 'entered by mistake' } });
    const result = await loadDemoData(t.app.ctx);
    assert.equal(result.loaded, false);
    const list = await t.api('GET', '/api/v1/persons?limit=200&include_retracted=true');
    assert.equal(list.body.items.length, 1);
    const sources = await t.api('GET', '/api/v1/sources?limit=200');
    assert.equal(sources.body.items.length, 0);
  });
});
