import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError } from '../src/lib/errors.ts';
import { applyFilters, foldPlace, readSearchFilters } from '../src/search/search-filters.ts';
import type { Person } from '../src/persons/persons.types.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';

const name = (text: string, script: string, lang: string | null, kind = 'primary') => ({ text, script, lang, kind });

describe('search filters (pure)', () => {
  it('folds place names: case, diacritics, width, invisible characters, spacing', () => {
    const cases: Array<[string, string]> = [
      ['Ürümqi', 'urumqi'],
      ['ÜRÜMQİ', 'urumqi'],
      ['Ａｌｍａｔｙ', 'almaty'],
      ['Alm\u200daty', 'almaty'],
      ['  Shymkent \t city ', 'shymkent city'],
      ['Алматы', 'алматы'],
      ['ЙОШКАР-ОЛА', 'иошкар-ола'],
      ['Ғұлжа', 'ғұлжа'],
      ['غۇلجا', 'غۇلجا'],
      ['伊宁', '伊宁'],
    ];
    for (const [input, folded] of cases) assert.equal(foldPlace(input), folded, input);
  });

  it('reads date ranges as days, treats empty values as no filter, and refuses bad ones with a field', () => {
    assert.deepEqual(readSearchFilters({}), { place: null, from: null, to: null });
    assert.deepEqual(readSearchFilters({ place: ' \u200b ', from: '', to: '  ' }), { place: null, from: null, to: null });
    assert.deepEqual(readSearchFilters({ from: '2018', to: '2019-02' }), { place: null, from: '2018-01-01', to: '2019-02-28' });
    assert.deepEqual(readSearchFilters({ from: '2020-02-29', to: '2020-02-29' }), { place: null, from: '2020-02-29', to: '2020-02-29' });
    const refused: Array<[Record<string, string>, string]> = [
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2018-13-45' }, 'to'],
      [{ from: '2019-02-30' }, 'from'],
      [{ from: '2020', to: '2019' }, 'to'],
      [{ place: 'x'.repeat(201) }, 'place'],
      [{ to: "' OR 1=1 --" }, 'to'],
    ];
    for (const [input, field] of refused) {
      assert.throws(
        () => readSearchFilters(input),
        (error: unknown) => error instanceof InvalidInputError && typeof error.fields[field] === 'string',
        JSON.stringify(input),
      );
    }
  });

  it('matches a status whose days overlap the range; no status never matches a date filter', () => {
    const person = (date: string | null, earliest = date ?? '') =>
      ({ hometown: null, residence: null, current_status: date === null ? null : { date, date_earliest: earliest } }) as unknown as Person;
    const month = person('2018-03', '2018-03-01');
    const approx = person('2019~', '2019-01-01');
    const none = person(null);
    const open = person('2017/..', '2017-01-01');
    const all = [month, approx, none, open];
    const kept = (from?: string, to?: string) => applyFilters(all, readSearchFilters({ from, to }));
    assert.deepEqual(kept(), all);
    assert.deepEqual(kept('2018-03-15', '2018-03-20'), [month, open]);
    assert.deepEqual(kept('2018-04'), [approx, open]);
    assert.deepEqual(kept(undefined, '2016'), []);
    assert.deepEqual(kept(undefined, '2018-02'), [open]);
  });
});

