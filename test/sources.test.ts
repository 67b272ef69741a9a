import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Principal, Role } from '../src/auth/roles.ts';
import { NotFoundError } from '../src/lib/errors.ts';
import { listSourcesForPerson } from '../src/sources/sources.service.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

describe(`sources API (${BACKEND})`, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t.stop();
  });

  const newPerson = async (): Promise<string> => (await t.api('POST', '/api/v1/persons', { body: personInput() })).body.id;
  const source = (overrides: Record<string, unknown> = {}) => ({
    kind: 'testimony',
    title: 'Testimony of the sister, Almaty',
    publisher: 'Atajurt',
    url: 'https://example.org/testimony/17',
    date: '2021-03~',
    language: 'kk',
    reliability: 'high',
    ...overrides,
  });
  const countSources = async () => (await t.api('GET', '/api/v1/sources?limit=200&include_retracted=true')).body.items.length;

  it('creates a source filed under a case and reads it back with an ETag', async () => {
    const personId = await newPerson();
    const created = await t.api('POST', '/api/v1/sources', {
      body: source({ person_id: personId, confidential: true, confidential_identity: 'Gulnar, +7 701 555 0101' }),
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.equal(created.headers.get('location'), `/api/v1/sources/${created.body.id}`);
    const read = await t.api('GET', `/api/v1/sources/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.deepEqual(
      {
        person_id: read.body.person_id,
        kind: read.body.kind,
        date: read.body.date,
        language: read.body.language,
        reliability: read.body.reliability,
        confidential: read.body.confidential,
        confidential_identity: read.body.confidential_identity,
        version: read.body.version,
        retracted: read.body.retracted,
        retracted_at: read.body.retracted_at,
        retraction_reason: read.body.retraction_reason,
      },
      {
        person_id: personId,
        kind: 'testimony',
        date: '2021-03~',
        language: 'kk',
        reliability: 'high',
        confidential: true,
        confidential_identity: 'Gulnar, +7 701 555 0101',
        version: 1,
        retracted: false,
        retracted_at: null,
        retraction_reason: null,
      },
    );
    assert.match(read.body.created_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(read.body.updated_at, read.body.created_at);
  });

  it('defaults optional fields and allows a source outside any case', async () => {
    const created = await t.api('POST', '/api/v1/sources', { body: { kind: 'media_article', title: 'RFA report' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.person_id, null);
    assert.equal(created.body.confidential, false);
    assert.equal(created.body.url, null);
    assert.equal(created.body.date, null);
  });

  it('writes create, update and retract into the case history, masking the confidential identity', async () => {
    const personId = await newPerson();
    const { body: s } = await t.api('POST', '/api/v1/sources', {
      body: source({ person_id: personId, confidential_identity: 'SECRET-WITNESS-ALPHA' }),
    });
    const updated = await t.api('PATCH', `/api/v1/sources/${s.id}`, {
      body: { reliability: 'medium', confidential_identity: 'SECRET-WITNESS-BRAVO' },
      headers: { 'if-match': '"1"' },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.headers.get('etag'), '"2"');
    assert.equal(updated.body.reliability, 'medium');
    assert.equal(updated.body.confidential_identity, 'SECRET-WITNESS-BRAVO');
    const retracted = await t.api('POST', `/api/v1/sources/${s.id}/retract`, { body: { reason: 'fabricated, see note 12' } });
    assert.equal(retracted.status, 200);
    assert.equal(retracted.body.retracted, true);
    assert.equal(retracted.body.version, 3);
    const history = await t.api('GET', `/api/v1/persons/${personId}/history`);
    const mine = history.body.items.filter((r: { entity: string }) => r.entity === 'source');
    assert.deepEqual(
      mine.map((r: { action: string; version: number; entity_id: string }) => [r.action, r.version, r.entity_id]),
      [
        ['retract', 3, s.id],
        ['update', 2, s.id],
        ['create', 1, s.id],
      ],
    );
    assert.deepEqual(mine[1].changes.reliability, { from: 'high', to: 'medium' });
    assert.deepEqual(mine[1].changes.confidential_identity, { changed: true });
    assert.deepEqual(mine[2].changes.confidential_identity, { changed: true });
    assert.equal(mine[0].reason, 'fabricated, see note 12');
    assert.doesNotMatch(history.text, /SECRET-WITNESS/);
  });

  it('refuses a stale version (409), a missing one (400) and edits after retraction (409)', async () => {
    const { body: s } = await t.api('POST', '/api/v1/sources', { body: source() });
    assert.equal((await t.api('PATCH', `/api/v1/sources/${s.id}`, { body: { title: 'Renamed', version: 1 } })).status, 200);
    const stale = await t.api('PATCH', `/api/v1/sources/${s.id}`, { body: { title: 'Stale', version: 1 } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'version_conflict');
    const blind = await t.api('PATCH', `/api/v1/sources/${s.id}`, { body: { title: 'Blind' } });
    assert.equal(blind.status, 400);
    assert.equal(blind.body.error.code, 'version_required');
    assert.equal((await t.api('GET', `/api/v1/sources/${s.id}`)).body.title, 'Renamed');
    const staleRetract = await t.api('POST', `/api/v1/sources/${s.id}/retract`, { body: { reason: 'wrong source', version: 1 } });
    assert.equal(staleRetract.status, 409);
    assert.equal((await t.api('POST', `/api/v1/sources/${s.id}/retract`, { body: { reason: 'wrong source' } })).status, 200);
    const again = await t.api('POST', `/api/v1/sources/${s.id}/retract`, { body: { reason: 'twice over' } });
    assert.equal(again.status, 409);
    const edit = await t.api('PATCH', `/api/v1/sources/${s.id}`, { body: { title: 'Late', version: 3 } });
    assert.equal(edit.status, 409);
    assert.equal(edit.body.error.code, 'retracted');
  });

  it('lists by case with a cursor and hides retracted sources unless asked', async () => {
    const personId = await newPerson();
    const other = await newPerson();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await t.api('POST', '/api/v1/sources', { body: source({ person_id: personId, title: `S${i}` }) })).body.id);
    await t.api('POST', '/api/v1/sources', { body: source({ person_id: other }) });
    await t.api('POST', `/api/v1/sources/${ids[4]}/retract`, { body: { reason: 'duplicate source' } });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: Array<{ id: string; person_id: string }>; next_cursor: string | null } } = await t.api(
        'GET',
        `/api/v1/sources?person_id=${personId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(page.status, 200);
      for (const item of page.body.items) {
        assert.equal(item.person_id, personId);
        seen.push(item.id);
      }
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, ids.slice(0, 4));
    assert.equal(pages, 2);
    const all = await t.api('GET', `/api/v1/sources?person_id=${personId}&include_retracted=true`);
    assert.equal(all.body.items.length, 5);
    const bad = await t.api('GET', '/api/v1/sources?cursor=bm90LWEtY3Vyc29y');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields.cursor, 'is not a cursor from this list');
  });

  it('answers 422 naming person_id for a missing or retracted case, and writes nothing', async () => {
    const before = await countSources();
    const missing = await t.api('POST', '/api/v1/sources', { body: source({ person_id: '01a22566-2c15-770d-9624-01048a0a9716' }) });
    assert.equal(missing.status, 422);
    assert.ok(missing.body.error.fields.person_id);
    const retiredId = await newPerson();
    await t.api('POST', `/api/v1/persons/${retiredId}/retract`, { body: { reason: 'entered twice' } });
    const retracted = await t.api('POST', '/api/v1/sources', { body: source({ person_id: retiredId }) });
    assert.equal(retracted.status, 422);
    assert.ok(retracted.body.error.fields.person_id);
    const { body: s } = await t.api('POST', '/api/v1/sources', { body: source() });
    const move = await t.api('PATCH', `/api/v1/sources/${s.id}`, { body: { person_id: retiredId, version: 1 } });
    assert.equal(move.status, 422);
    assert.equal((await t.api('GET', `/api/v1/sources/${s.id}`)).body.version, 1);
    assert.equal(await countSources(), before + 1);
  });

  it('accepts only http and https URLs', async () => {
    const before = await countSources();
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ftp://example.org/x',
      'http://user:pass@evil.example/',
      'https://trusted.org@evil.example/',
      'not a url',
      'https://',
      'http://exa mple.org/',
      '//example.org/x',
    ]) {
      const res = await t.api('POST', '/api/v1/sources', { body: source({ url }) });
      assert.equal(res.status, 400, url);
      assert.ok(res.body.error.fields.url, url);
    }
    assert.equal(await countSources(), before);
    const ok = await t.api('POST', '/api/v1/sources', { body: source({ url: 'HTTPS://Example.org/a?b=c#d' }) });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.url, 'HTTPS://Example.org/a?b=c#d');
    const patched = await t.api('PATCH', `/api/v1/sources/${ok.body.id}`, { body: { url: 'javascript:alert(1)', version: 1 } });
    assert.equal(patched.status, 400);
  });

  it('rejects malformed, wrong-type, unknown-field and oversized input with clear errors and writes nothing', async () => {
    const before = await countSources();
    const cases: Array<[string, { body?: unknown; raw?: string }, number, string?]> = [
      ['malformed JSON', { raw: '{"kind": "testimony",' }, 400],
      ['no title', { body: { kind: 'testimony' } }, 400, 'title'],
      ['blank title', { body: source({ title: '   ' }) }, 400, 'title'],
      ['unknown kind', { body: source({ kind: 'rumour' }) }, 400, 'kind'],
      ['wrong type', { body: source({ confidential: 'yes' }) }, 400, 'confidential'],
      ['title as number', { body: source({ title: 42 }) }, 400, 'title'],
      ['unknown field', { body: source({ secret_agenda: true }) }, 400, 'secret_agenda'],
      ['bad date', { body: source({ date: '2021-13-45' }) }, 400, 'date'],
      ['bad language', { body: source({ language: 'not a language' }) }, 400, 'language'],
      ['bad reliability', { body: source({ reliability: 'A1' }) }, 400, 'reliability'],
      ['bad person id', { body: source({ person_id: '../etc/passwd' }) }, 400, 'person_id'],
      ['control character', { body: source({ title: 'a\u0007b' }) }, 400, 'title'],
      ['long title', { body: source({ title: 'x'.repeat(501) }) }, 400, 'title'],
      ['oversized body', { body: source({ publisher: 'x'.repeat(1_100_000) }) }, 413],
    ];
    for (const [label, request, status, field] of cases) {
      const res = await t.api('POST', '/api/v1/sources', request);
      assert.equal(res.status, status, label);
      assert.equal(typeof res.body.error.message, 'string', label);
      if (field) assert.ok(res.body.error.fields?.[field], `${label}: ${JSON.stringify(res.body)}`);
    }
    const { body: s } = await t.api('POST', '/api/v1/sources', { body: source() });
    for (const body of [{ title: null, version: 1 }, { kind: 'rumour', version: 1 }, { nope: 1, version: 1 }]) {
      const res = await t.api('PATCH', `/api/v1/sources/${s.id}`, { body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal((await t.api('GET', `/api/v1/sources/${s.id}`)).body.version, 1);
    assert.equal(await countSources(), before + 1);
  });

  it('keeps HTML and invisible characters as given, as JSON data', async () => {
    const title = '<script>alert("x")</script><img src=x onerror=alert(1)> \u202Eevil\u200B';
    const created = await t.api('POST', '/api/v1/sources', { body: source({ title, publisher: '<b>RFA</b>' }) });
    assert.equal(created.status, 201);
    assert.match(created.headers.get('content-type') ?? '', /^application\/json/);
    const read = await t.api('GET', `/api/v1/sources/${created.body.id}`);
    assert.equal(read.body.title, title);
    assert.equal(read.body.publisher, '<b>RFA</b>');
  });

  it('needs a token to read and a writer to change', async () => {
    const { body: s } = await t.api('POST', '/api/v1/sources', { body: source() });
    assert.equal((await t.api('GET', '/api/v1/sources', { token: null })).status, 401);
    assert.equal((await t.api('GET', `/api/v1/sources/${s.id}`, { token: t.tokens.viewer })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/sources', { body: source(), token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('PATCH', `/api/v1/sources/${s.id}`, { body: { title: 'x', version: 1 }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('POST', `/api/v1/sources/${s.id}/retract`, { body: { reason: 'viewer try' }, token: t.tokens.viewer })).status, 403);
    assert.equal((await t.api('GET', `/api/v1/sources/${s.id}`)).body.version, 1);
  });

  it('answers 404 for an unknown source and 400 for a malformed id', async () => {
    assert.equal((await t.api('GET', '/api/v1/sources/01a22566-2c15-770d-9624-01048a0a9716')).status, 404);
    assert.equal((await t.api('PATCH', '/api/v1/sources/01a22566-2c15-770d-9624-01048a0a9716', { body: { title: 'x', version: 1 } })).status, 404);
    assert.equal((await t.api('GET', '/api/v1/sources/not-an-id')).status, 400);
  });

  it('shows the sources in the OpenAPI document with the reliability scale described', async () => {
    const doc = await t.api('GET', '/api/v1/openapi.json');
    const post = doc.body.paths['/api/v1/sources'].post;
    const schema = post.requestBody.content['application/json'].schema;
    assert.ok(schema.properties.kind.enum.includes('leaked_document'));
    assert.match(JSON.stringify(schema.properties.reliability), /Admiralty/);
  });

  describe('need-to-know', () => {
    // The researcher's token opens the cases below; the coordinator and viewer users are strangers to them until added.
    const as = (role: Role) => ({ token: t.tokens[role] });
    const principal = (role: Role): Principal => ({ userId: t.users[role].id, tokenId: null, actor: `user:${t.users[role].id}`, role, name: null, readOnly: false });
    const identity = 'Aunt Gulnar, +7 701 555 0199';
    const caseWithSource = async () => {
      const personId = await newPerson();
      const created = await t.api('POST', '/api/v1/sources', { body: source({ person_id: personId, confidential: true, confidential_identity: identity }) });
      assert.equal(created.status, 201, created.text);
      return { personId, sourceId: created.body.id as string };
    };
    const secretReads = async (sourceId: string) =>
      t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'source.read_secret').where('entity_id', '=', sourceId).execute();

    it("answers 404 to a non-member for a case's source — read, change and retract alike — and changes nothing", async () => {
      const { sourceId } = await caseWithSource();
      for (const role of ['coordinator', 'viewer', 'admin'] as const) {
        const read = await t.api('GET', `/api/v1/sources/${sourceId}`, as(role));
        assert.equal(read.status, 404, `${role}: ${read.text}`);
        assert.doesNotMatch(read.text, /Gulnar|Testimony/);
      }
      assert.equal((await t.api('PATCH', `/api/v1/sources/${sourceId}`, { ...as('coordinator'), body: { title: 'Taken over', version: 1 } })).status, 404);
      assert.equal((await t.api('POST', `/api/v1/sources/${sourceId}/retract`, { ...as('coordinator'), body: { reason: 'not mine to keep' } })).status, 404);
      assert.equal((await t.api('POST', `/api/v1/sources/${sourceId}/retract`, { ...as('admin'), body: { reason: 'admin without break-glass' } })).status, 404);
      const now = await t.api('GET', `/api/v1/sources/${sourceId}`);
      assert.equal(now.body.version, 1);
      assert.equal(now.body.title, 'Testimony of the sister, Almaty');
    });

    it("lists show nobody another case's sources; organisation-wide sources are for everyone", async () => {
      const mine = await caseWithSource();
      const theirPerson = (await t.api('POST', '/api/v1/persons', { ...as('coordinator'), body: personInput() })).body.id;
      const theirs = (await t.api('POST', '/api/v1/sources', { ...as('coordinator'), body: source({ person_id: theirPerson }) })).body.id;
      const shared = (await t.api('POST', '/api/v1/sources', { ...as('coordinator'), body: { kind: 'media_article', title: 'RFA: camp expansion' } })).body.id;
      const listed = async (role: Role, query = '') => {
        const response = await t.api('GET', `/api/v1/sources?limit=200${query}`, as(role));
        assert.equal(response.status, 200);
        for (const item of response.body.items) assert.ok(!('confidential_identity' in item), 'lists never carry the confidential identity');
        return new Set(response.body.items.map((item: { id: string }) => item.id));
      };
      const researcher = await listed('researcher');
      assert.ok(researcher.has(mine.sourceId) && researcher.has(shared) && !researcher.has(theirs));
      const coordinator = await listed('coordinator');
      assert.ok(coordinator.has(theirs) && coordinator.has(shared) && !coordinator.has(mine.sourceId));
      const viewer = await listed('viewer');
      assert.ok(viewer.has(shared) && !viewer.has(mine.sourceId) && !viewer.has(theirs));
      assert.equal((await listed('coordinator', `&person_id=${mine.personId}`)).size, 0, "filtering by another case's person finds nothing");
      assert.deepEqual([...(await listed('researcher', `&person_id=${mine.personId}`))], [mine.sourceId]);
      // Once a member, the case's sources are listed.
      await t.addMember(mine.personId, 'coordinator');
      assert.ok((await listed('coordinator')).has(mine.sourceId));
    });

    it('gives a viewer member the source without its confidential identity, and audits every read of it', async () => {
      const { personId, sourceId } = await caseWithSource();
      await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
      await t.addMember(personId, 'coordinator', { caseRole: 'viewer' });
      for (const role of ['viewer', 'coordinator'] as const) {
        const read = await t.api('GET', `/api/v1/sources/${sourceId}`, as(role));
        assert.equal(read.status, 200, `${role}: ${read.text}`);
        assert.ok(!('confidential_identity' in read.body), `${role}: a viewer of the case never receives the identity`);
        assert.equal(read.body.confidential, true);
        assert.doesNotMatch(read.text, /Gulnar/);
      }
      assert.equal((await secretReads(sourceId)).length, 0, 'nothing secret was read');
      const full = await t.api('GET', `/api/v1/sources/${sourceId}`);
      assert.equal(full.body.confidential_identity, identity);
      const audited = await secretReads(sourceId);
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.case_id, personId);
      assert.equal(audited[0]!.actor, `user:${t.users.researcher.id}`);
      assert.match(audited[0]!.detail ?? '', /confidential_identity/);
      assert.doesNotMatch(JSON.stringify(audited), /Gulnar|0199/);
      // A change answers with the identity too: that is a read as well.
      const changed = await t.api('PATCH', `/api/v1/sources/${sourceId}`, { body: { publisher: 'Vigil', version: 1 } });
      assert.equal(changed.body.confidential_identity, identity);
      assert.equal((await secretReads(sourceId)).length, 2);
      // A source without an identity reads nothing secret, so nothing is audited.
      const plain = (await t.api('POST', '/api/v1/sources', { body: source({ person_id: personId }) })).body.id;
      await t.api('GET', `/api/v1/sources/${plain}`);
      assert.equal((await secretReads(plain)).length, 0);
    });

    it('keeps confidential identities inside cases: never on an organisation-wide source, never moved out', async () => {
      const before = (await t.api('GET', '/api/v1/sources?limit=200&include_retracted=true')).body.items.length;
      const orgWide = await t.api('POST', '/api/v1/sources', { body: { kind: 'interview', title: 'Interview, Almaty office', confidential_identity: identity } });
      assert.equal(orgWide.status, 422, orgWide.text);
      assert.equal((await t.api('GET', '/api/v1/sources?limit=200&include_retracted=true')).body.items.length, before, 'nothing written');
      const { sourceId } = await caseWithSource();
      const out = await t.api('PATCH', `/api/v1/sources/${sourceId}`, { body: { person_id: null, version: 1 } });
      assert.equal(out.status, 422, out.text);
      const plain = (await t.api('POST', '/api/v1/sources', { body: { kind: 'media_article', title: 'Press report' } })).body;
      const addSecret = await t.api('PATCH', `/api/v1/sources/${plain.id}`, { body: { confidential_identity: identity, version: 1 } });
      assert.equal(addSecret.status, 422, addSecret.text);
    });

    it('lets a member who may only view read but not change the source (403)', async () => {
      const { personId, sourceId } = await caseWithSource();
      await t.addMember(personId, 'coordinator', { caseRole: 'viewer' });
      assert.equal((await t.api('PATCH', `/api/v1/sources/${sourceId}`, { ...as('coordinator'), body: { title: 'Changed', version: 1 } })).status, 403);
      assert.equal((await t.api('POST', `/api/v1/sources/${sourceId}/retract`, { ...as('coordinator'), body: { reason: 'viewer member try' } })).status, 403);
      assert.equal((await t.api('POST', '/api/v1/sources', { ...as('coordinator'), body: source({ person_id: personId }) })).status, 403);
      assert.equal((await t.api('GET', `/api/v1/sources/${sourceId}`)).body.version, 1);
    });

    it('refuses to file a source under a person in a case one may not read, exactly as a missing person (422)', async () => {
      const { personId } = await caseWithSource();
      const before = await countSources();
      const missing = await t.api('POST', '/api/v1/sources', { ...as('coordinator'), body: source({ person_id: '01a22566-2c15-770d-9624-01048a0a9716' }) });
      const hidden = await t.api('POST', '/api/v1/sources', { ...as('coordinator'), body: source({ person_id: personId }) });
      assert.equal(hidden.status, 422);
      assert.deepEqual(hidden.body, missing.body, 'the answer tells nothing about whether the person exists');
      const { body: own } = await t.api('POST', '/api/v1/sources', { ...as('coordinator'), body: source() });
      const moved = await t.api('PATCH', `/api/v1/sources/${own.id}`, { ...as('coordinator'), body: { person_id: personId, version: 1 } });
      assert.equal(moved.status, 422);
      assert.ok(moved.body.error.fields.person_id);
      assert.equal((await t.api('GET', `/api/v1/sources/${own.id}`, as('coordinator'))).body.person_id, null);
      assert.equal(await countSources(), before + 1);
    });

    it("files a relative's source under the relative's case", async () => {
      const { personId } = await caseWithSource();
      const relative = await t.api('POST', '/api/v1/persons', { body: personInput({ case_id: personId }) });
      assert.equal(relative.status, 201, relative.text);
      const created = await t.api('POST', '/api/v1/sources', { body: source({ person_id: relative.body.id }) });
      assert.equal(created.status, 201);
      assert.equal(created.body.person_id, personId, 'the case, not the relative');
      assert.equal((await t.api('GET', `/api/v1/sources/${created.body.id}`, as('coordinator'))).status, 404);
    });

    it('lists a case for pages only to its readers, with identities only when asked and allowed, each audited', async () => {
      const { personId, sourceId } = await caseWithSource();
      await assert.rejects(listSourcesForPerson(t.app.ctx, principal('coordinator'), personId), NotFoundError);
      const plain = await listSourcesForPerson(t.app.ctx, principal('researcher'), personId);
      assert.deepEqual(plain.map((s) => [s.id, s.confidential_identity, s.secrets_hidden]), [[sourceId, null, true]]);
      assert.equal((await secretReads(sourceId)).length, 0);
      const withSecrets = await listSourcesForPerson(t.app.ctx, principal('researcher'), personId, { withSecrets: true });
      assert.equal(withSecrets[0]!.confidential_identity, identity);
      assert.equal((await secretReads(sourceId)).length, 1);
      await t.addMember(personId, 'viewer', { caseRole: 'viewer' });
      const asViewer = await listSourcesForPerson(t.app.ctx, principal('viewer'), personId, { withSecrets: true });
      assert.equal(asViewer[0]!.confidential_identity, null);
      assert.equal((await secretReads(sourceId)).length, 1);
    });

    it('keeps the title and the confidential identity sealed at rest, and fails loudly on a tampered value', async () => {
      const { sourceId } = await caseWithSource();
      const { sourceId: otherId } = await caseWithSource();
      const raw = await t.app.ctx.db.selectFrom('sources').select(['title', 'confidential_identity']).where('id', '=', sourceId).executeTakeFirstOrThrow();
      const otherTitle = (await t.app.ctx.db.selectFrom('sources').select('title').where('id', '=', otherId).executeTakeFirstOrThrow()).title;
      assert.ok(raw.title.startsWith('vs1.'), raw.title);
      assert.ok(raw.confidential_identity?.startsWith('vs1.'), raw.confidential_identity ?? 'null');
      // A sealed value moved to another row does not open there: an error, never another row's text.
      await t.app.ctx.db.updateTable('sources').set({ title: raw.title }).where('id', '=', otherId).execute();
      const moved = await t.api('GET', `/api/v1/sources/${otherId}`);
      assert.equal(moved.status, 500);
      assert.equal(moved.body.error.code, 'tampered');
      assert.doesNotMatch(moved.text, /Testimony/);
      await t.app.ctx.db.updateTable('sources').set({ title: otherTitle }).where('id', '=', otherId).execute();
      assert.equal((await t.api('GET', `/api/v1/sources/${otherId}`)).status, 200);
    });
  });
});
