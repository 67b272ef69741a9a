import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const name = (text: string, script: string, lang: string, kind = 'primary') => ({ text, script, lang, kind });

interface Item {
  person: { id: string; case_number: string; national_id?: string; notes?: string };
  score: number;
  reasons: Array<{ field: string; weight: number; text: string }>;
}

describe(`duplicate detection, merge and review (${BACKEND})`, () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const duplicatesOf = async (id: string, token: string = t.tokens.researcher) => {
    const response = await t.api('GET', `/api/v1/persons/${id}/duplicates`, { token });
    assert.equal(response.status, 200, response.text);
    return response.body.items as Item[];
  };
  const create = async (key: string, body: Record<string, unknown>, token = t.tokens.researcher) => {
    const response = await t.api('POST', '/api/v1/persons', { body: personInput(body), token });
    assert.equal(response.status, 201, response.text);
    ids[key] = response.body.id;
    return response.body;
  };
  const read = async (key: string) => (await t.api('GET', `/api/v1/persons/${ids[key]}`)).body;

  before(async () => {
    t = await startTestApp();
    await create('kk', {
      names: [name('Жанаргүл Жұматай', 'Cyrl', 'kk')],
      birth: '1984',
      father_name: 'Жұматай',
      hometown: 'Ghulja',
      national_id: '650101198400001',
      notes: 'secret note about her',
    });
    await create('relKk', { names: [name('Асқар Жұматай', 'Cyrl', 'kk')], sex: 'male', birth: '1950', case_id: ids.kk });
    const relation = await t.api('POST', '/api/v1/relations', { body: { from_person_id: ids.kk, to_person_id: ids.relKk, relation: 'brother' } });
    assert.equal(relation.status, 201, relation.text);
    // The namesake, born years later.
    await create('namesake', { names: [name('Zhanargul Zhumatai', 'Latn', 'en')], birth: '1991' });
    // A case the researcher may not read.
    await create('hidden', { names: [name('Zhanargul Zhumatai', 'Latn', 'en')], birth: '1984', hometown: 'Ghulja' }, t.tokens.coordinator);
  });
  after(() => t.stop());

  it('shows likely duplicates on create, across scripts, with explainable reasons, never secrets', async () => {
    const created = await create('en', { names: [name('Zhanargul Zhumatai', 'Latn', 'en')], birth: '1984', father_name: 'Zhumatai', hometown: 'Ghulja' });
    const relative = await t.api('POST', '/api/v1/persons', { body: personInput({ names: [name('Askar Zhumatai', 'Latn', 'en')], sex: 'male', birth: '1950', case_id: ids.en }) });
    await t.api('POST', '/api/v1/relations', { body: { from_person_id: ids.en, to_person_id: relative.body.id, relation: 'brother' } });
    const possible = created.possible_duplicates as Item[];
    assert.ok(possible.length >= 1 && possible.length <= 5);
    assert.equal(possible[0]!.person.id, ids.kk, JSON.stringify(possible));
    assert.ok(possible[0]!.score >= 0.8, JSON.stringify(possible[0]));
    assert.ok(!('national_id' in possible[0]!.person) && !('notes' in possible[0]!.person));
    assert.doesNotMatch(JSON.stringify(created), /650101198400001|secret note/);

    const items = await duplicatesOf(ids.kk);
    const en = items.find((item) => item.person.id === ids.en)!;
    assert.ok(en, JSON.stringify(items));
    const texts = en.reasons.map((r) => r.text);
    assert.ok(texts.includes('names: Cyrillic Жанаргүл ≈ Latin Zhanargul; Жұматай ≈ Zhumatai'), texts.join(' | '));
    assert.ok(texts.includes('birth: both 1984'));
    assert.ok(texts.includes("father's name: Жұматай ≈ Zhumatai"));
    assert.ok(texts.includes('hometown: both Ghulja'));
    assert.ok(texts.includes('relatives: Асқар Жұматай ≈ Askar Zhumatai'), texts.join(' | '));
    assert.ok(en.reasons.every((r) => typeof r.weight === 'number'));
    // Itself is never its own duplicate.
    assert.ok(!items.some((item) => item.person.id === ids.kk));
  });

  it('does not offer a namesake born years apart', async () => {
    assert.ok(!(await duplicatesOf(ids.kk)).some((item) => item.person.id === ids.namesake));
    assert.ok(!(await duplicatesOf(ids.namesake)).some((item) => item.person.id === ids.kk || item.person.id === ids.en));
  });

  it('respects need-to-know: a candidate in a case the reader cannot see is never shown', async () => {
    assert.ok(!(await duplicatesOf(ids.kk)).some((item) => item.person.id === ids.hidden));
    const theirs = await duplicatesOf(ids.hidden, t.tokens.coordinator);
    assert.ok(!theirs.some((item) => [ids.kk, ids.en, ids.namesake].includes(item.person.id)));
    assert.equal((await t.api('GET', `/api/v1/persons/${ids.kk}/duplicates`, { token: t.tokens.coordinator })).status, 404);
    assert.equal((await t.api('GET', `/api/v1/persons/${ids.kk}/duplicates`, { token: null })).status, 401);
    const check = await t.api('POST', '/api/v1/persons/duplicates/check', { body: { names: [name('Zhanargul Zhumatai', 'Latn', 'en')], birth: '1984' } });
    assert.ok(!check.body.items.some((item: Item) => item.person.id === ids.hidden));
  });

  it('checks a draft before creating it, writing nothing', async () => {
    const before = await t.api('GET', '/api/v1/persons?limit=200');
    const check = await t.api('POST', '/api/v1/persons/duplicates/check', { body: { names: [name('Janargül Jumatai', 'Latn', 'kk')], birth: '1984', hometown: 'Ghulja' } });
    assert.equal(check.status, 200, check.text);
    const found = (check.body.items as Item[]).map((item) => item.person.id);
    assert.ok(found.includes(ids.kk) && found.includes(ids.en), JSON.stringify(check.body));
    assert.equal(check.body.next_cursor, null);
    const after = await t.api('GET', '/api/v1/persons?limit=200');
    assert.equal(after.body.items.length, before.body.items.length);
    for (const body of [{}, { names: [] }, { names: [{ text: 'x', script: 'Nope' }] }, { names: [name('A', 'Latn', 'en')], birth: 'yesterday' }, { names: [name('A', 'Latn', 'en')], extra: 1 }]) {
      const bad = await t.api('POST', '/api/v1/persons/duplicates/check', { body });
      assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
    }
  });

  it('refuses hostile or malformed merges with a clear 4xx and changes nothing', async () => {
    const version = (await read('en')).version;
    const merge = (id: string, body: unknown, token?: string) => t.api('POST', `/api/v1/persons/${id}/merge`, { body, ...(token ? { token } : {}) });
    const cases: Array<[string, unknown, number, string?]> = [
      [ids.en!, { into: ids.en, reason: 'same person' }, 422, 'into'],
      [ids.en!, { into: '01a22566-2c15-770d-9624-01048a0a9716', reason: 'same person' }, 422, 'into'],
      [ids.en!, { into: ids.hidden, reason: 'same person' }, 422, 'into'],
      [ids.en!, { into: 123, reason: 'same person' }, 400],
      [ids.en!, { into: 'not-an-id', reason: 'same person' }, 400],
      [ids.en!, { into: ids.kk, reason: 'x'.repeat(2001) }, 400],
      [ids.en!, { into: ids.kk }, 400],
      [ids.en!, { into: ids.kk, reason: 'same person', admin: true }, 400],
      [ids.en!, { into: ids.kk, reason: 'same person', version: version + 5 }, 409],
      ['01a22566-2c15-770d-9624-01048a0a9716', { into: ids.kk, reason: 'same person' }, 404],
    ];
    for (const [id, body, status, field] of cases) {
      const response = await merge(id, body);
      assert.equal(response.status, status, `${JSON.stringify(body).slice(0, 80)}: ${response.text.slice(0, 300)}`);
      assert.equal(typeof response.body.error.message, 'string');
      if (field) assert.ok(response.body.error.fields?.[field], response.text);
    }
    const raw = await t.api('POST', `/api/v1/persons/${ids.en}/merge`, { raw: '{"into": ' });
    assert.equal(raw.status, 400);
    assert.equal((await t.api('POST', '/api/v1/persons/..%2F/merge', { body: { into: ids.kk, reason: 'same person' } })).status, 400);
    // Someone who is not a member of the case: 404, never 403; a viewer token may not write at all.
    assert.equal((await merge(ids.en!, { into: ids.kk, reason: 'same person' }, t.tokens.coordinator)).status, 404);
    assert.equal((await merge(ids.en!, { into: ids.kk, reason: 'same person' }, t.tokens.viewer)).status, 403);
    const now = await read('en');
    assert.equal(now.version, version);
    assert.equal(now.duplicate_of, null);
  });

  it('merges with history kept; both ids keep resolving; search shows the survivor', async () => {
    const merged = await t.api('POST', `/api/v1/persons/${ids.en}/merge`, { body: { into: ids.kk, reason: 'same woman: papers and press report' } });
    assert.equal(merged.status, 200, merged.text);
    assert.equal(merged.body.duplicate_of, ids.kk);
    const mergedRead = await read('en');
    assert.equal(mergedRead.duplicate_of, ids.kk);
    assert.deepEqual(mergedRead.merged_from, []);
    const survivor = await read('kk');
    assert.deepEqual(survivor.merged_from, [ids.en]);
    assert.equal(survivor.duplicate_of, null);

    const history = await t.api('GET', `/api/v1/persons/${ids.en}/history`);
    const entry = history.body.items.find((item: { action: string }) => item.action === 'merge');
    assert.ok(entry, history.text);
    assert.equal(entry.reason, 'same woman: papers and press report');
    assert.deepEqual(entry.changes.duplicate_of, { from: null, to: ids.kk });

    // No longer offered as each other's duplicate.
    assert.ok(!(await duplicatesOf(ids.kk)).some((item) => item.person.id === ids.en));
    assert.ok(!(await duplicatesOf(ids.en)).some((item) => item.person.id === ids.kk));

    const search = await t.api('GET', `/api/v1/search?q=${encodeURIComponent('Zhanargul Zhumatai')}`);
    assert.equal(search.status, 200, search.text);
    const hits = search.body.items as Array<{ person: { id: string }; explanation: string }>;
    assert.ok(!hits.some((hit) => hit.person.id === ids.en), JSON.stringify(hits));
    const hit = hits.find((h) => h.person.id === ids.kk)!;
    assert.match(hit.explanation, new RegExp(`via merged record ${mergedRead.case_number}`));
    assert.equal(hits.filter((h) => h.person.id === ids.kk).length, 1);
  });

  it('refuses chains, double merges and merges of retracted records', async () => {
    const extra = await create('third', { names: [name('Жанаргул Жуматай', 'Cyrl', 'ru')], birth: '1984' });
    // Into a record that is itself merged: refused, the survivor named.
    const chain = await t.api('POST', `/api/v1/persons/${extra.id}/merge`, { body: { into: ids.en, reason: 'same person' } });
    assert.equal(chain.status, 422, chain.text);
    assert.match(chain.body.error.message, /itself merged/);
    // A survivor merged elsewhere would hide its merged records behind a chain.
    const survivor = await t.api('POST', `/api/v1/persons/${ids.kk}/merge`, { body: { into: extra.id, reason: 'same person' } });
    assert.equal(survivor.status, 422, survivor.text);
    const twice = await t.api('POST', `/api/v1/persons/${ids.en}/merge`, { body: { into: extra.id, reason: 'same person' } });
    assert.equal(twice.status, 409, twice.text);
    const retracted = await create('retracted', { names: [name('Zhanargul Zhumatai', 'Latn', 'en')], birth: '1984' });
    await t.api('POST', `/api/v1/persons/${retracted.id}/retract`, { body: { reason: 'entered by mistake' } });
    assert.equal((await t.api('POST', `/api/v1/persons/${retracted.id}/merge`, { body: { into: ids.kk, reason: 'same person' } })).status, 409);
    assert.equal((await t.api('POST', `/api/v1/persons/${extra.id}/merge`, { body: { into: retracted.id, reason: 'same person' } })).status, 422);
    assert.equal((await read('third')).duplicate_of, null);
  });

  it('un-merges with a revision, and refuses to un-merge what is not merged', async () => {
    const version = (await read('en')).version;
    const unmerged = await t.api('POST', `/api/v1/persons/${ids.en}/unmerge`, { body: { reason: 'her sister, not her' }, headers: { 'if-match': `"${version}"` } });
    assert.equal(unmerged.status, 200, unmerged.text);
    assert.equal(unmerged.body.duplicate_of, null);
    assert.deepEqual((await read('kk')).merged_from, []);
    const history = await t.api('GET', `/api/v1/persons/${ids.en}/history`);
    assert.deepEqual(
      history.body.items.slice(0, 2).map((item: { action: string }) => item.action),
      ['unmerge', 'merge'],
    );
    assert.equal((await t.api('POST', `/api/v1/persons/${ids.en}/unmerge`, { body: { reason: 'again' } })).status, 409);
    assert.equal((await t.api('POST', `/api/v1/persons/${ids.en}/unmerge`, { body: { reason: '' } })).status, 400);
    assert.ok((await duplicatesOf(ids.kk)).some((item) => item.person.id === ids.en));
  });

  it('marks two records as different people, hiding the pair both ways; undo restores it', async () => {
    const bad: Array<[unknown, number]> = [
      [{ other_id: ids.kk }, 422],
      [{ other_id: 'nope' }, 400],
      [{ other_id: ids.hidden }, 422],
      [{ other_id: ids.en, reason: 'x'.repeat(3000) }, 400],
      [{}, 400],
    ];
    for (const [body, status] of bad) assert.equal((await t.api('POST', `/api/v1/persons/${ids.kk}/not-duplicate`, { body })).status, status, JSON.stringify(body));

    const marked = await t.api('POST', `/api/v1/persons/${ids.kk}/not-duplicate`, { body: { other_id: ids.en, reason: 'different mothers' } });
    assert.equal(marked.status, 200, marked.text);
    assert.equal(marked.body.different, true);
    assert.ok(!(await duplicatesOf(ids.kk)).some((item) => item.person.id === ids.en));
    assert.ok(!(await duplicatesOf(ids.en)).some((item) => item.person.id === ids.kk));
    // Deciding again from the other side is the same decision.
    const again = await t.api('POST', `/api/v1/persons/${ids.en}/not-duplicate`, { body: { other_id: ids.kk } });
    assert.equal(again.status, 200);
    assert.equal(again.body.version, marked.body.version);
    const merge = await t.api('POST', `/api/v1/persons/${ids.en}/merge`, { body: { into: ids.kk, reason: 'same person' } });
    assert.equal(merge.status, 422, merge.text);
    // Outsiders cannot undo it.
    assert.equal((await t.api('POST', `/api/v1/persons/${ids.kk}/not-duplicate/undo`, { body: { other_id: ids.en }, token: t.tokens.coordinator })).status, 404);

    const history = await t.api('GET', `/api/v1/persons/${ids.kk}/history`);
    assert.ok(history.body.items.some((item: { entity: string; reason: string }) => item.entity === 'distinct_pair' && item.reason === 'different mothers'));

    const undone = await t.api('POST', `/api/v1/persons/${ids.en}/not-duplicate/undo`, { body: { other_id: ids.kk } });
    assert.equal(undone.status, 200, undone.text);
    assert.equal(undone.body.different, false);
    assert.ok((await duplicatesOf(ids.kk)).some((item) => item.person.id === ids.en));
    assert.equal((await t.api('POST', `/api/v1/persons/${ids.en}/not-duplicate/undo`, { body: { other_id: ids.kk } })).status, 409);
    // And it can be decided again later.
    const redecided = await t.api('POST', `/api/v1/persons/${ids.en}/not-duplicate`, { body: { other_id: ids.kk } });
    assert.equal(redecided.body.different, true);
    assert.equal(redecided.body.version, 3);
  });

  it('keeps the reason of a decision sealed at rest', async () => {
    const rows = await t.app.ctx.db.selectFrom('person_distinct_pairs').selectAll().execute();
    assert.ok(rows.length >= 1);
    assert.doesNotMatch(JSON.stringify(rows), /different mothers/);
  });

  it('two opposite merges at once: one wins, the other is refused, never a cycle', async () => {
    for (let round = 0; round < 3; round++) {
      const x = await create(`raceX${round}`, { names: [name('Нурлан Сәрсенбай', 'Cyrl', 'kk')] });
      const y = await create(`raceY${round}`, { names: [name('Nurlan Sarsenbay', 'Latn', 'en')] });
      const [a, b] = await Promise.all([
        t.api('POST', `/api/v1/persons/${x.id}/merge`, { body: { into: y.id, reason: 'same man' } }),
        t.api('POST', `/api/v1/persons/${y.id}/merge`, { body: { into: x.id, reason: 'same man' } }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 422], `${a.text} | ${b.text}`);
      const [rx, ry] = [(await t.api('GET', `/api/v1/persons/${x.id}`)).body, (await t.api('GET', `/api/v1/persons/${y.id}`)).body];
      assert.ok((rx.duplicate_of === y.id) !== (ry.duplicate_of === x.id), 'exactly one is merged into the other');
    }
  });

  it('two "different people" decisions at once: both answered, one decision stored', async () => {
    const x = await create('distinctX', { names: [name('Айгерим Болат', 'Cyrl', 'kk')] });
    const y = await create('distinctY', { names: [name('Aigerim Bolat', 'Latn', 'en')] });
    const answers = await Promise.all([
      t.api('POST', `/api/v1/persons/${x.id}/not-duplicate`, { body: { other_id: y.id, reason: 'different mothers' } }),
      t.api('POST', `/api/v1/persons/${y.id}/not-duplicate`, { body: { other_id: x.id, reason: 'different birth years' } }),
    ]);
    for (const answer of answers) assert.ok(answer.status === 200 || answer.status === 201, answer.text);
    const rows = await t.app.ctx.db.selectFrom('person_distinct_pairs').selectAll().where('person_a', 'in', [x.id, y.id]).where('person_b', 'in', [x.id, y.id]).execute();
    assert.equal(rows.length, 1);
  });

  it("shows a merged record's survivor in a filtered search only if the survivor passes the filters", async () => {
    const merged = await create('filteredMerged', { names: [name('Гүлбаһрам Тохтасын', 'Cyrl', 'kk')], ethnicity: 'kazakh' });
    const survivor = await create('filteredSurvivor', { names: [name('Gulbahram Toxtasin', 'Latn', 'en')], ethnicity: 'uyghur' });
    const merge = await t.api('POST', `/api/v1/persons/${merged.id}/merge`, { body: { into: survivor.id, reason: 'same woman' } });
    assert.equal(merge.status, 200, merge.text);
    const found = async (filter: string) =>
      ((await t.api('GET', `/api/v1/search?q=${encodeURIComponent('Гүлбаһрам Тохтасын')}&in=names${filter}`)).body.items as Array<{ person: { id: string } }>).map((hit) => hit.person.id);
    assert.deepEqual(await found(''), [survivor.id]);
    assert.deepEqual(await found('&ethnicity=uyghur'), [survivor.id]);
    // The merged record passes ethnicity=kazakh, its survivor does not: neither is shown.
    assert.deepEqual(await found('&ethnicity=kazakh'), []);
    assert.deepEqual(await found('&place=nowhere-at-all'), []);
  });
});