describe(`search filters place and date range (${BACKEND})`, () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  type Item = { person: { id: string; hometown?: string; residence?: string } };
  const found = async (params: string, token: string = t.tokens.researcher): Promise<string[]> => {
    const response = await t.api('GET', `/api/v1/search?q=Zhumatai&${params}`, { token });
    assert.equal(response.status, 200, `${params}: ${response.text}`);
    return (response.body.items as Item[]).map((item) => Object.keys(ids).find((key) => ids[key] === item.person.id) ?? item.person.id).sort();
  };
  const refused = async (params: string) => {
    const response = await t.api('GET', `/api/v1/search?q=Zhumatai&${params}`);
    assert.equal(response.status, 400, `${params}: ${response.status} ${response.text}`);
    return response.body.error as { message: string; fields?: Record<string, string> };
  };

  before(async () => {
    t = await startTestApp();
    const create = async (key: string, names: ReturnType<typeof name>[], extra: Record<string, unknown>, statuses: Array<[string, string]>, token = t.tokens.researcher) => {
      const response = await t.api('POST', '/api/v1/persons', { body: personInput({ names, ...extra }), token });
      assert.equal(response.status, 201, response.text);
      ids[key] = response.body.id;
      for (const [status, date] of statuses) {
        const added = await t.api('POST', `/api/v1/persons/${ids[key]}/statuses`, { body: { status, date }, token });
        assert.equal(added.status, 201, added.text);
      }
    };
    await create('urumqi', [name('Жанаргүл Жұматай', 'Cyrl', 'kk')], { hometown: 'Ürümqi', residence: null }, [['detained', '2018-03']]);
    await create('almaty', [name('Aigul Zhumatai', 'Latn', 'en')], { hometown: 'Ghulja', residence: 'Almaty, Kazakhstan' }, [
      ['detained', '2017-05-02'],
      ['camp', '2019~'],
    ]);
    await create('nowhere', [name('Берік Жұматай', 'Cyrl', 'kk')], { hometown: null, residence: null }, []);
    // Another case, the researcher is no member of it.
    await create('hidden', [name('Asel Zhumatai', 'Latn', 'en')], { hometown: 'Ürümqi' }, [['detained', '2018-03']], t.tokens.coordinator);
  });
  after(() => t?.stop());

  it('place matches hometown or residence, any part, case, diacritics and width ignored', async () => {
    assert.deepEqual(await found(''), ['almaty', 'nowhere', 'urumqi']);
    assert.deepEqual(await found('place=urumqi'), ['urumqi']);
    assert.deepEqual(await found(`place=${encodeURIComponent('ÜRÜMQI')}`), ['urumqi']);
    assert.deepEqual(await found('place=ghul'), ['almaty'], 'hometown');
    assert.deepEqual(await found('place=kazakhstan'), ['almaty'], 'residence');
    assert.deepEqual(await found(`place=${encodeURIComponent('ＡＬＭＡＴＹ')}`), ['almaty']);
    assert.deepEqual(await found(`place=${encodeURIComponent('Alm\u200daty')}`), ['almaty']);
    assert.deepEqual(await found('place=astana'), []);
    assert.deepEqual(await found('place=%20%20'), ['almaty', 'nowhere', 'urumqi'], 'blank is no filter');
    for (const hostile of ["' OR 1=1 --", '%', '_', '%_%', '*', '\\']) assert.deepEqual(await found(`place=${encodeURIComponent(hostile)}`), [], hostile);
  });

  it('the date range applies to the date of the current status entry, and follows a new one', async () => {
    assert.deepEqual(await found('from=2019'), ['almaty'], 'the earlier detention of "almaty" is not its current status');
    assert.deepEqual(await found('to=2018-12-31'), ['urumqi']);
    assert.deepEqual(await found('from=2018-03-10&to=2018-03-11'), ['urumqi'], 'a month overlaps a day inside it');
    assert.deepEqual(await found('from=2017&to=2017'), [], 'only the current status counts');
    assert.deepEqual(await found('from=2010&to=2030'), ['almaty', 'urumqi'], 'no status, no match for a date range');
    const added = await t.api('POST', `/api/v1/persons/${ids.urumqi}/statuses`, { body: { status: 'released_restricted', date: '2021-06-01' } });
    assert.equal(added.status, 201, added.text);
    assert.deepEqual(await found('from=2021'), ['urumqi']);
    assert.deepEqual(await found('to=2018-12-31'), []);
  });

  it('combines with status, ethnicity and place, and never reaches outside the reader’s cases', async () => {
    assert.deepEqual(await found('status=camp&place=almaty'), ['almaty']);
    assert.deepEqual(await found('status=camp&place=urumqi'), []);
    assert.deepEqual(await found('ethnicity=kazakh&place=ghulja&from=2019'), ['almaty']);
    assert.ok(!(await found('place=urumqi')).includes('hidden'));
    assert.deepEqual(await found('place=urumqi', t.tokens.coordinator), ['hidden']);
    assert.deepEqual(await found('place=urumqi', t.tokens.viewer), []);
  });

  it('bad dates and oversized filters are a 400 naming the field, never a 500', async () => {
    assert.ok((await refused('from=yesterday')).fields?.from);
    assert.ok((await refused(`to=${encodeURIComponent('2018-13-45')}`)).fields?.to);
    assert.ok((await refused('from=2020&to=2019')).fields?.to);
    assert.ok((await refused(`from=${encodeURIComponent("' OR 1=1 --")}`)).fields?.from);
    assert.ok((await refused(`from=${encodeURIComponent('<script>alert(1)</script>')}`)).fields?.from);
    assert.ok((await refused(`place=${'x'.repeat(201)}`)).fields?.place);
    assert.ok((await refused(`place=${'x'.repeat(10_000)}`)).fields?.place);
    assert.ok((await refused(`from=${'1'.repeat(100)}`)).fields?.from);
    // A bad date is refused even when the name itself finds nothing to look up.
    const punctuation = await t.api('GET', '/api/v1/search?q=!!!&from=nope');
    assert.equal(punctuation.status, 400, punctuation.text);
  });
});
