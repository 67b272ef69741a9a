import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`timeline API (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  async function newPerson(): Promise<string> {
    return (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
  }

  it('derives the current status from the latest date, not the latest entry', async () => {
    const id = await newPerson();
    const add = (status: string, date: string) => t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status, date } });
    assert.equal((await add('disappeared', '2021-02-19')).status, 201);
    assert.equal((await add('harassed', '2020-06~')).status, 201);
    assert.equal((await add('detained', '2017-10/2019-12')).status, 201);
    const person = await t.api('GET', `/api/v1/persons/${id}`);
    assert.equal(person.body.current_status.status, 'disappeared');
    assert.equal(person.body.current_status.date, '2021-02-19');
    assert.deepEqual(
      person.body.timeline.map((e: { status: string }) => e.status),
      ['detained', 'harassed', 'disappeared'],
    );
  });

  it('keeps the stored current status right under concurrent additions (what lists filter on)', async () => {
    const id = await newPerson();
    const entries: Array<[string, string]> = [
      ['harassed', '2018'],
      ['summoned', '2019-03'],
      ['detained', '2020-06-01'],
      ['camp', '2020-07~'],
      ['imprisoned', '2022-01/2022-05'],
      ['disappeared', '2024-11-02'],
      ['house_arrest', '2021?'],
      ['exit_banned', '2017-05'],
    ];
    const results = await Promise.all(entries.map(([status, date]) => t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status, date } })));
    assert.deepEqual(results.map((r) => r.status), entries.map(() => 201));
    const listed = await t.api('GET', '/api/v1/persons?status=disappeared&limit=200');
    assert.ok(listed.body.items.some((p: { id: string }) => p.id === id), 'the list filter sees the latest-dated status');
    const row = listed.body.items.find((p: { id: string }) => p.id === id);
    assert.equal(row.current_status.date, '2024-11-02');
  });

  it('orders entries by the earliest day they can mean, ties by recording time', async () => {
    const id = await newPerson();
    for (const [status, date] of [
      ['summoned', '2021-03-05'],
      ['harassed', '2021-03'],
      ['house_arrest', '2021?'],
      ['exit_banned', '2021-03-01'],
    ]) {
      await t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status, date } });
    }
    const timeline = await t.api('GET', `/api/v1/persons/${id}/statuses`);
    assert.deepEqual(
      timeline.body.items.map((e: { status: string }) => e.status),
      ['house_arrest', 'harassed', 'exit_banned', 'summoned'],
    );
    // 2021-03-05 is the latest earliest-day; an entry recorded later with an earlier date changes nothing.
    assert.equal((await t.api('GET', `/api/v1/persons/${id}`)).body.current_status.status, 'summoned');
  });

  it('normalises and validates EDTF dates, naming the field', async () => {
    const id = await newPerson();
    const bad = await t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status: 'detained', date: '2021-02-30' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.fields.date, /EDTF/);
    const open = await t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status: 'detained', date: '2019-05/..' } });
    assert.equal(open.status, 201);
    assert.equal(open.body.date, '2019-05/..');
    const timeline = await t.api('GET', `/api/v1/persons/${id}/statuses`);
    assert.equal(timeline.body.items.length, 1);
  });

  it('retracting the latest entry brings back the previous status, and history shows the correction', async () => {
    const id = await newPerson();
    await t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status: 'detained', date: '2020-01-10' } });
    const wrong = await t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status: 'deceased', date: '2022-04' } });
    assert.equal((await t.api('GET', `/api/v1/persons/${id}`)).body.current_status.status, 'deceased');
    const retract = await t.api('POST', `/api/v1/persons/${id}/statuses/${wrong.body.id}/retract`, {
      body: { reason: 'rumour, not confirmed by family' },
    });
    assert.equal(retract.status, 200);
    assert.equal(retract.body.retracted, true);
    assert.equal((await t.api('GET', `/api/v1/persons/${id}`)).body.current_status.status, 'detained');
    const all = await t.api('GET', `/api/v1/persons/${id}/statuses?include_retracted=true`);
    assert.equal(all.body.items.length, 2);
    const history = await t.api('GET', `/api/v1/persons/${id}/history`);
    assert.equal(history.body.items[0].action, 'retract');
    assert.equal(history.body.items[0].reason, 'rumour, not confirmed by family');
    const again = await t.api('POST', `/api/v1/persons/${id}/statuses/${wrong.body.id}/retract`, { body: { reason: 'twice' } });
    assert.equal(again.status, 409);
  });

  it('refuses a citation of a source that does not exist, writing nothing', async () => {
    const id = await newPerson();
    const res = await t.api('POST', `/api/v1/persons/${id}/statuses`, {
      body: { status: 'detained', date: '2020', citations: [{ source_id: '01a22566-2c15-770d-9624-01048a0a9716' }] },
    });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.fields['citations.0.source_id']);
    assert.equal((await t.api('GET', `/api/v1/persons/${id}/statuses`)).body.items.length, 0);
    assert.equal((await t.api('GET', `/api/v1/persons/${id}`)).body.current_status, null);
  });

  it('answers 404 for the timeline of an unknown person and refuses entries on a retracted case', async () => {
    const missing = await t.api('POST', '/api/v1/persons/01a22566-2c15-770d-9624-01048a0a9716/statuses', {
      body: { status: 'detained', date: '2020' },
    });
    assert.equal(missing.status, 404);
    const id = await newPerson();
    await t.api('POST', `/api/v1/persons/${id}/retract`, { body: { reason: 'entered by mistake' } });
    const res = await t.api('POST', `/api/v1/persons/${id}/statuses`, { body: { status: 'detained', date: '2020' } });
    assert.equal(res.status, 409);
  });

  it('rejects unknown statuses, flags, fields and wrong types', async () => {
    const id = await newPerson();
    for (const body of [
      { status: 'vanished', date: '2020' },
      { status: 'detained', date: 2020 },
      { status: 'detained', date: '2020', whereabouts_acknowledged: 'maybe' },
      { status: 'detained', date: '2020', secret_police: true },
      { status: 'detained' },
    ]) {
      const res = await t.api('POST', `/api/v1/persons/${id}/statuses`, { body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await t.api('GET', `/api/v1/persons/${id}/statuses`)).body.items.length, 0);
  });
});
