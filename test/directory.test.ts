import assert from 'node:assert/strict';
import { createToken } from '../src/auth/tokens.service.ts';
import { after, before, describe, it } from 'node:test';
import { listRevisionsForEntity } from '../src/records/revisions.repository.ts';
import { BACKEND, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const AMBASSADOR = "Ambassador of the People's Republic of China to Kazakhstan";

describe(`the directory of addressees (${BACKEND})`, () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
    await prepareSessions(t);
  });
  after(async () => {
    await t?.stop();
  });

  const entry = (overrides: Record<string, unknown> = {}) => ({
    kind: 'diplomatic_mission',
    name: AMBASSADOR,
    country: 'CN',
    salutation: 'Dear Ambassador',
    address: 'Embassy of the PRC\nAstana',
    email: 'embassy@example.org',
    phone: '+7 000 000 00 00',
    fax: '+7 000 000 00 01',
    website: 'https://example.org/embassy',
    languages: ['zh', 'ru'],
    note: 'Answered our last letter after three weeks',
    ...overrides,
  });
  const count = async () => Number((await t.app.ctx.db.selectFrom('directory_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('a coordinator adds, reads, edits and retracts an entry, with revisions and audit; nothing is deleted', async () => {
    const created = await t.api('POST', '/api/v1/directory', { token: t.tokens.coordinator, body: entry() });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.equal(created.headers.get('location'), `/api/v1/directory/${id}`);
    assert.deepEqual(
      [created.body.kind, created.body.name, created.body.country, created.body.salutation, created.body.languages, created.body.version, created.body.retracted],
      ['diplomatic_mission', AMBASSADOR, 'CN', 'Dear Ambassador', ['zh', 'ru'], 1, false],
    );
    // Every member role reads it: it is the organisation's, not a case's.
    for (const token of [t.tokens.admin, t.tokens.researcher, t.tokens.viewer]) {
      const read = await t.api('GET', `/api/v1/directory/${id}`, { token });
      assert.equal(read.status, 200);
      assert.equal(read.body.name, AMBASSADOR);
    }
    const edited = await t.api('PATCH', `/api/v1/directory/${id}`, { token: t.tokens.admin, body: { salutation: 'Your Excellency', version: 1 } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.body.salutation, 'Your Excellency');
    assert.equal(edited.body.version, 2);
    const stale = await t.api('PATCH', `/api/v1/directory/${id}`, { token: t.tokens.admin, body: { salutation: 'Dear Ambassador', version: 1 } });
    assert.equal(stale.status, 409);
    const retracted = await t.api('POST', `/api/v1/directory/${id}/retract`, { token: t.tokens.coordinator, body: { reason: 'the embassy moved; new entry added' } });
    assert.equal(retracted.status, 200, retracted.text);
    assert.equal(retracted.body.retracted, true);
    assert.equal((await t.api('PATCH', `/api/v1/directory/${id}`, { token: t.tokens.admin, body: { salutation: 'x', version: 3 } })).status, 409);
    // Still there, out of the list unless asked for.
    assert.equal((await t.api('GET', `/api/v1/directory/${id}`)).status, 200);
    const list = (await t.api('GET', '/api/v1/directory?limit=200')).body.items as Array<{ id: string }>;
    assert.ok(!list.some((e) => e.id === id));
    const withRetracted = (await t.api('GET', '/api/v1/directory?limit=200&include_retracted=true')).body.items as Array<{ id: string }>;
    assert.ok(withRetracted.some((e) => e.id === id));
    const revisions = await listRevisionsForEntity(t.app.ctx.db, t.app.ctx.cipher, 'directory_entry', id);
    assert.deepEqual(revisions.map((r) => [r.version, r.action]), [[1, 'create'], [2, 'update'], [3, 'retract']]);
    assert.deepEqual(revisions[1]!.changes.salutation, { from: 'Dear Ambassador', to: 'Your Excellency' });
    const audit = await t.app.ctx.db.selectFrom('audit_entries').select('action').where('entity_id', '=', id).orderBy('seq').execute();
    assert.deepEqual(audit.map((a) => a.action), ['directory_entry.create', 'directory_entry.update', 'directory_entry.retract']);
  });

  it('only coordinators and admins change it: a researcher and a viewer get 403, a read-only token too, and nothing is written', async () => {
    const before = await count();
    for (const token of [t.tokens.researcher, t.tokens.viewer]) {
      const refused = await t.api('POST', '/api/v1/directory', { token, body: entry() });
      assert.equal(refused.status, 403, refused.text);
    }
    const id = (await t.api('POST', '/api/v1/directory', { token: t.tokens.coordinator, body: entry({ name: 'Minister of Foreign Affairs of the Republic of Kazakhstan', country: 'KZ' }) })).body.id;
    assert.equal((await t.api('PATCH', `/api/v1/directory/${id}`, { token: t.tokens.researcher, body: { note: 'x', version: 1 } })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/directory/${id}/retract`, { token: t.tokens.researcher, body: { reason: 'not mine to retract' } })).status, 403);
    assert.equal((await t.api('GET', '/api/v1/directory', { token: null })).status, 401);
    // A coordinator's read-only token reads the directory but changes nothing in it.
    const readOnly = (await createToken(t.app.ctx.db, t.app.ctx.clock, { role: 'coordinator', name: 'read-only coordinator', readOnly: true })).token;
    assert.equal((await t.api('GET', `/api/v1/directory/${id}`, { token: readOnly })).status, 200);
    for (const [method, path, body] of [
      ['POST', '/api/v1/directory', entry({ name: 'Read-only office' })],
      ['PATCH', `/api/v1/directory/${id}`, { note: 'x', version: 1 }],
      ['POST', `/api/v1/directory/${id}/retract`, { reason: 'read-only tokens may not' }],
    ] as const) {
      const refused = await t.api(method, path, { token: readOnly, body });
      assert.equal(refused.status, 403, `${method} ${path}: ${refused.text}`);
    }
    assert.equal(await count(), before + 1);
    assert.equal((await t.api('GET', `/api/v1/directory/${id}`)).body.version, 1);
  });

  it('filters by kind and country, pages by name', async () => {
    for (const [kind, name, country] of [
      ['authority', 'Chairman of the People’s Government of the Xinjiang Uyghur Autonomous Region', 'CN'],
      ['un_body', 'UN Working Group on Enforced or Involuntary Disappearances', null],
      ['media', 'Steppe Ledger news desk', 'KZ'],
    ] as const) {
      assert.equal((await t.api('POST', '/api/v1/directory', { token: t.tokens.admin, body: { kind, name, country } })).status, 201);
    }
    const cn = (await t.api('GET', '/api/v1/directory?country=CN')).body.items as Array<{ country: string }>;
    assert.ok(cn.length >= 1 && cn.every((e) => e.country === 'CN'));
    const media = (await t.api('GET', '/api/v1/directory?kind=media')).body.items as Array<{ kind: string }>;
    assert.ok(media.length >= 1 && media.every((e) => e.kind === 'media'));
    const first = await t.api('GET', '/api/v1/directory?limit=1');
    assert.equal(first.body.items.length, 1);
    const second = await t.api('GET', `/api/v1/directory?limit=1&cursor=${first.body.next_cursor}`);
    assert.equal(second.status, 200);
    assert.ok(second.body.items[0].name >= first.body.items[0].name);
    // Every page further on, none repeating an entry: the pages together are the whole list once.
    const seen = [first.body.items[0].id as string];
    let cursor: string | null = first.body.next_cursor;
    while (cursor) {
      const page = await t.api('GET', `/api/v1/directory?limit=1&cursor=${cursor}`);
      assert.equal(page.status, 200, page.text);
      for (const item of page.body.items as Array<{ id: string }>) {
        assert.ok(!seen.includes(item.id), `page ${seen.length + 1} repeats ${item.id}`);
        seen.push(item.id);
      }
      cursor = page.body.next_cursor;
    }
    const all = (await t.api('GET', '/api/v1/directory?limit=200')).body.items.map((e: { id: string }) => e.id);
    assert.deepEqual(seen, all);
  });

  it('refuses malformed, hostile and oversized input with a clear error, and writes nothing', async () => {
    const before = await count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [entry({ kind: 'embassy' }), 'kind'],
      [entry({ name: '' }), 'name'],
      [entry({ name: '   ' }), 'name'],
      [entry({ name: 'x'.repeat(301) }), 'name'],
      [entry({ name: 'Bad\u0000name' }), 'name'],
      [entry({ country: 'china' }), 'country'],
      [entry({ country: 'cn' }), 'country'],
      [entry({ email: 'not an email' }), 'email'],
      [entry({ email: '<script>@x.y' }), 'email'],
      [entry({ phone: 'call me <b>now</b>' }), 'phone'],
      [entry({ website: 'javascript:alert(1)' }), 'website'],
      [entry({ languages: ['not a tag!'] }), 'languages.0'],
      [entry({ languages: Array.from({ length: 11 }, (_, i) => `x${'abcdefghijk'[i]}`) }), 'languages'],
      [entry({ note: 'x'.repeat(5001) }), 'note'],
      [entry({ address: 'x'.repeat(1001) }), 'address'],
      [entry({ case_id: MISSING_ID }), 'case_id'],
    ];
    for (const [body, field] of cases) {
      const response = await t.api('POST', '/api/v1/directory', { token: t.tokens.coordinator, body });
      assert.ok([400, 422].includes(response.status), `${field}: ${response.status} ${response.text.slice(0, 200)}`);
      assert.ok(response.body.error.fields?.[field], `${field}: ${response.text.slice(0, 300)}`);
    }
    assert.equal((await t.api('POST', '/api/v1/directory', { token: t.tokens.coordinator, raw: '{"kind":' })).status, 400);
    assert.equal((await t.api('GET', '/api/v1/directory/not-a-uuid')).status, 400);
    assert.equal((await t.api('GET', `/api/v1/directory/${MISSING_ID}`)).status, 404);
    assert.equal(await count(), before);
    // HTML and bidi controls are kept as data, and escaped on the page.
    const hostile = await t.api('POST', '/api/v1/directory', {
      token: t.tokens.coordinator,
      body: entry({ name: '<img src=x onerror=alert(1)> \u202EMinistry', salutation: '<script>alert(2)</script>' }),
    });
    assert.equal(hostile.status, 201, hostile.text);
    assert.equal(hostile.body.name, '<img src=x onerror=alert(1)> \u202EMinistry');
    const page = await webClient(t).get(`/directory/${hostile.body.id}`, session(t, 'viewer'));
    assert.equal(page.status, 200);
    assert.ok(!page.html.includes('<img src=x') && !page.html.includes('<script>alert(2)'));
    assert.ok(page.html.includes('&lt;img src=x') && page.html.includes('&lt;script>alert(2)'));
  });

  it('seals the note at rest', async () => {
    const secretNote = 'Contact via the cousin at the consulate desk';
    const id = (await t.api('POST', '/api/v1/directory', { token: t.tokens.coordinator, body: entry({ note: secretNote }) })).body.id;
    const row = await t.app.ctx.db.selectFrom('directory_entries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(row.note && !row.note.includes('cousin'));
    assert.equal(row.name, AMBASSADOR, 'the office itself is public and stays searchable');
    assert.equal((await t.api('GET', `/api/v1/directory/${id}`)).body.note, secretNote);
  });

  it('the pages: a list filtered by kind and country for everyone, new and edit forms for coordinators only (JavaScript not needed)', async () => {
    const web = webClient(t);
    const list = await web.get('/directory?kind=diplomatic_mission&country=cn', session(t, 'viewer'));
    assert.equal(list.status, 200);
    assert.ok(list.html.includes(AMBASSADOR.replace("'", '&#39;')) || list.html.includes(AMBASSADOR));
    assert.ok(!list.html.includes('Steppe Ledger'), 'filtered out');
    assert.ok(!list.html.includes('href="/directory/new"'), 'a viewer is not offered the add form');
    assert.equal((await web.get('/directory/new', session(t, 'researcher'))).status, 403);
    assert.ok((await web.get('/directory', session(t, 'coordinator'))).html.includes('href="/directory/new"'));

    const form = await web.get('/directory/new', session(t, 'coordinator'));
    assert.equal(form.status, 200);
    assert.ok(form.html.includes('action="/directory/new"'));
    const bad = await web.post('/directory/new', { kind: 'authority', name: '', country: 'xx1', languages: '', email: '', phone: '', fax: '', website: '', salutation: '', address: '', note: '' }, session(t, 'coordinator'));
    assert.equal(bad.status, 400, bad.html.slice(0, 200));
    assert.ok(bad.html.includes('f-directory-name-error'));
    const before = await count();
    const added = await web.post(
      '/directory/new',
      { kind: 'authority', name: 'Procurator-General of the Supreme People’s Procuratorate', country: 'cn', languages: 'zh, en', email: '', phone: '', fax: '', website: '', salutation: 'Dear Procurator-General', address: 'Beijing', note: '' },
      session(t, 'coordinator'),
    );
    assert.equal(added.status, 303, added.html.slice(0, 300));
    assert.match(added.location ?? '', /^\/directory\?saved=directory_added#entry-/);
    assert.equal(await count(), before + 1);
    const id = (added.location ?? '').split('#entry-')[1]!;
    const read = (await t.api('GET', `/api/v1/directory/${id}`)).body;
    assert.deepEqual([read.country, read.languages, read.email], ['CN', ['zh', 'en'], null]);
    // A researcher's post is refused; a post without the page's token too.
    const refused = await web.post('/directory/new', { kind: 'authority', name: 'X' }, session(t, 'researcher'));
    assert.equal(refused.status, 403);
    const forged = await web.request('POST', '/directory/new', { cookie: session(t, 'coordinator'), form: { kind: 'authority', name: 'Forged' } });
    assert.equal(forged.status, 403);
    assert.equal(await count(), before + 1);
    // Its page, and the edit form.
    const shown = await web.get(`/directory/${id}`, session(t, 'coordinator'));
    assert.ok(shown.html.includes(`href="/directory/${id}/edit"`));
    assert.ok(!(await web.get(`/directory/${id}`, session(t, 'researcher'))).html.includes(`/directory/${id}/edit`));
    const edit = await web.get(`/directory/${id}/edit`, session(t, 'coordinator'));
    assert.equal(edit.status, 200);
    assert.equal((await web.get(`/directory/${id}/edit`, session(t, 'researcher'))).status, 403);
  });
});
