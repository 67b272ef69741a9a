import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openContext } from './helpers/browser.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { editPost, inputValue, prepareSessions, session, sessionValue, textOf, webClient } from './helpers/web-client.ts';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const ESCAPED = '&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>';
const BIDI = 'Toli\u202Eytnuoc\u202C\u200B';

/** No markup typed into a record reaches a page as markup. */
function assertEscaped(html: string): void {
  assert.ok(!html.includes('<script>alert'), 'no script tag from a record');
  assert.ok(!html.includes('<img src=x'), 'no img tag from a record');
}

describe(`web UI: events, relations, actors, sources, interventions (${BACKEND})`, () => {
  let t: TestApp;
  let web: ReturnType<typeof webClient>;
  let person: { id: string; case_number: string };
  let sister: { id: string; case_number: string };
  let police: { id: string };
  let security: { id: string };
  before(async () => {
    t = await startTestApp();
    await prepareSessions(t);
    web = webClient(t);
    person = (await t.api('POST', '/api/v1/persons', { body: personInput() })).body;
    sister = (await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: 'Гүлназ Бекболат', script: 'Cyrl', lang: 'kk' }] }) })).body;
    police = (await t.api('POST', '/api/v1/actors', { body: { name: 'Toli County Public Security Bureau', type: 'police' } })).body;
    security = (await t.api('POST', '/api/v1/actors', { body: { name: 'Tacheng State Security Bureau', type: 'state_security' } })).body;
    await t.api('POST', '/api/v1/relations', { body: { from_person_id: person.id, to_person_id: sister.id, relation: 'sister' } });
  });
  after(async () => {
    await t.stop();
  });

  const eventsOf = async (id: string) => (await t.api('GET', `/api/v1/events?person_id=${id}&include_retracted=true`)).body.items;

  it('offers the add-event form with act rows, victims, perpetrators and the case sources', async () => {
    const { body: source } = await t.api('POST', '/api/v1/sources', { body: { kind: 'phone_call', title: 'Call with her sister', person_id: person.id } });
    const page = await web.get(`/persons/${person.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /<details class="add-form" id="add-event">/);
    assert.match(page.html, new RegExp(`action="/persons/${person.id}/events"`));
    assert.ok(page.html.includes('name="acts.0.type"') && page.html.includes('name="acts.1.type"') && !page.html.includes('name="acts.2.type"'), 'two act rows');
    assert.match(page.html, new RegExp(`<option value="${person.id}" selected>${person.case_number} · [^<]+ \\(this person\\)</option>`));
    assert.match(page.html, new RegExp(`<option value="${sister.id}">${sister.case_number} · Гүлназ Бекболат</option>`));
    assert.match(page.html, new RegExp(`<option value="${police.id}">Toli County Public Security Bureau \\(police\\)</option>`));
    assert.match(page.html, new RegExp(`name="citations" value="${source.id}"`));
    assert.match(page.html, /name="_action" value="more_rows"/);
  });

  it('records an event with acts and perpetrators from a form post', async () => {
    const { body: source } = await t.api('POST', '/api/v1/sources', { body: { kind: 'testimony', title: 'Her brother’s account', person_id: person.id } });
    const before = (await eventsOf(person.id)).length;
    const response = await web.post(`/persons/${person.id}/events`, [
      ['title', 'Taken from home at night'],
      ['date', '2021-02-19'],
      ['place', 'Toli county'],
      ['description', 'Four officers came at 2 a.m.'],
      ['citations', source.id],
      ['acts.0.type', 'arrest'],
      ['acts.0.victim_id', person.id],
      ['acts.0.perpetrators.0.actor_id', police.id],
      ['acts.0.perpetrators.0.involvement', 'direct'],
      ['acts.0.date', '2021-02-19'],
      ['acts.0.place', 'her home'],
      ['acts.0.status_at_end', 'detained'],
      ['acts.1.type', 'threat'],
      ['acts.1.victim_id', sister.id],
      ['acts.1.perpetrators.0.actor_id', security.id],
      ['acts.1.perpetrators.0.involvement', 'ordered'],
      ['acts.1.date', ''],
      ['acts.1.place', ''],
      ['acts.1.status_at_end', ''],
    ]);
    assert.equal(response.status, 303);
    assert.match(response.location ?? '', new RegExp(`^/persons/${person.id}\\?saved=event#event-[0-9a-f-]{36}$`));
    const events = await eventsOf(person.id);
    assert.equal(events.length, before + 1);
    const event = events.find((e: { title: string }) => e.title === 'Taken from home at night');
    assert.equal(event.date, '2021-02-19');
    assert.deepEqual(event.citations.map((c: { source_id: string }) => c.source_id), [source.id]);
    assert.equal(event.acts.length, 2);
    assert.deepEqual(event.acts[0].perpetrators, [{ actor_id: police.id, involvement: 'direct' }]);
    assert.equal(event.acts[0].status_at_end, 'detained');
    assert.equal(event.acts[1].victim_id, sister.id);
    assert.deepEqual(event.acts[1].perpetrators, [{ actor_id: security.id, involvement: 'ordered' }]);
    const page = await web.get(response.location!);
    assert.match(page.html, /Event added\./);
    assert.match(page.html, /<strong>arrest<\/strong>/);
    assert.match(page.html, /Tacheng State Security Bureau<\/bdi>/);
    assert.match(page.html, new RegExp(`href="/events/${event.id}/edit"`));
  });

  it('shows event errors next to their fields, keeps what was typed and saves nothing', async () => {
    const before = (await eventsOf(person.id)).length;
    const bad = await web.post(`/persons/${person.id}/events`, {
      title: '   ',
      date: 'last winter',
      place: 'x'.repeat(301),
      'acts.0.type': '',
      'acts.0.victim_id': person.id,
      'acts.0.perpetrators.0.actor_id': police.id,
      'acts.0.date': '2021-13-45',
      'acts.1.type': 'beating',
      'acts.1.victim_id': 'not-an-id',
    });
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.html, 'f-event-title-error') ?? '', /Too short|Required/);
    assert.equal(textOf(bad.html, 'f-event-date-error'), 'Not a date Vigil understands: see the examples below.');
    assert.equal(textOf(bad.html, 'f-event-place-error'), 'Too long: at most 300 characters.');
    assert.equal(textOf(bad.html, 'f-event-acts-0-type-error'), 'Required.');
    assert.equal(textOf(bad.html, 'f-event-acts-0-date-error'), 'Not a date Vigil understands: see the examples below.');
    assert.equal(textOf(bad.html, 'f-event-acts-1-type-error'), 'Choose one of the options.');
    assert.equal(textOf(bad.html, 'f-event-acts-1-victim_id-error'), 'Not a valid record id.');
    assert.match(bad.html, /<details class="add-form" open id="add-event">/);
    assert.match(bad.html, /<a href="#f-event-acts-0-type">Act 1: What was done<\/a>/);
    const eventForm = bad.html.slice(bad.html.indexOf('id="add-event"'));
    assert.equal(inputValue(eventForm, 'date'), 'last winter');
    assert.equal(inputValue(eventForm, 'acts.0.date'), '2021-13-45');
    assert.match(bad.html, new RegExp(`name="acts.0.perpetrators.0.actor_id"[^>]*>(?:(?!</select>)[\\s\\S])*<option value="${police.id}" selected>`));
    assert.equal((await eventsOf(person.id)).length, before);

    // Records that do not exist (or were retracted) are named in the form, not a stack trace.
    const ghost = '0190a0b2-0000-7000-8000-000000000000';
    const unknown = await web.post(`/persons/${person.id}/events`, { title: 'Summoned', 'acts.0.type': 'summons', 'acts.0.victim_id': person.id, 'acts.0.perpetrators.0.actor_id': ghost });
    assert.equal(unknown.status, 422);
    assert.equal(textOf(unknown.html, 'f-event-acts-0-perpetrators-0-actor_id-error'), 'No such record.');
    assert.equal((await eventsOf(person.id)).length, before);
  });

  it('offers more act rows without JavaScript, keeping what was typed', async () => {
    const more = await web.post(`/persons/${person.id}/events`, { _action: 'more_rows', title: 'Raid on the family home', 'acts.0.type': 'raid', 'acts.0.victim_id': person.id });
    assert.equal(more.status, 200);
    assert.match(more.html, /<details class="add-form" open id="add-event">/);
    assert.equal(inputValue(more.html, 'title'), 'Raid on the family home');
    assert.ok(more.html.includes('name="acts.4.type"') && !more.html.includes('name="acts.5.type"'), 'the typed row and four empty ones');
    assert.match(more.html, /name="acts.0.type"[^>]*>(?:(?!<\/select>)[\s\S])*<option value="raid" selected>/);
  });

  it('edits an event with PATCH semantics: untouched acts keep their citations and second perpetrator', async () => {
    const { body: source } = await t.api('POST', '/api/v1/sources', { body: { kind: 'interview', title: 'Neighbour', person_id: person.id } });
    const { body: event } = await t.api('POST', '/api/v1/events', {
      body: {
        title: 'Detained at the checkpoint',
        person_id: person.id,
        citations: [{ source_id: source.id, hand: 'first_hand', note: 'saw it' }],
        acts: [
          {
            type: 'detention',
            victim_id: person.id,
            perpetrators: [
              { actor_id: police.id, involvement: 'direct' },
              { actor_id: security.id, involvement: 'ordered' },
            ],
            citations: [{ source_id: source.id, hand: 'second_hand' }],
          },
        ],
      },
    });
    const form = await web.get(`/events/${event.id}/edit`);
    assert.equal(form.status, 200);
    assert.equal(inputValue(form.html, 'title'), 'Detained at the checkpoint');
    assert.match(form.html, /name="acts.0.perpetrators.1.actor_id"/);
    assert.match(form.html, new RegExp(`name="citations" value="${source.id}" checked`));
    const saved = await web.post(`/events/${event.id}/edit`, editPost(form.html, `/events/${event.id}/edit`, { title: 'Detained at the Dostyk checkpoint', place: 'Dostyk' }));
    assert.equal(saved.status, 303);
    assert.equal(saved.location, `/persons/${person.id}?saved=record_saved#events`);
    const { body: after } = await t.api('GET', `/api/v1/events/${event.id}`);
    assert.equal(after.title, 'Detained at the Dostyk checkpoint');
    assert.equal(after.place, 'Dostyk');
    assert.equal(after.version, 2);
    assert.equal(after.acts[0].id, event.acts[0].id, 'acts untouched, not replaced');
    assert.equal(after.acts[0].perpetrators.length, 2);
    assert.equal(after.citations[0].hand, 'first_hand');

    // Changing an act replaces the acts but carries each act's citations and perpetrators through.
    const again = await web.get(`/events/${event.id}/edit`);
    const replaced = await web.post(`/events/${event.id}/edit`, editPost(again.html, `/events/${event.id}/edit`, { 'acts.0.status_at_end': 'imprisoned' }));
    assert.equal(replaced.status, 303);
    const { body: third } = await t.api('GET', `/api/v1/events/${event.id}`);
    assert.equal(third.acts[0].status_at_end, 'imprisoned');
    assert.deepEqual(third.acts[0].perpetrators, event.acts[0].perpetrators);
    assert.deepEqual(third.acts[0].citations.map((c: { source_id: string; hand: string }) => [c.source_id, c.hand]), [[source.id, 'second_hand']]);

    // Nothing changed: nothing written.
    const unchanged = await web.get(`/events/${event.id}/edit`);
    const same = await web.post(`/events/${event.id}/edit`, editPost(unchanged.html, `/events/${event.id}/edit`));
    assert.equal(same.location, `/persons/${person.id}?saved=unchanged#events`);
    assert.equal((await t.api('GET', `/api/v1/events/${event.id}`)).body.version, 3);
  });

  it('explains a stale version on every edit form, merging the other person’s change', async () => {
    const { body: event } = await t.api('POST', '/api/v1/events', { body: { title: 'Summoned', person_id: person.id, place: 'Toli' } });
    const form = await web.get(`/events/${event.id}/edit`);
    await t.api('PATCH', `/api/v1/events/${event.id}`, { body: { description: 'by phone, told to bring her passport', version: 1 } });
    const stale = await web.post(`/events/${event.id}/edit`, editPost(form.html, `/events/${event.id}/edit`, { place: 'Toli police station' }));
    assert.equal(stale.status, 409, stale.html.slice(stale.html.indexOf('<main'), stale.html.indexOf('<main') + 3000));
    assert.match(stale.html, /Someone else changed this record while you were editing/);
    assert.match(stale.html, /Their changes to Description are now in the form/);
    assert.equal(inputValue(stale.html, 'place'), 'Toli police station', 'what was typed is kept');
    assert.match(stale.html, /by phone, told to bring her passport<\/textarea>/);
    assert.equal(inputValue(stale.html, 'version'), '2');
    const { body: still } = await t.api('GET', `/api/v1/events/${event.id}`);
    assert.equal(still.place, 'Toli');
    // The browser posts what the form now shows: their description and the typed place.
    const resaved = await web.post(`/events/${event.id}/edit`, editPost(stale.html, `/events/${event.id}/edit`, { place: 'Toli police station' }));
    assert.equal(resaved.status, 303);
    const { body: merged } = await t.api('GET', `/api/v1/events/${event.id}`);
    assert.equal(merged.place, 'Toli police station');
    assert.equal(merged.description, 'by phone, told to bring her passport');

    // Both changed the same field: the form keeps what was typed and shows theirs.
    const { body: actor } = await t.api('POST', '/api/v1/actors', { body: { name: 'Dorbiljin County Court', type: 'court' } });
    const actorForm = await web.get(`/actors/${actor.id}/edit`);
    await t.api('PATCH', `/api/v1/actors/${actor.id}`, { body: { place: 'Dorbiljin', version: 1 } });
    const clash = await web.post(`/actors/${actor.id}/edit`, editPost(actorForm.html, `/actors/${actor.id}/edit`, { place: 'Emin' }));
    assert.equal(clash.status, 409);
    assert.match(clash.html, /You both changed Place or facility/);
    assert.match(clash.html, /Now saved: <bdi dir="auto">Dorbiljin<\/bdi>/);
    assert.equal(inputValue(clash.html, 'place'), 'Emin');

    for (const [kind, path] of [
      ['source', '/api/v1/sources'],
      ['intervention', '/api/v1/interventions'],
    ] as const) {
      const body = kind === 'source' ? { kind: 'media_article', title: 'Report', person_id: person.id } : { type: 'embassy', person_id: person.id };
      const { body: record } = await t.api('POST', path, { body });
      const page = await web.get(`/${kind}s/${record.id}/edit`);
      assert.equal(page.status, 200, kind);
      await t.api('PATCH', `${path}/${record.id}`, { body: { date: '2026-01', version: 1 } });
      const conflict = await web.post(`/${kind}s/${record.id}/edit`, editPost(page.html, `/${kind}s/${record.id}/edit`, { date: '2026-02' }));
      assert.equal(conflict.status, 409, kind);
      assert.match(conflict.html, /You both changed Date/);
      assert.equal((await t.api('GET', `${path}/${record.id}`)).body.date, '2026-01');
    }
  });

  it('retracts events, sources, interventions, relations and actors with a reason', async () => {
    const { body: event } = await t.api('POST', '/api/v1/events', { body: { title: 'Entered twice', person_id: person.id } });
    const form = await web.get(`/events/${event.id}/retract`);
    assert.equal(form.status, 200);
    assert.match(form.html, /Entered twice/);
    const short = await web.post(`/events/${event.id}/retract`, { reason: 'x', version: '1' });
    assert.equal(short.status, 400);
    assert.equal(textOf(short.html, 'f-reason-error'), 'Too short: at least 3 characters.');
    const stale = await web.post(`/events/${event.id}/retract`, { reason: 'duplicate entry', version: '7' });
    assert.equal(stale.status, 409);
    assert.equal((await t.api('GET', `/api/v1/events/${event.id}`)).body.retracted, false);
    const done = await web.post(`/events/${event.id}/retract`, { reason: 'duplicate entry', version: '1' });
    assert.equal(done.status, 303);
    assert.equal(done.location, `/persons/${person.id}?saved=record_retracted#events`);
    const { body: gone } = await t.api('GET', `/api/v1/events/${event.id}`);
    assert.equal(gone.retracted, true);
    assert.equal(gone.retraction_reason, 'duplicate entry');
    assert.match((await web.get(done.location!)).html, /Record retracted\./);
    assert.equal((await web.get(`/events/${event.id}/edit`)).status, 409, 'a retracted record cannot be edited');

    const records = [
      ['sources', (await t.api('POST', '/api/v1/sources', { body: { kind: 'testimony', title: 'Wrong case', person_id: person.id } })).body.id],
      ['interventions', (await t.api('POST', '/api/v1/interventions', { body: { type: 'press', person_id: person.id } })).body.id],
      ['relations', (await t.api('POST', '/api/v1/relations', { body: { from_person_id: person.id, to_person_id: sister.id, relation: 'friend' } })).body.id],
      ['actors', (await t.api('POST', '/api/v1/actors', { body: { name: 'Typo Bureau', type: 'other' } })).body.id],
    ] as const;
    for (const [kind, id] of records) {
      assert.equal((await web.get(`/${kind}/${id}/retract`)).status, 200, kind);
      const retracted = await web.post(`/${kind}/${id}/retract`, { reason: 'recorded by mistake', version: '1' });
      assert.equal(retracted.status, 303, kind);
      const { body } = await t.api('GET', `/api/v1/${kind}/${id}`);
      assert.equal(body.retracted, true, kind);
    }
    assert.equal((await web.get('/events/not-an-id/edit')).status, 404);
    assert.equal((await web.get('/relations/0190a0b2-0000-7000-8000-000000000000/retract')).status, 404);
  });

  it('adds a relation by case number, with clear errors for unknown and same persons', async () => {
    const { body: lawyer } = await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: 'Aigerim Sadykova', script: 'Latn', lang: 'en' }] }) });
    const count = async () => (await t.api('GET', `/api/v1/relations?person_id=${person.id}`)).body.items.length;
    const before = await count();
    const unknown = await web.post(`/persons/${person.id}/relations`, { relation: 'lawyer', case_number: 'VG-999999', 'contact.email': 'not-checked' });
    assert.equal(unknown.status, 400);
    assert.equal(textOf(unknown.html, 'f-relation-case_number-error'), 'No person on record has this case number.');
    assert.equal(inputValue(unknown.html, 'case_number'), 'VG-999999');
    assert.equal(inputValue(unknown.html, 'contact.email'), 'not-checked');
    assert.match(unknown.html, /<details class="add-form" open id="add-relation">/);
    const self = await web.post(`/persons/${person.id}/relations`, { relation: 'lawyer', case_number: person.case_number });
    assert.equal(self.status, 422);
    assert.equal(textOf(self.html, 'f-relation-case_number-error'), 'This is the same person: a relation needs two different persons.');
    const missing = await web.post(`/persons/${person.id}/relations`, { relation: 'aunt', case_number: '' });
    assert.equal(missing.status, 400);
    assert.equal(textOf(missing.html, 'f-relation-case_number-error'), 'Required.');
    assert.equal(textOf(missing.html, 'f-relation-relation-error'), 'Choose one of the options.');
    assert.equal(await count(), before);

    const added = await web.post(`/persons/${person.id}/relations`, {
      relation: 'lawyer',
      case_number: ` ${lawyer.case_number.toLowerCase().replace('-0000', '-')} `,
      trusted_contact: 'on',
      'contact.phone': '+7 701 000 0000',
      'contact.messenger': 'Signal',
    });
    assert.equal(added.status, 303);
    const relations = (await t.api('GET', `/api/v1/relations?person_id=${person.id}`)).body.items;
    const listed = relations.find((r: { to_person_id: string }) => r.to_person_id === lawyer.id);
    assert.ok(!('contact' in listed), 'lists never carry contact details');
    // Contact details come only with the one relation, read by someone allowed to see them.
    const relation = (await t.api('GET', `/api/v1/relations/${listed.id}`)).body;
    assert.equal(relation.relation, 'lawyer');
    assert.equal(relation.trusted_contact, true);
    assert.deepEqual(relation.contact, { phone: '+7 701 000 0000', messenger: 'Signal' });
    const page = await web.get(added.location!);
    assert.match(page.html, /Relation added\./);
    assert.match(page.html, /lawyer of this person/);
    assert.match(page.html, /<dl class="secret-inline contact">[\s\S]*\+7 701 000 0000/);

    // Contact details are secret: a viewer does not see them, a writer edits them.
    const viewerPage = await web.get(`/persons/${person.id}`, session(t, 'viewer'));
    assert.ok(!viewerPage.html.includes('+7 701 000 0000'));
    assert.ok(!viewerPage.html.includes('/relations/'), 'no edit links for viewers');
    const form = await web.get(`/relations/${relation.id}/edit`);
    assert.equal(inputValue(form.html, 'case_number'), lawyer.case_number);
    const edited = await web.post(`/relations/${relation.id}/edit`, editPost(form.html, `/relations/${relation.id}/edit`, { 'contact.phone': '', 'contact.email': 'a.sadykova@example.org' }));
    assert.equal(edited.status, 303);
    const { body: after } = await t.api('GET', `/api/v1/relations/${relation.id}`);
    assert.deepEqual(after.contact, { email: 'a.sadykova@example.org', messenger: 'Signal' });
    assert.equal(after.trusted_contact, true);
    const history = await t.api('GET', `/api/v1/persons/${person.id}/history`);
    assert.ok(!history.text.includes('a.sadykova@example.org'), 'contact details never enter the history');
    const moved = await web.post(`/relations/${relation.id}/edit`, editPost((await web.get(`/relations/${relation.id}/edit`)).html, `/relations/${relation.id}/edit`, { case_number: 'VG-0' }));
    assert.equal(moved.status, 400);
    assert.equal(textOf(moved.html, 'f-relation-case_number-error'), 'No person on record has this case number.');
  });

  it('lists, adds and edits actors; the parent cannot make a loop', async () => {
    const list = await web.get('/actors');
    assert.equal(list.status, 200);
    assert.match(list.html, /<a href="\/actors" aria-current="page">Actors<\/a>/);
    assert.match(list.html, /Toli County Public Security Bureau/);
    const bad = await web.post('/actors', { name: '', type: 'secret_police', parent_id: '', place: '' });
    assert.equal(bad.status, 400);
    assert.equal(textOf(bad.html, 'f-actor-type-error'), 'Choose one of the options.');
    assert.match(textOf(bad.html, 'f-actor-name-error') ?? '', /Too short|Required/);
    assert.match(bad.html, /<details class="add-form" open id="add-actor">/);
    const added = await web.post('/actors', { name: 'Tacheng Prefecture Public Security Division', type: 'police', parent_id: '', place: 'Tacheng' });
    assert.equal(added.status, 303);
    assert.match(added.location ?? '', /^\/actors\?saved=actor_added#actor-[0-9a-f-]{36}$/);
    const parentId = added.location!.split('#actor-')[1]!;
    const form = await web.get(`/actors/${police.id}/edit`);
    const child = await web.post(`/actors/${police.id}/edit`, editPost(form.html, `/actors/${police.id}/edit`, { parent_id: parentId }));
    assert.equal(child.status, 303);
    assert.equal((await t.api('GET', `/api/v1/actors/${police.id}`)).body.parent_id, parentId);
    const listed = await web.get('/actors?type=police');
    assert.match(listed.html, /Toli County Public Security Bureau[\s\S]*?<td><bdi dir="auto">Tacheng Prefecture Public Security Division<\/bdi><\/td>/);
    assert.ok(!listed.html.slice(listed.html.indexOf('<table')).includes('Tacheng State Security Bureau'), 'the type filter applies');
    const loopForm = await web.get(`/actors/${parentId}/edit`);
    const loop = await web.post(`/actors/${parentId}/edit`, editPost(loopForm.html, `/actors/${parentId}/edit`, { parent_id: police.id }));
    assert.equal(loop.status, 422);
    assert.ok(textOf(loop.html, 'f-actor-parent_id-error'));
    assert.equal((await t.api('GET', `/api/v1/actors/${parentId}`)).body.parent_id, null);
    const wrongVersion = await web.post(`/actors/${parentId}/edit`, [...editPost(loopForm.html, `/actors/${parentId}/edit`, { place: 'Chuguchak' })].map(([k, v]): [string, string] => [k, k === 'version' ? 'one' : v]));
    assert.equal(wrongVersion.status, 400);
  });

  it('escapes HTML and shows invisible characters in every text field of every new form', async () => {
    const { body: actor } = await t.api('POST', '/api/v1/actors', { body: { name: `Bureau ${HOSTILE}`, type: 'police', place: HOSTILE } });
    const event = await web.post(`/persons/${person.id}/events`, {
      title: `Raid ${HOSTILE}`,
      place: HOSTILE,
      description: HOSTILE,
      'acts.0.type': 'raid',
      'acts.0.victim_id': person.id,
      'acts.0.place': `${BIDI} ${HOSTILE}`,
      'acts.0.perpetrators.0.actor_id': actor.id,
    });
    assert.equal(event.status, 303);
    const relation = await web.post(`/persons/${person.id}/relations`, {
      relation: 'neighbour',
      case_number: sister.case_number,
      'contact.phone': HOSTILE,
      'contact.email': HOSTILE,
      'contact.address': HOSTILE,
      'contact.messenger': HOSTILE,
    });
    assert.equal(relation.status, 303);
    await web.post(`/persons/${person.id}/sources`, { kind: 'testimony', title: `Source ${HOSTILE}`, publisher: HOSTILE, confidential_identity: HOSTILE });
    await web.post(`/persons/${person.id}/interventions`, { type: 'press', addressee: HOSTILE, note: HOSTILE, response: HOSTILE });
    const page = await web.get(`/persons/${person.id}`);
    assertEscaped(page.html);
    assert.ok(page.html.includes(`Raid ${ESCAPED}`));
    assert.ok(page.html.includes('⟨U+202E⟩'), 'a direction override in an act place is made visible');
    assert.ok(page.html.includes(`Bureau ${ESCAPED} (police)</option>`), 'actor names are escaped in selects too');
    const [ev] = (await eventsOf(person.id)).filter((e: { title: string }) => e.title.startsWith('Raid '));
    const [src] = (await t.api('GET', `/api/v1/sources?person_id=${person.id}`)).body.items.filter((s: { title: string }) => s.title.startsWith('Source '));
    const [rel] = (await t.api('GET', `/api/v1/relations?person_id=${person.id}`)).body.items.filter((r: { relation: string }) => r.relation === 'neighbour');
    const [int] = (await t.api('GET', `/api/v1/interventions?person_id=${person.id}`)).body.items.filter((i: { type: string }) => i.type === 'press');
    for (const path of [
      `/events/${ev.id}/edit`,
      `/events/${ev.id}/retract`,
      `/relations/${rel.id}/edit`,
      `/relations/${rel.id}/retract`,
      `/sources/${src.id}/edit`,
      `/sources/${src.id}/retract`,
      `/interventions/${int.id}/edit`,
      `/actors/${actor.id}/edit`,
      `/actors/${actor.id}/retract`,
      '/actors',
    ]) {
      const shown = await web.get(path);
      assert.equal(shown.status, 200, path);
      assertEscaped(shown.html);
    }
    // Typed hostile text comes back escaped inside the inputs of a failed form too.
    const failed = await web.post(`/persons/${person.id}/events`, { title: HOSTILE, date: HOSTILE, 'acts.0.type': HOSTILE, 'acts.0.victim_id': person.id });
    assert.equal(failed.status, 400);
    assertEscaped(failed.html);
  });

  it('lets viewers read but not write: 403 on every new form and post, nothing changed', async () => {
    const viewer = session(t, 'viewer');
    await t.addMember(person.id, 'viewer', { caseRole: 'viewer' });
    const { body: event } = await t.api('POST', '/api/v1/events', { body: { title: 'Viewer test', person_id: person.id } });
    const { body: rel } = await t.api('POST', '/api/v1/relations', { body: { from_person_id: person.id, to_person_id: sister.id, relation: 'colleague' } });
    const page = await web.get(`/persons/${person.id}`, viewer);
    assert.equal(page.status, 200);
    assert.ok(!page.html.includes('id="add-event"') && !page.html.includes('id="add-relation"'));
    const actors = await web.get('/actors', viewer);
    assert.equal(actors.status, 200);
    assert.ok(!actors.html.includes('id="add-actor"') && !actors.html.includes('/edit"'));
    const gets = [`/events/${event.id}/edit`, `/events/${event.id}/retract`, `/relations/${rel.id}/edit`, `/actors/${police.id}/edit`, `/actors/${police.id}/retract`];
    for (const path of gets) assert.equal((await web.get(path, viewer)).status, 403, path);
    const posts: Array<[string, Record<string, string>]> = [
      [`/persons/${person.id}/events`, { title: 'x', 'acts.0.type': 'arrest', 'acts.0.victim_id': person.id }],
      [`/persons/${person.id}/relations`, { relation: 'friend', case_number: sister.case_number }],
      ['/actors', { name: 'Viewer Bureau', type: 'police' }],
      [`/events/${event.id}/edit`, { title: 'changed', version: '1' }],
      [`/events/${event.id}/retract`, { reason: 'viewer tries', version: '1' }],
      [`/relations/${rel.id}/edit`, { relation: 'friend', version: '1' }],
      [`/relations/${rel.id}/retract`, { reason: 'viewer tries', version: '1' }],
      [`/actors/${police.id}/edit`, { name: 'changed', version: '1' }],
    ];
    for (const [path, form] of posts) {
      const response = await web.post(path, form, viewer);
      assert.equal(response.status, 403, path);
      assert.match(response.html, /can read case files but cannot change them/);
    }
    assert.equal((await t.api('GET', `/api/v1/events/${event.id}`)).body.version, 1);
    assert.equal((await t.api('GET', `/api/v1/relations/${rel.id}`)).body.version, 1);
    assert.ok(!(await t.api('GET', '/api/v1/actors?limit=200')).body.items.some((a: { name: string }) => a.name === 'Viewer Bureau'));
    // Posts from another site are refused before anything is read.
    const cross = await web.post('/actors', { name: 'Cross Bureau', type: 'police' }, session(t), { origin: 'https://evil.example' });
    assert.equal(cross.status, 403);
  });
});

