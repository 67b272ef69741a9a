import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSyntheticBatch, generateSyntheticStore, openBatch, openBatchSource, prepareBatch, SYNTHETIC_ACTOR, SyntheticRandom } from '../src/demo/synthetic.ts';
import { parseEdtf } from '../src/lib/edtf.ts';
import { refreshDetentionYear } from '../src/stats/stats.repository.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

interface Entry {
  id: string;
  status: string;
  date: string;
  place: string | null;
  whereabouts_acknowledged: string | null;
  contact_permitted: string | null;
  note: string | null;
  created_at: string;
}

/** The order the API promises: earliest possible day, then recording time. */
function inTimelineOrder(a: Entry, b: Entry): number {
  const byDay = parseEdtf(a.date).earliest.localeCompare(parseEdtf(b.date).earliest);
  return byDay !== 0 ? byDay : a.created_at.localeCompare(b.created_at);
}

const PERSONS = 300;

describe(`synthetic store generator (${BACKEND})`, () => {
  let t: TestApp;
  let persons: any[] = [];

  before(async () => {
    t = await startTestApp();
    // A person made through the API first: the generator must number its cases after it.
    const first = await t.api('POST', '/api/v1/persons', { body: personInput() });
    assert.equal(first.body.case_number, 'VG-000001');
    const progress: number[] = [];
    // The researcher (whose token t.api uses) coordinates every synthetic case, as a benchmark reader would.
    const summary = await generateSyntheticStore(t.app, {
      persons: PERSONS,
      seed: 7,
      batchSize: 128,
      memberUserId: t.users.researcher.id,
      onProgress: (done) => progress.push(done),
    });
    // One report per committed batch of 128, 128 and 44; on PostgreSQL batches commit side by side,
    // so the running total may pass 128 + 44 before 256.
    assert.equal(progress.length, 3);
    assert.equal(progress.at(-1), 300);
    assert.ok(progress.every((done, i) => i === 0 || done > progress[i - 1]!), `progress only grows: ${progress.join(', ')}`);
    assert.equal(summary.persons, PERSONS);
    assert.equal(summary.firstCaseSeq, 2);
    assert.equal(summary.lastCaseSeq, PERSONS + 1);
    assert.ok(summary.names > 2.5 * PERSONS && summary.names < 3.5 * PERSONS, `names: ${summary.names}`);
    assert.ok(summary.statuses > 4.5 * PERSONS && summary.statuses < 5.5 * PERSONS, `statuses: ${summary.statuses}`);
    let cursor: string | null = null;
    do {
      const page: any = await t.api('GET', `/api/v1/persons?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      persons.push(...page.body.items);
      cursor = page.body.next_cursor;
    } while (cursor);
    persons = persons.filter((p) => p.case_number !== 'VG-000001');
  });
  after(async () => {
    await t.stop();
  });

  it('is served by the API: every person, numbered in order, with names in several scripts', async () => {
    assert.equal(persons.length, PERSONS);
    assert.deepEqual(
      persons.map((p) => p.case_number),
      Array.from({ length: PERSONS }, (_, i) => `VG-${String(i + 2).padStart(6, '0')}`),
    );
    const scripts = new Set<string>();
    for (const person of persons) {
      assert.ok(person.names.length >= 2 && person.names.length <= 4, `${person.case_number} has ${person.names.length} names`);
      assert.equal(person.names[0].kind, 'primary');
      for (const name of person.names) {
        scripts.add(name.script);
        assert.ok(name.text.length > 0);
        assert.deepEqual(name.flags, []);
      }
      assert.ok(parseEdtf(person.birth).edtf === person.birth, `birth ${person.birth}`);
      assert.equal(person.version, 1);
      assert.ok(!('national_id' in person) && !('notes' in person), 'lists carry no secret fields');
    }
    for (const script of ['Latn', 'Cyrl', 'Arab', 'Hans', 'Hant']) assert.ok(scripts.has(script), `no name in ${script}`);
  });

  it('gives each person a timeline in date order whose latest entry is the current status', async () => {
    let outOfRecordingOrder = 0;
    let ties = 0;
    for (const listed of persons) {
      const { status, body } = await t.api('GET', `/api/v1/persons/${listed.id}`);
      assert.equal(status, 200);
      const timeline = body.timeline as Entry[];
      assert.ok(timeline.length >= 3 && timeline.length <= 7, `${body.case_number}: ${timeline.length} entries`);
      assert.deepEqual(timeline.map((e) => e.id), [...timeline].sort(inTimelineOrder).map((e) => e.id), `${body.case_number} out of order`);
      const latest = timeline.at(-1)!;
      assert.equal(body.current_status.id, latest.id, `${body.case_number}: current status is not the latest entry`);
      assert.equal(body.current_status.status, latest.status);
      assert.equal(listed.current_status.id, latest.id);
      for (const entry of timeline) {
        assert.ok(entry.date >= '2017' && entry.date < '2027', entry.date);
        assert.equal(parseEdtf(entry.date).edtf, entry.date);
        assert.ok(entry.created_at >= body.created_at, 'an entry recorded before its case was opened');
      }
      const byRecording = [...timeline].sort((a, b) => a.created_at.localeCompare(b.created_at));
      if (byRecording.some((e, i) => e.id !== timeline[i]!.id)) outOfRecordingOrder++;
      for (let i = 1; i < timeline.length; i++) {
        if (parseEdtf(timeline[i]!.date).earliest === parseEdtf(timeline[i - 1]!.date).earliest) ties++;
      }
    }
    // The data must exercise "latest by date, not by entry order", and ties broken by recording time.
    assert.ok(outOfRecordingOrder > PERSONS / 20, `only ${outOfRecordingOrder} timelines recorded out of date order`);
    assert.ok(ties > 0, 'no two entries share an earliest day');
  });

  it('keeps the denormalised current status right for list filters', async () => {
    const counts = new Map<string, number>();
    for (const p of persons) counts.set(p.current_status.status, (counts.get(p.current_status.status) ?? 0) + 1);
    const [status, expected] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const page = await t.api('GET', `/api/v1/persons?status=${status}&limit=200`);
    assert.equal(page.body.items.filter((p: any) => p.case_number !== 'VG-000001').length, Math.min(expected, 200));
    assert.ok(page.body.items.every((p: any) => p.current_status.status === status));
  });

  it('keeps the year of detention as the timeline writer derives it, for statistics', async () => {
    const rows = await t.app.ctx.db.selectFrom('persons').select(['id', 'detention_year']).where('case_number', '!=', 'VG-000001').execute();
    assert.equal(rows.length, PERSONS);
    assert.ok(rows.some((row) => row.detention_year !== null) && rows.some((row) => row.detention_year === null));
    for (const row of rows.slice(0, 60)) {
      await refreshDetentionYear(t.app.ctx.db, row.id);
      const derived = await t.app.ctx.db.selectFrom('persons').select('detention_year').where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.equal(derived.detention_year, row.detention_year, row.id);
    }
  });

  it('writes the same rows as the services: a copy made through the API reads back identically', async () => {
    const original = (await t.api('GET', `/api/v1/persons/${persons[17].id}`)).body;
    const { id: _id, case_id: _case, case_number: _cn, names, current_status: _cs, timeline, version: _v, created_at: _ca, updated_at: _ua, retracted: _r, retracted_at: _ra, retraction_reason: _rr, merged_from: _mf, ...fields } = original;
    const copy = await t.api('POST', '/api/v1/persons', {
      body: { ...fields, names: names.map(({ flags: _f, ...name }: any) => name) },
      token: t.tokens.researcher,
    });
    assert.equal(copy.status, 201, copy.text);
    for (const entry of [...(timeline as Entry[])].sort((a, b) => a.created_at.localeCompare(b.created_at))) {
      const { status, date, place, whereabouts_acknowledged, contact_permitted, note } = entry;
      const added = await t.api('POST', `/api/v1/persons/${copy.body.id}/statuses`, {
        body: { status, date, place, whereabouts_acknowledged, contact_permitted, note },
      });
      assert.equal(added.status, 201, added.text);
    }
    const read = (await t.api('GET', `/api/v1/persons/${copy.body.id}`)).body;
    const comparable = (p: any) => ({
      ...p,
      id: undefined,
      case_id: undefined,
      case_number: undefined,
      created_at: undefined,
      updated_at: undefined,
      current_status: p.current_status.status,
      timeline: p.timeline.map((e: any) => ({ ...e, id: undefined, person_id: undefined, created_at: undefined })),
    });
    assert.deepEqual(comparable(read), comparable(original));

    const [originalHistory, copyHistory] = await Promise.all([
      t.api('GET', `/api/v1/persons/${original.id}/history`),
      t.api('GET', `/api/v1/persons/${copy.body.id}/history`),
    ]);
    assert.equal(originalHistory.body.items.length, 1);
    const [created] = originalHistory.body.items;
    assert.equal(created.action, 'create');
    assert.equal(created.actor, SYNTHETIC_ACTOR);
    assert.equal(created.at, original.created_at);
    const copyCreated = copyHistory.body.items.find((r: any) => r.entity === 'person' && r.action === 'create');
    assert.deepEqual(created.changes, copyCreated.changes);
  });

  it("records for every person a 'create' revision that says what its row holds", async () => {
    const fields = ['sex', 'birth', 'ethnicity', 'citizenships', 'hometown', 'residence', 'occupation', 'father_name', 'risk', 'verification', 'consent', 'published'];
    for (const person of persons.slice(0, 100)) {
      const history = await t.api('GET', `/api/v1/persons/${person.id}/history`);
      assert.equal(history.body.items.length, 1);
      const { changes } = history.body.items[0];
      assert.deepEqual(changes.names, { to: person.names.map(({ flags: _f, ...name }: any) => name) });
      for (const field of fields) {
        if (person[field] === null) assert.equal(changes[field], undefined, `${person.case_number}.${field}`);
        else assert.deepEqual(changes[field], { to: person[field] }, `${person.case_number}.${field}`);
      }
    }
  });

  it('leaves a store the services go on using: new entries move the current status, numbering continues', async () => {
    const target = persons[3];
    const added = await t.api('POST', `/api/v1/persons/${target.id}/statuses`, { body: { status: 'abroad', date: '2026-11-02' } });
    assert.equal(added.status, 201, added.text);
    const read = await t.api('GET', `/api/v1/persons/${target.id}`);
    assert.equal(read.body.current_status.id, added.body.id);
    const next = await t.api('POST', '/api/v1/persons', { body: personInput() });
    assert.equal(next.status, 201);
    assert.ok(Number(next.body.case_number.slice(3)) > PERSONS + 1, next.body.case_number);
  });

  it('is deterministic for a seed and starting number, and differs for another seed', () => {
    const a = buildSyntheticBatch(new SyntheticRandom(3), 1, 50);
    const b = buildSyntheticBatch(new SyntheticRandom(3), 1, 50);
    const c = buildSyntheticBatch(new SyntheticRandom(4), 1, 50);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.persons, c.persons);
  });

  it('builds the same rows on a worker thread as on the calling one, sealed under the store key', async () => {
    const { cipher } = t.app.ctx;
    const options = { seed: 5, firstSeq: 10, persons: 70, batchSize: 40, cipher, memberUserId: t.users.researcher.id };
    const here = openBatchSource({ ...options, thread: false });
    const there = openBatchSource({ ...options, thread: true });
    const plain = new SyntheticRandom(5);
    try {
      for (const [size, firstSeq] of [[40, 10], [30, 50]] as const) {
        const [a, b] = [await here.next(), await there.next()];
        assert.equal(a.persons.length, size);
        assert.notDeepEqual(b.names, a.names, 'each seal has its own nonce');
        const expected = buildSyntheticBatch(plain, firstSeq, size);
        assert.deepEqual(openBatch(b, cipher), openBatch(a, cipher));
        assert.deepEqual(openBatch(a, cipher), { ...expected, members: openBatch(a, cipher).members });
        assert.deepEqual(a.members.map((m) => [m[0], m[1], m[2]]), expected.persons.map((p) => [p[0], t.users.researcher.id, 'coordinator']));
      }
    } finally {
      await here.close();
      await there.close();
    }
  });

  it('refuses a count that is not a whole number, or a member who is no user, and writes nothing', async () => {
    await assert.rejects(generateSyntheticStore(t.app, { persons: -1, seed: 1 }), RangeError);
    await assert.rejects(generateSyntheticStore(t.app, { persons: 2.5, seed: 1 }), RangeError);
    await assert.rejects(generateSyntheticStore(t.app, { persons: 5, seed: 1, memberUserId: '01a22566-2c15-770d-9624-01048a0a9716' }), /names no user/);
    const count = await t.app.database.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), PERSONS + 3);
  });

  it('stores what the services store: sealed columns sealed, each person its own case, one audit entry for the load', async () => {
    const db = t.app.database.db;
    const ids = persons.map((p) => p.id);
    const rows = await db.selectFrom('persons').select(['id', 'case_id', 'father_name', 'national_id', 'notes']).where('id', 'in', ids).execute();
    assert.equal(rows.length, PERSONS);
    for (const row of rows) {
      assert.equal(row.case_id, row.id);
      for (const sealed of [row.father_name, row.national_id, row.notes]) if (sealed !== null) assert.match(sealed, /^vs1\./);
    }
    for (const column of ['father_name', 'national_id', 'notes'] as const) assert.ok(rows.some((r) => r[column] !== null), `some ${column}`);
    const names = await db.selectFrom('person_names').select(['text']).where('person_id', 'in', ids).execute();
    assert.ok(names.length > 2 * PERSONS && names.every((n) => /^vs1\./.test(n.text)));
    const notes = await db.selectFrom('status_entries').select(['note']).where('person_id', 'in', ids).where('note', 'is not', null).execute();
    assert.ok(notes.length > 0 && notes.every((n) => /^vs1\./.test(n.note!)));
    const revisions = await db.selectFrom('revisions').select(['changes']).where('actor', '=', SYNTHETIC_ACTOR).execute();
    assert.equal(revisions.length, PERSONS);
    assert.ok(revisions.every((r) => /^vs1\./.test(r.changes)));
    // No name the API shows is anywhere in the stored text of those tables.
    const read = await Promise.all(persons.slice(0, 20).map(async (p) => (await t.api('GET', `/api/v1/persons/${p.id}`)).body));
    const known = read.flatMap((p) => [...p.names.map((n: { text: string }) => n.text), ...(p.national_id ? [p.national_id] : []), ...(p.father_name ? [p.father_name] : [])]);
    assert.ok(read.some((p) => p.national_id), 'a member reads the secret fields');
    const stored = JSON.stringify([rows, names, notes, revisions]);
    for (const text of known) assert.ok(!stored.includes(text), `"${text}" is stored in the clear`);

    const members = await db.selectFrom('case_members').select(['case_id', 'user_id', 'role']).where('case_id', 'in', ids).execute();
    assert.equal(members.length, PERSONS);
    assert.ok(members.every((m) => m.user_id === t.users.researcher.id && m.role === 'coordinator'));
    const other = await t.api('GET', `/api/v1/persons/${persons[0].id}`, { token: t.tokens.coordinator });
    assert.equal(other.status, 404, 'a user who is not a member does not see synthetic cases');

    const audit = await db.selectFrom('audit_entries').select(['actor', 'detail']).where('action', '=', 'synthetic.load').execute();
    assert.equal(audit.length, 1, 'one entry for the whole load, not one per row');
    assert.equal(audit[0]!.actor, SYNTHETIC_ACTOR);
    const detail = JSON.parse(audit[0]!.detail!);
    assert.deepEqual([detail.complete, detail.persons, detail.first_case_seq, detail.last_case_seq, detail.member], [true, PERSONS, 2, PERSONS + 1, t.users.researcher.id]);
    const perRow = await db.selectFrom('audit_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('actor', '=', SYNTHETIC_ACTOR).executeTakeFirstOrThrow();
    assert.equal(Number(perRow.n), 1);
  });

  it('seals a prepared batch so that it opens back to the built rows, bound to each row', () => {
    const { cipher } = t.app.ctx;
    const built = buildSyntheticBatch(new SyntheticRandom(9), 1, 5);
    const sealed = prepareBatch(structuredClone(built), cipher);
    assert.deepEqual(sealed.members, []);
    assert.deepEqual(openBatch(sealed, cipher), built);
    // A name sealed for one row does not open as another's.
    const moved = structuredClone(sealed);
    const textAt = 3;
    [moved.names[0]![textAt], moved.names[1]![textAt]] = [moved.names[1]![textAt]!, moved.names[0]![textAt]!];
    assert.throws(() => openBatch(moved, cipher), { name: 'TamperedDataError' });
  });
});
