import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_SECRET_FIELDS, FIELD_CLASSES, type RecordKind } from '../src/access/field-classes.ts';
import { listPersons as listPersonRows } from '../src/persons/persons.repository.ts';
import { runDeadlineSweep } from '../src/watch/alerts.service.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * Need-to-know, route by route: every case-bound API route, tried by every role as a member, as a
 * non-member, and (for an admin) through break-glass. A case a principal may not read does not
 * exist for them: 404, never 403.
 */
/** A watch with a PIN pair and one tier of escalation (DESIGN §6). */
function watchInput(personId: string): Record<string, unknown> {
  return { person_id: personId, interval: 'PT24H', grace: 'PT1H', pin: '2468', duress_pin: '8642', escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: 'duty@ngo.example' }] }] };
}

describe(`need-to-know access matrix (${BACKEND})`, () => {
  let t: TestApp;
  // The case and one record of every kind filed under it.
  const ids = { person: '', relative: '', status: '', source: '', orgSource: '', event: '', relation: '', intervention: '', watch: '', alert: '' };

  before(async () => {
    t = await startTestApp();
    const owner = (method: string, path: string, body?: unknown) => t.api(method, path, { token: t.tokens.researcher, body });
    const created = await owner('POST', '/api/v1/persons', personInput({ national_id: 'KZ-SECRET-77', notes: 'Secret note: the sister calls on Fridays' }));
    assert.equal(created.status, 201, created.text);
    ids.person = created.body.id;
    ids.relative = (await owner('POST', '/api/v1/persons', personInput({ case_id: ids.person, names: [{ text: 'Айгүл Жұматай', script: 'Cyrl', lang: 'kk' }] }))).body.id;
    ids.status = (await owner('POST', `/api/v1/persons/${ids.person}/statuses`, { status: 'detained', date: '2021-02-19' })).body.id;
    ids.source = (await owner('POST', '/api/v1/sources', { kind: 'testimony', title: 'Sister testimony', person_id: ids.person, confidential: true, confidential_identity: 'The sister, in Almaty' })).body.id;
    ids.orgSource = (await owner('POST', '/api/v1/sources', { kind: 'media_article', title: 'Press report on detentions' })).body.id;
    ids.event = (await owner('POST', '/api/v1/events', { title: 'Detention', date: '2021-02-19', person_id: ids.person, acts: [{ type: 'arrest', victim_id: ids.person, perpetrators: [] }] })).body.id;
    ids.relation = (await owner('POST', '/api/v1/relations', { from_person_id: ids.person, to_person_id: ids.relative, relation: 'sister', trusted_contact: true, contact: { phone: '+7 701 555 0199' } })).body.id;
    ids.intervention = (await owner('POST', '/api/v1/interventions', { person_id: ids.person, type: 'wgeid_urgent', status: 'draft' })).body.id;
    const watch = await owner('POST', '/api/v1/watches', watchInput(ids.person));
    ids.watch = watch.body.id;
    // A duress check-in, and the sweep that raises its alert.
    const duress = await fetch(t.url + watch.body.checkin_url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'pin=8642' });
    assert.equal(duress.status, 200);
    assert.deepEqual(await runDeadlineSweep(t.app.ctx), { missed: 0, duress: 1 });
    ids.alert = (await owner('GET', '/api/v1/alerts')).body.items[0].id;
    for (const [kind, id] of Object.entries(ids)) assert.ok(id, `setup created the ${kind}`);
  });
  after(async () => {
    await t?.stop();
  });

  type Who = 'owner' | 'member_researcher' | 'member_viewer' | 'non_member' | 'viewer_non_member' | 'admin' | 'admin_break_glass';
  const token = (who: Who): string =>
    ({
      owner: t.tokens.researcher,
      member_researcher: t.tokens.coordinator,
      member_viewer: t.tokens.viewer,
      non_member: t.tokens.coordinator,
      viewer_non_member: t.tokens.viewer,
      admin: t.tokens.admin,
      admin_break_glass: t.tokens.admin,
    })[who];

  /** Reads of one case-bound record each: path, and the secret field a single read carries (if any). */
  const reads = (): Array<[string, string | null]> => [
    [`/api/v1/persons/${ids.person}`, 'national_id'],
    [`/api/v1/persons/${ids.relative}`, null],
    [`/api/v1/persons/${ids.person}/statuses`, null],
    [`/api/v1/persons/${ids.person}/history`, null],
    [`/api/v1/persons/${ids.person}/members`, null],
    [`/api/v1/sources/${ids.source}`, 'confidential_identity'],
    [`/api/v1/events/${ids.event}`, null],
    [`/api/v1/relations/${ids.relation}`, 'contact'],
    [`/api/v1/interventions/${ids.intervention}`, null],
    [`/api/v1/watches/${ids.watch}`, 'escalation'],
    [`/api/v1/alerts/${ids.alert}`, null],
  ];

  /** Changes to each record; every body is valid, so only access decides the outcome. */
  const writes = async (): Promise<Array<[string, string, unknown]>> => {
    const version = async (path: string) => (await t.api('GET', path, { token: t.tokens.researcher })).body.version;
    return [
      ['PATCH', `/api/v1/persons/${ids.person}`, { occupation: 'herder', version: await version(`/api/v1/persons/${ids.person}`) }],
      ['POST', `/api/v1/persons/${ids.person}/statuses`, { status: 'disappeared', date: '2021-03' }],
      ['POST', '/api/v1/persons', personInput({ case_id: ids.person })],
      ['PATCH', `/api/v1/sources/${ids.source}`, { publisher: 'Vigil', version: await version(`/api/v1/sources/${ids.source}`) }],
      ['PATCH', `/api/v1/events/${ids.event}`, { place: 'Toli county', version: await version(`/api/v1/events/${ids.event}`) }],
      ['PATCH', `/api/v1/relations/${ids.relation}`, { trusted_contact: false, version: await version(`/api/v1/relations/${ids.relation}`) }],
      ['PATCH', `/api/v1/interventions/${ids.intervention}`, { addressee: 'WGEID', version: await version(`/api/v1/interventions/${ids.intervention}`) }],
      ['POST', '/api/v1/sources', { kind: 'testimony', title: 'Another testimony', person_id: ids.person }],
      ['POST', '/api/v1/interventions', { person_id: ids.person, type: 'embassy', status: 'draft' }],
      ['POST', `/api/v1/watches/${ids.watch}/contact`, { at: new Date().toISOString(), channel: 'phone_call' }],
      ['POST', '/api/v1/watches', watchInput(ids.person)],
    ];
  };

  /** Lists: whether the case's records show up for this principal. */
  const lists = (): Array<[string, string]> => [
    ['/api/v1/persons?limit=200', ids.person],
    ['/api/v1/sources?limit=200', ids.source],
    ['/api/v1/events?limit=200', ids.event],
    ['/api/v1/relations?limit=200', ids.relation],
    ['/api/v1/interventions?limit=200', ids.intervention],
    ['/api/v1/watches?limit=200', ids.watch],
    ['/api/v1/alerts?limit=200', ids.alert],
  ];

  interface Expectation {
    read: 200 | 404;
    secrets: boolean;
    write: 'ok' | 403 | 404;
    listed: boolean;
  }
  const expected: Record<Who, Expectation> = {
    owner: { read: 200, secrets: true, write: 'ok', listed: true },
    member_researcher: { read: 200, secrets: true, write: 'ok', listed: true },
    member_viewer: { read: 200, secrets: false, write: 403, listed: true },
    non_member: { read: 404, secrets: false, write: 404, listed: false },
    // A viewer may change nothing anywhere: the role says 403 before any case is looked at, for
    // every id alike, so it tells nothing about which cases exist.
    viewer_non_member: { read: 404, secrets: false, write: 403, listed: false },
    admin: { read: 404, secrets: false, write: 404, listed: false },
    admin_break_glass: { read: 200, secrets: true, write: 403, listed: true },
  };

  async function check(who: Who): Promise<void> {
    const want = expected[who];
    for (const [path, secret] of reads()) {
      const response = await t.api('GET', path, { token: token(who) });
      assert.equal(response.status, want.read, `${who} GET ${path}: ${response.text}`);
      if (response.status === 200 && secret) assert.equal(secret in response.body, want.secrets, `${who} GET ${path}: secret field ${secret}`);
    }
    for (const [method, path, body] of await writes()) {
      const response = await t.api(method, path, { token: token(who), body });
      if (want.write === 'ok') assert.ok(response.status === 200 || response.status === 201, `${who} ${method} ${path}: ${response.status} ${response.text}`);
      else {
        // A create filed under a case one may not read is refused as naming no case (422) or as not found.
        const allowed = method === 'POST' && !path.includes(ids.person) ? [want.write, 422] : [want.write];
        assert.ok(allowed.includes(response.status as never), `${who} ${method} ${path}: ${response.status} ${response.text}`);
      }
    }
    for (const [path, id] of lists()) {
      const response = await t.api('GET', path, { token: token(who) });
      assert.equal(response.status, 200, `${who} GET ${path}`);
      assert.equal(response.body.items.some((item: { id: string }) => item.id === id), want.listed, `${who} GET ${path} lists the case's record`);
      for (const item of response.body.items) {
        for (const secret of ALL_SECRET_FIELDS) assert.ok(!(secret in item), `${who} GET ${path}: lists never carry ${secret}`);
      }
    }
    // Organisation-wide records are for every signed-in user.
    assert.equal((await t.api('GET', `/api/v1/sources/${ids.orgSource}`, { token: token(who) })).status, 200, `${who} reads an organisation-wide source`);
  }

  it('the case owner (its coordinator) reads and writes everything in it', async () => {
    await check('owner');
  });

  it('users who are not members get 404 for every record of the case, whatever their role', async () => {
    await check('non_member');
    await check('viewer_non_member');
    await check('admin');
  });

  it('members read and write by their case role; viewers never receive secret fields', async () => {
    await t.addMember(ids.person, 'coordinator', { caseRole: 'researcher' });
    await t.addMember(ids.person, 'viewer', { caseRole: 'viewer' });
    await check('member_researcher');
    await check('member_viewer');
  });

  it('only coordinators of the case manage members; a case keeps a coordinator', async () => {
    const asResearcher = await t.api('POST', `/api/v1/persons/${ids.person}/members`, { token: t.tokens.coordinator, body: { user_id: t.users.admin.id, role: 'viewer' } });
    assert.equal(asResearcher.status, 403);
    const leaveAlone = await t.api('DELETE', `/api/v1/persons/${ids.person}/members/${t.users.researcher.id}`, { token: t.tokens.researcher });
    assert.equal(leaveAlone.status, 422, leaveAlone.text);
    const escalate = await t.api('POST', `/api/v1/persons/${ids.person}/members`, { token: t.tokens.viewer, body: { user_id: t.users.viewer.id, role: 'coordinator' } });
    assert.equal(escalate.status, 403, 'a viewer member cannot promote themselves');
    const unknownField = await t.api('POST', `/api/v1/persons/${ids.person}/members`, { token: t.tokens.researcher, body: { user_id: t.users.viewer.id, role: 'viewer', admin: true } });
    assert.equal(unknownField.status, 400);
    const badRole = await t.api('POST', `/api/v1/persons/${ids.person}/members`, { token: t.tokens.researcher, body: { user_id: t.users.viewer.id, role: 'owner' } });
    assert.equal(badRole.status, 400);
    const noUser = await t.api('POST', `/api/v1/persons/${ids.person}/members`, { token: t.tokens.researcher, body: { user_id: '01a22566-2c15-770d-9624-01048a0a9716', role: 'viewer' } });
    assert.equal(noUser.status, 422);
    const members = await t.api('GET', `/api/v1/persons/${ids.person}/members`, { token: t.tokens.researcher });
    assert.deepEqual(members.body.items.map((m: { role: string }) => m.role).sort(), ['coordinator', 'researcher', 'viewer']);
  });

  it('an admin opens a case only through break-glass: a stated reason, an audit entry, a notice to the coordinators', async () => {
    const noReason = await t.api('POST', `/api/v1/persons/${ids.person}/break-glass`, { token: t.tokens.admin, body: { reason: 'x' } });
    assert.equal(noReason.status, 400);
    const notAdmin = await t.api('POST', `/api/v1/persons/${ids.person}/break-glass`, { token: t.tokens.coordinator, body: { reason: 'I would like to look at it' } });
    assert.equal(notAdmin.status, 403);
    const missing = await t.api('POST', '/api/v1/persons/01a22566-2c15-770d-9624-01048a0a9716/break-glass', { token: t.tokens.admin, body: { reason: 'Alert: contact lost, coordinator unreachable' } });
    assert.equal(missing.status, 404);
    await check('admin');
    const opened = await t.api('POST', `/api/v1/persons/${ids.person}/break-glass`, { token: t.tokens.admin, body: { reason: 'Alert: contact lost, coordinator unreachable' } });
    assert.equal(opened.status, 201, opened.text);
    await check('admin_break_glass');
    const join = await t.api('POST', `/api/v1/persons/${ids.person}/members`, { token: t.tokens.admin, body: { user_id: t.users.admin.id, role: 'coordinator' } });
    assert.equal(join.status, 403, 'break-glass reads; it never turns into a membership');
    const entries = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'break_glass.open').execute();
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.case_id, ids.person);
    assert.ok(!JSON.stringify(entries).includes('coordinator unreachable'), 'the reason is not in the audit log');
    const notices = await t.app.ctx.db.selectFrom('notices').selectAll().where('case_id', '=', ids.person).execute();
    assert.deepEqual(notices.map((n) => n.user_id).sort(), [t.users.researcher.id].sort(), "the case's coordinators are told");
    assert.ok(notices[0]!.message.startsWith('vs1.'), 'the reason is sealed at rest');
  });

  it('every field a record is sent with has a class: public, internal or secret', async () => {
    // Bookkeeping every record carries, outside the classes.
    const META = new Set(['id', 'version', 'created_at', 'updated_at', 'retracted', 'retracted_at', 'retraction_reason', 'case_id']);
    const reads: Array<[RecordKind, string]> = [
      ['person', `/api/v1/persons/${ids.person}`],
      ['source', `/api/v1/sources/${ids.source}`],
      ['event', `/api/v1/events/${ids.event}`],
      ['relation', `/api/v1/relations/${ids.relation}`],
      ['intervention', `/api/v1/interventions/${ids.intervention}`],
      ['watch', `/api/v1/watches/${ids.watch}`],
      ['alert', `/api/v1/alerts/${ids.alert}`],
    ];
    for (const [kind, path] of reads) {
      const body = (await t.api('GET', path, { token: t.tokens.researcher })).body;
      const classes = FIELD_CLASSES[kind];
      const known = new Set<string>([...classes.public, ...classes.internal, ...classes.secret, ...META]);
      for (const key of Object.keys(body)) assert.ok(known.has(key), `${kind}.${key} has no field class`);
    }
    const entry = (await t.api('GET', `/api/v1/persons/${ids.person}/statuses`, { token: t.tokens.researcher })).body.items[0];
    const statusClasses = FIELD_CLASSES.status_entry;
    for (const key of Object.keys(entry)) {
      assert.ok([...statusClasses.public, ...statusClasses.internal, 'person_id', 'id', 'version', 'created_at', 'retracted', 'retracted_at', 'retraction_reason', 'case_id'].includes(key), `status_entry.${key} has no field class`);
    }
  });

  it('a list shows the same cases whichever plan reads it (few memberships, or very many)', async () => {
    const { ctx } = t.app;
    const now = ctx.clock.now().toISOString();
    const loader = async () => new Map();
    for (const user of [t.users.researcher, t.users.coordinator, t.users.admin]) {
      const read = async (dense: boolean) =>
        (await listPersonRows(ctx.db, ctx.cipher, { limit: 200, scope: { all: false, userId: user.id, now, dense } }, loader)).map((p) => p.id).sort();
      assert.deepEqual(await read(true), await read(false));
    }
    assert.ok((await listPersonRows(ctx.db, ctx.cipher, { limit: 200, scope: { all: false, userId: t.users.researcher.id, now, dense: true } }, loader)).some((p) => p.id === ids.person));
  });

  it('guessed ids and ids of other kinds are 404 alike', async () => {
    for (const path of ['/api/v1/persons/01a22566-2c15-770d-9624-01048a0a9716', `/api/v1/sources/${ids.event}`, `/api/v1/relations/${ids.person}`]) {
      assert.equal((await t.api('GET', path, { token: t.tokens.researcher })).status, 404, path);
    }
  });

  it('secret reads are audited with the fields read, never their values', async () => {
    await t.api('GET', `/api/v1/persons/${ids.person}`, { token: t.tokens.researcher });
    const entries = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'person.read_secret').where('entity_id', '=', ids.person).execute();
    assert.ok(entries.length >= 1);
    const text = JSON.stringify(entries);
    assert.ok(text.includes('national_id'));
    assert.ok(!text.includes('KZ-SECRET-77') && !text.includes('Fridays'));
  });
});