describe(`web UI records in Chromium, JavaScript off (${BACKEND})`, () => {
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

  it('adds an actor, an event with an act and a perpetrator, and a relation', async () => {
    const { body: person } = await t.api('POST', '/api/v1/persons', { body: personInput() });
    const { body: brother } = await t.api('POST', '/api/v1/persons', { body: personInput({ names: [{ text: 'Ерлан Бекболат', script: 'Cyrl', lang: 'kk' }] }) });
    const c = await openContext(browser, t.url, { javaScriptEnabled: false });
    const page = c.page;
    try {
      await c.context.addCookies([{ name: 'vigil_session', value: sessionValue(t, 'researcher'), url: t.url }]);

      // An actor, from the navigation.
      await page.goto(`${t.url}/persons`);
      await page.click('.mainnav a[href="/actors"]');
      await page.click('#add-actor summary');
      await page.screenshot({ path: '/tmp/vigil-actors.png', fullPage: true });
      await page.fill('#f-actor-name', 'Ghulja City Public Security Bureau');
      await page.selectOption('#f-actor-type', 'police');
      await page.fill('#f-actor-place', 'Ghulja');
      await page.click('#add-actor button[type=submit]');
      assert.match(page.url(), /saved=actor_added/);
      assert.match((await page.locator('.actors-list').textContent()) ?? '', /Ghulja City Public Security Bureau/);
      const { body: actors } = await t.api('GET', '/api/v1/actors');
      const actor = actors.items.find((a: { name: string }) => a.name === 'Ghulja City Public Security Bureau');

      // A relation, by case number.
      await page.goto(`${t.url}/persons/${person.id}`);
      await page.click('#add-relation summary');
      await page.selectOption('#f-relation-relation', 'brother');
      await page.fill('#f-relation-case_number', 'VG-404404');
      await page.fill('#f-relation-contact-phone', '+86 139 0000 4127');
      await page.click('#add-relation button[type=submit]');
      assert.equal(await page.locator('#f-relation-case_number-error').textContent(), 'No person on record has this case number.');
      assert.equal(await page.inputValue('#f-relation-contact-phone'), '+86 139 0000 4127');
      await page.screenshot({ path: '/tmp/vigil-relation-form.png', fullPage: true });
      await page.fill('#f-relation-case_number', brother.case_number);
      await page.click('#add-relation button[type=submit]');
      assert.match(page.url(), /saved=relation/);
      assert.match((await page.locator('#relations').textContent()) ?? '', /brother of this person/);
      assert.match((await page.locator('#relations .contact').textContent()) ?? '', /\+86 139 0000 4127/);

      // An event with an act against the brother, by the new actor; the Enter key saves.
      await page.click('#add-event summary');
      await page.fill('#f-event-title', 'Brother taken for questioning');
      await page.fill('#f-event-date', '2021-03');
      await page.selectOption('#f-event-acts-0-type', 'abduction');
      await page.selectOption('#f-event-acts-0-victim_id', brother.id);
      await page.selectOption('#f-event-acts-0-perpetrators-0-actor_id', actor.id);
      await page.selectOption('#f-event-acts-0-perpetrators-0-involvement', 'direct');
      await page.selectOption('#f-event-acts-0-status_at_end', 'disappeared');
      await page.screenshot({ path: '/tmp/vigil-event-form.png', fullPage: true });
      await page.click('#add-event button[name=_action]');
      assert.equal(await page.locator('#add-event .act-row').count(), 5, 'more rows without JavaScript');
      assert.equal(await page.inputValue('#f-event-title'), 'Brother taken for questioning');
      await page.fill('#f-event-acts-1-date', 'someday');
      await page.selectOption('#f-event-acts-1-type', 'threat');
      await page.click('#add-event .actions button[type=submit]');
      assert.equal(await page.locator('#f-event-acts-1-date-error').textContent(), 'Not a date Vigil understands: see the examples below.');
      await page.fill('#f-event-acts-1-date', '2021-03-02');
      await page.press('#f-event-title', 'Enter');
      assert.match(page.url(), /saved=event/);
      const events = page.locator('#events');
      assert.match((await events.textContent()) ?? '', /Brother taken for questioning/);
      assert.match((await events.textContent()) ?? '', /abduction/);
      assert.match((await events.textContent()) ?? '', /Ghulja City Public Security Bureau \(police\)/);
      assert.match((await events.locator('.act').first().textContent()) ?? '', /Victim: /);

      // Its edit page, in Uyghur: right to left, and it saves.
      await events.locator('a[href$="/edit"]').first().click();
      assert.match(page.url(), /\/events\/[0-9a-f-]{36}\/edit$/);
      await page.screenshot({ path: '/tmp/vigil-event-edit.png', fullPage: true });
      await page.goto(`${page.url()}?lang=ug`);
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      await page.screenshot({ path: '/tmp/vigil-event-edit-ug.png', fullPage: true });
      await page.fill('#f-event-place', 'Ghulja');
      await page.click('.form-actions button[type=submit]');
      assert.match(page.url(), /saved=record_saved/);
      await page.goto(`${t.url}/persons/${person.id}?lang=en`);
      assert.match((await page.locator('#events').textContent()) ?? '', /Ghulja/);

      const origin = new URL(t.url).origin;
      for (const url of c.requests) assert.ok(url.startsWith(`${origin}/`), `request left the server: ${url}`);
      assert.deepEqual(c.errors, []);
    } finally {
      await c.close();
    }
  });
});
