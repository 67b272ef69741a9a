import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadSearchKey } from '../src/search/search-keys.ts';
import { systemPrincipal } from '../src/auth/roles.ts';
import { reindexAllText } from '../src/search/text-index.ts';
import { searchText, snippetAround, type TextHit } from '../src/search/text-search.service.ts';
import { findTextMatches } from '../src/search/text-search.repository.ts';
import { queryTextKeys, textKeys } from '../src/search/text-keys.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { postMultipart } from './helpers/uploads.ts';

type Hit = TextHit;

describe('text keys (pure)', () => {
  const same = (a: string, b: string) => assert.deepEqual(queryTextKeys(a), queryTextKeys(b), `${a} ≠ ${b}`);
  const differ = (a: string, b: string) => assert.notDeepEqual(queryTextKeys(a), queryTextKeys(b), `${a} = ${b}`);

  it('folds case, width, diacritics, invisible characters and homoglyphs', () => {
    same('Café', 'cafe');
    same('ＤＥＴＡＩＮＥＤ', 'detained');
    same('Ёлка', 'елка');
    same('de\u200btai\u200dned', 'detained');
    same('Жaнaргүл', 'Жанаргүл'); // Latin a inside a Cyrillic word
    same('Қамауда', 'камауда'); // Kazakh letters typed on a Russian keyboard
    same('٢٠١٩', '2019');
    differ('ئۇ', 'يۇ'); // the hamza carrier is a letter in Uyghur, not a mark
  });

  it('matches inflected forms by a five-letter stem, and English plurals', () => {
    same('арестована', 'арестовали');
    same('түрмеде', 'түрмеге');
    same('تۈرمىگە', 'تۈرمىدە');
    same('detained', 'detainee');
    same('camps', 'camp');
    differ('press', 'pres');
    differ('2019', '2018');
    differ('camp', 'cam');
  });

  it('reads Chinese as characters and pairs; drops stop words, one-letter words and punctuation', () => {
    assert.deepEqual(queryTextKeys('拘留'), ['t:h:拘留']);
    assert.deepEqual(queryTextKeys('留'), ['t:h:留']);
    assert.ok(textKeys('她被拘留了').includes('t:h:拘留'));
    assert.deepEqual(queryTextKeys('the and и в x'), []);
    assert.deepEqual(queryTextKeys(`"*:()^-NEAR OR AND %_'`), ['t:near']);
    assert.deepEqual(queryTextKeys('!!! ... ---'), []);
  });

  it('caps the keys of a document and the terms of a query', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${i}x`).join(' ');
    assert.equal(textKeys(words).length, 1500);
    assert.equal(queryTextKeys(words).length, 8);
  });

  it('cuts a snippet around the match', () => {
    const text = `${'lorem ipsum '.repeat(40)}the Dabancheng facility${' dolor sit'.repeat(40)}`;
    const at = text.indexOf('Dabancheng');
    const snippet = snippetAround(text, at, at + 10);
    assert.ok(snippet.includes('Dabancheng'));
    assert.ok(snippet.length <= 165, String(snippet.length));
    assert.ok(snippet.startsWith('…') && snippet.endsWith('…'));
    assert.equal(snippetAround('short\nnote', 0, 5), 'short note');
  });
});

describe(`full-text search (${BACKEND})`, () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const search = (q: string, token: string | null = t.tokens.researcher, extra = '&in=text') => t.api('GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, { token });
  const hits = async (q: string, token: string | null = t.tokens.researcher, extra = '&in=text'): Promise<Hit[]> => {
    const response = await search(q, token, extra);
    assert.equal(response.status, 200, `${q}: ${response.text}`);
    return response.body.text_hits as Hit[];
  };
  const found = async (q: string, id: string, token: string | null = t.tokens.researcher): Promise<Hit | undefined> => (await hits(q, token)).find((hit) => hit.id === id);
  const created = (response: { status: number; text: string; body: { id: string } }) => {
    assert.equal(response.status, 201, response.text);
    return response.body.id;
  };

  before(async () => {
    t = await startTestApp();
    // The researcher opens the case (its coordinator); the coordinator user joins as researcher, the viewer as viewer.
    ids.person = created(await t.api('POST', '/api/v1/persons', { body: personInput({ notes: 'Her brother Qurbanjan hides the phone in the flour tin; do not call the landline.', occupation: 'herder' }) }));
    await t.addMember(ids.person, 'coordinator', { caseRole: 'researcher' });
    await t.addMember(ids.person, 'viewer', { caseRole: 'viewer' });
    ids.source = created(await t.api('POST', '/api/v1/sources', { body: { kind: 'media_article', title: 'Radio report on the Dabancheng facility', person_id: ids.person } }));
    ids.testimony = created(
      await t.api('POST', '/api/v1/sources', {
        body: { kind: 'testimony', title: 'Testimony of a former cellmate about the night transfers', person_id: ids.person, confidential: true, confidential_identity: 'Cousin Marat at the Tekes county office' },
      }),
    );
    ids.orgSource = created(await t.api('POST', '/api/v1/sources', { body: { kind: 'media_article', title: 'Overview of the Ghulja crackdown' } }));
    ids.event = created(
      await t.api('POST', '/api/v1/events', {
        body: { title: 'Detention', date: '2021-02-19', person_id: ids.person, description: 'Taken from her mother’s flat at dawn by four plainclothes officers', acts: [{ type: 'arrest', victim_id: ids.person, perpetrators: [] }] },
      }),
    );
    ids.status = created(await t.api('POST', `/api/v1/persons/${ids.person}/statuses`, { body: { status: 'detained', date: '2021-02-19', note: 'Арестована сотрудниками полиции в Кульдже' } }));
    ids.intervention = created(await t.api('POST', '/api/v1/interventions', { body: { person_id: ids.person, type: 'lawyer', status: 'draft', note: 'Lawyer Serikbayev will file the complaint on Monday' } }));
    // Other scripts, in status notes of the same case.
    ids.kazakh = created(await t.api('POST', `/api/v1/persons/${ids.person}/statuses`, { body: { status: 'camp', date: '2021-03', note: 'Ол Құлжадағы түрмеде қамауда отыр' } }));
    ids.uyghur = created(await t.api('POST', `/api/v1/persons/${ids.person}/statuses`, { body: { status: 'imprisoned', date: '2021-04', note: 'ئۇ غۇلجىدىكى تۈرمىدە قامالغان' } }));
    ids.chinese = created(await t.api('POST', `/api/v1/persons/${ids.person}/statuses`, { body: { status: 'disappeared', date: '2021-05', note: '她在伊宁被拘留，家人不知道她在哪里。' } }));
    // Another case, which the researcher is not in.
    ids.other = created(await t.api('POST', '/api/v1/persons', { body: personInput({ notes: 'Qurbanjan also named in this other case' }), token: t.tokens.coordinator }));
  });
  after(() => t.stop());

  it('finds a secret note for members allowed secrets, and audits the read', async () => {
    const mine = await found('Qurbanjan flour', ids.person);
    assert.ok(mine, 'the case coordinator finds the note');
    assert.equal(mine.field, 'notes');
    assert.equal(mine.entity, 'person');
    assert.equal(mine.person_id, ids.person);
    assert.match(mine.case_number!, /^VG-\d+$/);
    assert.match(mine.snippet, /Qurbanjan hides the phone in the flour tin/);
    assert.equal(mine.score, 1);
    const audited = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'person.read_secret').where('entity_id', '=', ids.person).execute();
    assert.ok(audited.some((entry) => String(entry.detail).includes('notes')), JSON.stringify(audited));
    assert.ok(!JSON.stringify(audited).includes('flour'));
    // A member with the researcher role reads it too; the other case's note is not theirs to see.
    assert.ok(await found('Qurbanjan', ids.person, t.tokens.coordinator));
    assert.ok(await found('Qurbanjan', ids.other, t.tokens.coordinator));
    assert.equal(await found('Qurbanjan', ids.other), undefined);
  });

  it('never shows a secret field to a viewer or a non-member', async () => {
    assert.equal(await found('Qurbanjan', ids.person, t.tokens.viewer), undefined);
    assert.equal(await found('Qurbanjan', ids.person, t.tokens.admin), undefined);
    assert.equal(await found('Marat Tekes', ids.testimony, t.tokens.viewer), undefined);
    // …but the viewer does find what is not secret in their case.
    assert.ok(await found('Dabancheng', ids.source, t.tokens.viewer));
    assert.equal(await found('Dabancheng', ids.source, t.tokens.admin), undefined);
    // Organisation-wide sources are for every reader.
    assert.ok(await found('Ghulja crackdown', ids.orgSource, t.tokens.admin));
    // A viewer's answer holds no secret word at all.
    const response = await search('Qurbanjan', t.tokens.viewer, '&in=all');
    assert.ok(!response.text.includes('flour'));
  });

  it('finds source titles, testimonies, event descriptions, status and intervention notes', async () => {
    const cases: Array<[string, string, string]> = [
      ['Dabancheng facility', ids.source!, 'title'],
      ['cellmate transfers', ids.testimony!, 'title'],
      ['plainclothes officers dawn', ids.event!, 'description'],
      ['Serikbayev complaint', ids.intervention!, 'note'],
      ['сотрудниками полиции', ids.status!, 'note'],
    ];
    for (const [q, id, field] of cases) {
      const hit = await found(q, id);
      assert.ok(hit, q);
      assert.equal(hit.field, field, q);
      assert.equal(hit.person_id, ids.person, q);
    }
    // The confidential identity of a testimony is searchable for those allowed secrets, and audited.
    const identity = await found('Marat Tekes', ids.testimony!);
    assert.equal(identity?.field, 'confidential_identity');
    const audited = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'source.read_secret').where('entity_id', '=', ids.testimony!).execute();
    assert.ok(audited.length >= 1);
    // An evidence item's description.
    const upload = await postMultipart(
      `${t.url}/api/v1/evidence`,
      [
        { name: 'meta', value: JSON.stringify({ person_ids: [ids.person], description: 'Voice message from the sister about the summons' }) },
        { name: 'file', fileName: 'voice.ogg', type: 'audio/ogg', data: Buffer.from('OggS fake voice bytes') },
      ],
      { authorization: `Bearer ${t.tokens.researcher}` },
    );
    assert.equal(upload.status, 201, JSON.stringify(upload.body));
    const evidenceId = upload.body.id as string;
    const evidence = await found('sister summons', evidenceId);
    assert.equal(evidence?.entity, 'evidence');
    assert.equal(evidence?.field, 'description');
    // Every word must be there (AND).
    assert.equal(await found('Dabancheng Serikbayev', ids.source!), undefined);
  });

  it('reads Cyrillic, Kazakh, Uyghur Arabic script and Chinese, inflected forms included', async () => {
    assert.ok(await found('арестовали полицию', ids.status!), 'Russian inflection');
    assert.ok(await found('АРЕСТОВАНА', ids.status!), 'case');
    const kazakh = await found('түрмеге қамау', ids.kazakh!);
    assert.ok(kazakh, 'Kazakh inflection');
    assert.ok(kazakh.score < 1 && kazakh.score > 0.5, String(kazakh.score));
    assert.ok(await found('турмеде', ids.kazakh!), 'Kazakh typed on a Russian keyboard');
    assert.ok(await found('تۈرمىگە', ids.uyghur!), 'Uyghur inflection');
    assert.ok(await found('قامالغان', ids.uyghur!), 'Uyghur word');
    const chinese = await found('拘留', ids.chinese!);
    assert.ok(chinese, 'Chinese pair');
    assert.match(chinese.snippet, /被拘留/);
    assert.ok(await found('伊宁', ids.chinese!));
    assert.equal(await found('宁伊', ids.chinese!), undefined);
    assert.ok(await found('detainees', ids.event!) === undefined, 'no stem shared with the event');
    assert.ok(await found('officer', ids.event!), 'English: a stem');
  });

  it('replaces a record’s keys when it changes: the old word is no longer found', async () => {
    const person = await t.api('GET', `/api/v1/persons/${ids.person}`);
    const patched = await t.api('PATCH', `/api/v1/persons/${ids.person}`, { body: { notes: 'Moved to her aunt in Almaty; Qurbanjan informed', version: person.body.version } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(await found('flour', ids.person), undefined);
    assert.ok(await found('Almaty aunt', ids.person));
    const source = await t.api('GET', `/api/v1/sources/${ids.source}`);
    const renamed = await t.api('PATCH', `/api/v1/sources/${ids.source}`, { body: { title: 'Radio report on the Yining prison', version: source.body.version } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(await found('Dabancheng', ids.source!), undefined);
    assert.ok(await found('Yining prison', ids.source!));
  });

  it('hides retracted records unless asked for them', async () => {
    const retracted = await t.api('POST', `/api/v1/interventions/${ids.intervention}/retract`, { body: { reason: 'entered twice' } });
    assert.equal(retracted.status, 200, retracted.text);
    assert.equal(await found('Serikbayev complaint', ids.intervention!), undefined);
    assert.ok((await hits('Serikbayev complaint', t.tokens.researcher, '&in=text&include_retracted=true')).some((hit) => hit.id === ids.intervention));
  });

  it('chooses names, text or both with `in`', async () => {
    const all = await search('Zhanargul', t.tokens.researcher, '');
    assert.equal(all.status, 200, all.text);
    assert.ok(Array.isArray(all.body.items) && Array.isArray(all.body.text_hits));
    assert.ok(all.body.items.length > 0);
    const names = await search('Dabancheng', t.tokens.researcher, '&in=names');
    assert.deepEqual(names.body.text_hits, []);
    const text = await search('Zhanargul', t.tokens.researcher, '&in=text');
    assert.deepEqual(text.body.items, []);
    assert.equal((await search('x', t.tokens.researcher, '&in=everything')).status, 400);
  });

  it('answers hostile input with a clear 400 or a sensible answer, never a 500', async () => {
    for (const q of ['', '   ', 'x'.repeat(10_000), 'ж '.repeat(300)]) {
      const response = await search(q);
      assert.equal(response.status, 400, `${JSON.stringify(q.slice(0, 20))}: ${response.text}`);
      assert.equal(typeof response.body.error.message, 'string');
    }
    for (const q of [`"*:()^-NEAR OR AND %_'`, "' OR 1=1 --", 'Dabancheng" OR "1"="1', '%_%', '!!!', '...', '\u200d\u200d', '\u202eliaH', '😀😀', 'a OR b AND c', 'near/2 *']) {
      const response = await search(q, t.tokens.researcher, '&in=all');
      assert.equal(response.status, 200, `${q}: ${response.text}`);
      assert.ok(Array.isArray(response.body.text_hits));
    }
    // Zero-width joiners and homoglyphs inside a word still find it.
    assert.ok(await found('Ser\u200dikbay\u200bev', ids.intervention!) === undefined, 'retracted above');
    assert.ok(await found('Almat\u200dy', ids.person));
    assert.ok(await found('арестовaна', ids.status!), 'Latin a inside a Cyrillic word');
    // Many words: only the first eight count.
    const many = await search(Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "));
    assert.equal(many.status, 200);
  });

  it('rebuilds the index for records written before it existed: the same keys as the records wrote', async () => {
    const rows = () =>
      t.app.ctx.db.selectFrom('text_search_keys').select(['entity', 'record_id', 'case_id', 'secret', 'key']).orderBy('record_id').orderBy('entity').orderBy('key').orderBy('secret').execute();
    const written = await rows();
    await t.app.ctx.db.deleteFrom('text_search_keys').execute();
    assert.equal(await found('Yining prison', ids.source!), undefined);
    const count = await reindexAllText(t.app.ctx, await loadSearchKey(t.app.ctx), 3);
    assert.ok(count >= 11, String(count));
    assert.deepEqual((await rows()).map((row) => ({ ...row, secret: Number(row.secret) })), written.map((row) => ({ ...row, secret: Number(row.secret) })));
    // Rebuilt over itself (the table full): nothing changes.
    await reindexAllText(t.app.ctx, await loadSearchKey(t.app.ctx), 5);
    assert.equal((await rows()).length, written.length);
    assert.ok(await found('Yining prison', ids.source!));
    assert.ok(await found('Almaty', ids.person));
    assert.ok(await found('拘留', ids.chinese!));
    assert.equal(await found('Almaty', ids.person, t.tokens.viewer), undefined);
  });

  it('plans for the operator and for members of very many cases as for anyone', async () => {
    const key = await loadSearchKey(t.app.ctx);
    const operator = await searchText(t.app.ctx, key, systemPrincipal('test'), 'Almaty aunt');
    assert.ok(operator.some((hit) => hit.id === ids.person && hit.field === 'notes'));
    const keys = ['almaty', 'aunt'].map((word) => key.hash(`t:${word.slice(0, 5)}`));
    const now = new Date().toISOString();
    const asMember = (userId: string, dense: boolean, secrets: 'member' | 'none') =>
      findTextMatches(t.app.ctx.db, keys, { cases: { all: false, userId, now, dense }, secrets }, { cap: 2000, limit: 10, includeRetracted: false, newestFirst: true });
    for (const dense of [false, true]) {
      assert.ok((await asMember(t.users.researcher.id, dense, 'member')).some((m) => m.record_id === ids.person), `dense ${dense}`);
      assert.deepEqual(await asMember(t.users.researcher.id, dense, 'none'), [], `no secrets, dense ${dense}`);
      assert.deepEqual(await asMember(t.users.viewer.id, dense, 'member'), [], `a viewer member, dense ${dense}`);
      assert.deepEqual(await asMember(t.users.admin.id, dense, 'member'), [], `a non-member, dense ${dense}`);
    }
  });

  it('keeps no word of a note in the store, in any case or as a stem', async () => {
    const word = 'Zhelturangy';
    const person = await t.api('GET', `/api/v1/persons/${ids.person}`);
    const patched = await t.api('PATCH', `/api/v1/persons/${ids.person}`, { body: { notes: `Last seen near ${word} pass`, version: person.body.version } });
    assert.equal(patched.status, 200, patched.text);
    assert.ok(await found(word, ids.person));
    const tables =
      BACKEND === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(t.app.ctx.db)).rows
        : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(t.app.ctx.db)).rows;
    assert.ok(tables.some((table) => table.name === 'text_search_keys'));
    for (const { name } of tables) {
      const rows = (await sql`select * from ${sql.table(name)}`.execute(t.app.ctx.db)).rows;
      const text = JSON.stringify(rows).toLowerCase();
      for (const part of [word.toLowerCase(), 'zheltu']) assert.ok(!text.includes(part), `${name} holds "${part}"`);
    }
    const keys = await t.app.ctx.db.selectFrom('text_search_keys').select('key').execute();
    for (const row of keys) assert.match(row.key, /^[A-Za-z0-9_-]{22}$/);
    // A plaintext column (the occupation) is never hashed beside sealed text: a copy of the database could
    // line its values up with their keys and read that word wherever a sealed note holds it.
    assert.equal(await found('herder', ids.person), undefined);
  });

  it('lets an admin through break-glass read a secret note, audited as such', async () => {
    assert.equal(await found('Zhelturangy', ids.person, t.tokens.admin), undefined);
    const opened = await t.api('POST', `/api/v1/persons/${ids.person}/break-glass`, { token: t.tokens.admin, body: { reason: 'Alert: contact lost, coordinator unreachable' } });
    assert.equal(opened.status, 201, opened.text);
    const hit = await found('Zhelturangy', ids.person, t.tokens.admin);
    assert.equal(hit?.field, 'notes');
    const audited = await t.app.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'person.read_secret').where('actor', '=', `user:${t.users.admin.id}`).execute();
    assert.ok(audited.some((entry) => String(entry.detail).includes('break_glass')), JSON.stringify(audited));
  });

  it('reads a common first key in index order, stops at the limit, and keeps need-to-know and secrets as strict', async () => {
    // Every row below holds "Tarbagatai"; the matches also hold "hearing", some only in a secret field.
    const status = async (personId: string, note: string, token = t.tokens.researcher) =>
      created(await t.api('POST', `/api/v1/persons/${personId}/statuses`, { token, body: { status: 'detained', date: '2022-01', note } }));
    const source = async (title: string, identity: string) =>
      created(await t.api('POST', '/api/v1/sources', { body: { kind: 'testimony', title, person_id: ids.person, confidential: true, confidential_identity: identity } }));
    const open = [await status(ids.person!, 'Tarbagatai hearing adjourned'), await status(ids.person!, 'Tarbagatai hearing held in secret')];
    await status(ids.person!, 'Tarbagatai only');
    const both = await source('Tarbagatai hearing transcript', 'Tarbagatai court clerk'); // the first key in a secret field and another
    const secretOnly = await source('Tarbagatai report', 'a hearing witness'); // "hearing" only in the secret field
    const person = await t.api('GET', `/api/v1/persons/${ids.person}`);
    assert.equal((await t.api('PATCH', `/api/v1/persons/${ids.person}`, { body: { notes: 'Tarbagatai hearing: the family was not told', version: person.body.version } })).status, 200);
    const otherCase = await status(ids.other!, 'Tarbagatai hearing adjourned', t.tokens.coordinator);

    const key = await loadSearchKey(t.app.ctx);
    const keys = queryTextKeys('Tarbagatai hearing').map((k) => key.hash(k));
    const now = new Date().toISOString();
    type Scope = Parameters<typeof findTextMatches>[2];
    const find = (scope: Scope, options: { cap?: number; limit?: number; newestFirst: boolean }) =>
      findTextMatches(t.app.ctx.db, keys, scope, { cap: options.cap ?? 100, limit: options.limit ?? 50, includeRetracted: false, newestFirst: options.newestFirst });
    const operator: Scope = { cases: { all: true }, secrets: 'all' };
    const member = (user: 'researcher' | 'coordinator' | 'viewer' | 'admin', secrets: 'member' | 'none' = 'member') => (dense: boolean): Scope => ({ cases: { all: false, userId: t.users[user].id, now, dense }, secrets });
    const withSecrets = [...open, both, secretOnly, ids.person!];
    const readers: Array<[string, (dense: boolean) => Scope, string[]]> = [
      ['operator', () => operator, [...withSecrets, otherCase]],
      ['coordinator, in both cases', member('coordinator'), [...withSecrets, otherCase]],
      ['researcher', member('researcher'), withSecrets],
      ['admin through the break-glass opened above', member('admin'), withSecrets],
      ['researcher, no secrets', member('researcher', 'none'), [...open, both]],
      ['viewer member', member('viewer'), [...open, both]],
    ];
    for (const [label, scope, expected] of readers) {
      for (const dense of [false, true]) {
        for (const newestFirst of [true, false]) {
          const matched = (await find(scope(dense), { newestFirst })).map((m) => m.record_id);
          if (newestFirst) assert.deepEqual(matched, [...matched].sort().reverse(), `${label}: newest first`);
          assert.deepEqual(matched.sort(), [...expected].sort(), `${label}, dense ${dense}, newest first ${newestFirst}`);
        }
      }
    }
    // A common key: the walk reads at most `cap` rows of it and stops at `limit` matches.
    assert.equal((await find(operator, { limit: 2, newestFirst: false })).length, 2);
    const capped = await find(operator, { cap: 3, newestFirst: false });
    assert.ok(capped.length <= 3 && capped.every((m) => [...withSecrets, otherCase].includes(m.record_id)), JSON.stringify(capped));
  });
});
