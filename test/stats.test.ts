import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderBarChart } from '../src/stats/bar-chart.ts';
import { regionOf } from '../src/stats/regions.ts';
import { countPersonGroups } from '../src/stats/stats.repository.ts';
import { csvCell, dashboardStatistics, publicStatistics, statisticsCsv, summarise, type Statistics } from '../src/stats/stats.service.ts';
import { systemPrincipal } from '../src/auth/roles.ts';
import { authenticate } from '../src/auth/tokens.service.ts';
import { BACKEND, personInput, startTestApp, type TestApp } from './helpers/test-app.ts';
import { prepareSessions, session, webClient } from './helpers/web-client.ts';

const counts = (list: Array<{ key: string; count: number }>) => Object.fromEntries(list.map(({ key, count }) => [key, count]));

describe('statistics rules (pure)', () => {
  it('finds the region named in a hometown, in any script, else unknown', () => {
    const cases: Array<[string | null, string]> = [
      ['Toli county (托里县), Tacheng prefecture, Xinjiang', 'xj-tacheng'],
      ['A herding village in Nilka county', 'xj-ili'],
      ['Ghulja', 'xj-ili'],
      ['Ürümqi', 'xj-urumqi'],
      ['URUMQI', 'xj-urumqi'],
      ['Үрімжі', 'xj-urumqi'],
      ['Chöchek', 'xj-tacheng'],
      ['Korla', 'xj-bayingolin'],
      ['喀什地区莎车县', 'xj-kashgar'],
      ['قەشقەر', 'xj-kashgar'],
      ['Shihezi', 'xj-changji'],
      ['Almaty city', 'kz-almaty-city'],
      ['Talgar, Almaty region', 'kz-almaty'],
      ['Алматы облысы, Талгар', 'kz-almaty'],
      ['Жаркент', 'kz-zhetisu'],
      ['Semey', 'kz-abai'],
      ['Kashgar, later Hotan', 'xj-kashgar'],
      // A place name inside another word is no match.
      ['Familia', 'unknown'],
      ['Bishkek', 'unknown'],
      ['<script>alert(1)</script>', 'unknown'],
      ['', 'unknown'],
      [null, 'unknown'],
    ];
    for (const [hometown, region] of cases) assert.equal(regionOf(hometown), region, String(hometown));
  });

  it('sums the groups per dimension, missing values as unknown, largest first and years in order', () => {
    const stats = summarise([
      { status: 'detained', ethnicity: 'uyghur', hometown: 'Kashgar', year: 2018, count: 3 },
      { status: 'camp', ethnicity: 'kazakh', hometown: 'Ghulja', year: 2017, count: 2 },
      { status: null, ethnicity: null, hometown: 'Gulja', year: null, count: 1 },
      { status: 'detained', ethnicity: '', hometown: null, year: 2017, count: 4 },
    ]);
    assert.equal(stats.total, 10);
    assert.deepEqual(stats.by_status, [{ key: 'detained', count: 7 }, { key: 'camp', count: 2 }, { key: 'none', count: 1 }]);
    assert.deepEqual(stats.by_ethnicity, [{ key: 'uyghur', count: 3 }, { key: 'kazakh', count: 2 }, { key: 'unknown', count: 5 }]);
    assert.deepEqual(stats.by_region, [{ key: 'xj-ili', count: 3 }, { key: 'xj-kashgar', count: 3 }, { key: 'unknown', count: 4 }]);
    assert.deepEqual(stats.by_year, [{ key: '2017', count: 6 }, { key: '2018', count: 3 }, { key: 'unknown', count: 1 }]);
  });

  it('writes CSV that a spreadsheet reads as text', () => {
    for (const [value, cell] of [
      ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
      ['+1', "'+1"],
      ['-1', "'-1"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tx', "'\tx"],
      ['\rx', `"'\rx"`],
      ['a,b', '"a,b"'],
      ['kazakh', 'kazakh'],
      [12, '12'],
    ] as const) {
      assert.equal(csvCell(value), cell, JSON.stringify(value));
    }
    const stats: Statistics = { by_status: [{ key: 'camp', count: 2 }], by_ethnicity: [{ key: '=1+1', count: 2 }], by_region: [], by_year: [{ key: '2018', count: 2 }], total: 2 };
    assert.equal(statisticsCsv(stats), "dimension,key,count\r\nstatus,camp,2\r\nethnicity,'=1+1,2\r\nyear,2018,2\r\n");
  });

  it('draws a bar chart with a title and escapes every label', () => {
    const svg = renderBarChart([{ label: '<script>alert("x")</script>', value: 4 }, { label: 'B & C', value: 0 }], { title: 'Persons <by> status' });
    assert.match(svg, /^<svg [^>]*role="img"[^>]*><title>Persons &lt;by&gt; status<\/title>/);
    assert.ok(!svg.includes('<script>'));
    assert.match(svg, /&lt;script&gt;alert\(&quot;x&quot;\)/);
    assert.match(svg, /B &amp; C/);
    assert.equal([...svg.matchAll(/<rect /g)].length, 2);
    assert.match(svg, /width="0" height="16"/, 'a zero is drawn as no bar');
  });
});

/** The API, the CSV and the page over real HTTP, counted within the reader's cases. */
describe(`statistics over HTTP (${BACKEND})`, () => {
  let t: TestApp;
  let web: ReturnType<typeof webClient>;
  const ids: Record<string, string> = {};

  const create = async (key: string, fields: Record<string, unknown>, statuses: Array<[string, string]> = [], token = t.tokens.researcher) => {
    const person = await t.api('POST', '/api/v1/persons', { body: personInput(fields), token });
    assert.equal(person.status, 201, person.text);
    ids[key] = person.body.id;
    for (const [status, date] of statuses) {
      const entry = await t.api('POST', `/api/v1/persons/${person.body.id}/statuses`, { body: { status, date }, token });
      assert.equal(entry.status, 201, entry.text);
    }
  };
  const stats = async (token: string = t.tokens.researcher) => {
    const response = await t.api('GET', '/api/v1/stats', { token });
    assert.equal(response.status, 200, response.text);
    return response.body as Statistics;
  };

  before(async () => {
    t = await startTestApp();
    await prepareSessions(t);
    web = webClient(t);
    await create('a', { ethnicity: 'kazakh', hometown: 'A village in Toli county (托里县), Tacheng prefecture' }, [['summoned', '2017-03'], ['detained', '2018-04-02'], ['camp', '2018-09']]);
    await create('b', { ethnicity: 'uyghur', hometown: 'Kashgar <script>alert(1)</script>' }, [['harassed', '2016'], ['disappeared', '2019~']]);
    await create('c', { ethnicity: 'kazakh', hometown: 'Almaty' });
    await create('d', { ethnicity: 'uyghur', hometown: '<script>alert(2)</script>' }, [['detained', '2020-05'], ['at_liberty', '2021']]);
    await create('retracted', { ethnicity: 'hui', hometown: 'Hotan' }, [['detained', '2015']]);
    assert.equal((await t.api('POST', `/api/v1/persons/${ids.retracted}/retract`, { body: { reason: 'entered by mistake' } })).status, 200);
    await create('merged', { ethnicity: 'kyrgyz', hometown: 'Aksu' }, [['imprisoned', '2014']]);
    const merged = await t.api('POST', `/api/v1/persons/${ids.merged}/merge`, { body: { into: ids.a, reason: 'same person' } });
    assert.equal(merged.status, 200, merged.text);
    await create('theirs', { ethnicity: 'hui', hometown: 'Hotan' }, [['imprisoned', '2017-06']], t.tokens.coordinator);
  });
  after(() => t?.stop());

  it('counts exactly the readable persons by status, ethnicity, region and year; retracted and merged ones not at all', async () => {
    const before = await stats();
    assert.equal(before.total, 4);
    assert.deepEqual(counts(before.by_status), { camp: 1, disappeared: 1, at_liberty: 1, none: 1 });
    assert.deepEqual(counts(before.by_ethnicity), { kazakh: 2, uyghur: 2 });
    assert.deepEqual(counts(before.by_region), { 'xj-tacheng': 1, 'xj-kashgar': 1, 'kz-almaty-city': 1, unknown: 1 });
    assert.deepEqual(before.by_year, [{ key: '2018', count: 1 }, { key: '2019', count: 1 }, { key: '2020', count: 1 }, { key: 'unknown', count: 1 }]);
  });

  it('keeps the year of detention right as the timeline changes', async () => {
    const timeline = await t.api('GET', `/api/v1/persons/${ids.d}/statuses`);
    const detained = (timeline.body.items ?? timeline.body).find((entry: { status: string }) => entry.status === 'detained');
    const retracted = await t.api('POST', `/api/v1/persons/${ids.d}/statuses/${detained.id}/retract`, { body: { reason: 'wrong person' } });
    assert.equal(retracted.status, 200, retracted.text);
    assert.deepEqual(counts((await stats()).by_year), { '2018': 1, '2019': 1, unknown: 2 });
    // An earlier detention of the same person moves her year back.
    assert.equal((await t.api('POST', `/api/v1/persons/${ids.a}/statuses`, { body: { status: 'house_arrest', date: '2016-11' } })).status, 201);
    const after = await stats();
    assert.deepEqual(counts(after.by_year), { '2016': 1, '2019': 1, unknown: 2 });
    assert.deepEqual(counts(after.by_status), { camp: 1, disappeared: 1, at_liberty: 1, none: 1 }, 'an older entry leaves the current status');
  });

  it('counts only the cases the reader may read: a viewer one case, a non-member nothing', async () => {
    await t.addMember(ids.c!, 'viewer', { caseRole: 'viewer' });
    const viewer = await stats(t.tokens.viewer);
    assert.equal(viewer.total, 1);
    assert.deepEqual(counts(viewer.by_region), { 'kz-almaty-city': 1 });
    const coordinator = await stats(t.tokens.coordinator);
    assert.equal(coordinator.total, 1, "the other case's coordinator sees her own case only");
    assert.deepEqual(counts(coordinator.by_year), { '2017': 1 });
    assert.deepEqual(await stats(t.tokens.admin), { by_status: [], by_ethnicity: [], by_region: [], by_year: [], total: 0 }, 'an admin is no member by role');
    assert.equal((await t.api('GET', '/api/v1/stats', { token: null })).status, 401);
  });

  it('counts the same whichever plan reads the cases of a member (few cases, or so many that the whole index is read)', async () => {
    const scope = { all: false as const, userId: t.users.researcher.id, now: new Date().toISOString() };
    const few = await countPersonGroups(t.app.ctx.db, t.app.ctx.dialect, { scope });
    const dense = await countPersonGroups(t.app.ctx.db, t.app.ctx.dialect, { scope: { ...scope, dense: true } });
    const key = (g: { status: unknown; ethnicity: unknown; hometown: unknown; year: unknown }) => JSON.stringify([g.status, g.ethnicity, g.hometown, g.year]);
    const sorted = (groups: typeof few) => [...groups].sort((a, b) => key(a).localeCompare(key(b)));
    assert.equal(few.reduce((sum, g) => sum + g.count, 0), 4);
    assert.deepEqual(sorted(dense), sorted(few));
    const everything = await countPersonGroups(t.app.ctx.db, t.app.ctx.dialect, { scope: { all: true } });
    assert.equal(everything.reduce((sum, g) => sum + g.count, 0), 5, 'the operator: every case, still no retracted or merged person');
  });

  it('downloads the numbers as spreadsheet-safe CSV', async () => {
    // Ethnicity is checked on input; a value from elsewhere (an old import) must still be harmless.
    await t.app.ctx.db.updateTable('persons').set({ ethnicity: '=1+2<script>' }).where('id', '=', ids.c!).execute();
    for (const path of ['/api/v1/stats.csv', '/api/v1/stats?format=csv']) {
      const response = await t.api('GET', path);
      assert.equal(response.status, 200, response.text);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="vigil-statistics\.csv"$/);
      const lines = response.text.split('\r\n');
      assert.equal(lines[0], 'dimension,key,count');
      assert.ok(lines.includes("ethnicity,'=1+2<script>,1"), response.text);
      assert.ok(lines.includes('status,camp,1') && lines.includes('region,xj-tacheng,1') && lines.includes('year,2019,1'), response.text);
      assert.ok(!lines.some((line) => /^[^,]*,[=+\-@]/.test(line)), 'no cell starts like a formula');
    }
    const web = await webClient(t).get('/stats.csv', session(t));
    assert.equal(web.status, 200);
    assert.match(web.html, /^dimension,key,count\r\n/);
  });

  it('renders /stats without script: a chart with a title and a table per dimension, every label escaped', async () => {
    const page = await web.get('/stats');
    assert.equal(page.status, 200);
    assert.equal([...page.html.matchAll(/<svg [^>]*class="bar-chart"[^>]*role="img"[^>]*><title>/g)].length, 4);
    assert.equal([...page.html.matchAll(/<table class="table stats-table">/g)].length, 4);
    assert.match(page.html, /<a class="btn" href="\/stats.csv" download>Download CSV<\/a>/);
    assert.match(page.html, /<th scope="row"><bdi>in a camp<\/bdi><\/th><td class="num">1<\/td>/);
    assert.match(page.html, /<bdi>Tacheng<\/bdi>/);
    assert.ok(!page.html.includes('<script>'), 'a hostile value is never markup');
    assert.ok(page.html.includes('=1+2&lt;script&gt;'));
    assert.ok(!page.html.includes('alert('), 'hometowns are counted by region, never shown');
    const russian = await web.get('/stats?lang=ru');
    assert.match(russian.html, /Люди по текущему статусу/);
    const dashboard = await web.get('/');
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.html, /id="statistics"/);
    assert.equal([...dashboard.html.matchAll(/class="bar-chart"/g)].length, 2);
    assert.ok(!dashboard.html.includes('<script>'));
    const outsider = await web.get('/stats', session(t, 'admin'));
    assert.match(outsider.html, /No persons to count\./);
    assert.equal((await web.get('/stats', null)).status, 303);
  });

  it('counts only published persons for the public register, and no region whose consent hides the location', async () => {
    assert.equal((await publicStatistics(t.app.ctx)).total, 0);
    const publish = (id: string, consent: object) =>
      t.app.ctx.db.updateTable('persons').set({ published: 1, consent: JSON.stringify(consent) }).where('id', '=', id).execute();
    await publish(ids.a!, { publicity: 'named', location: 'region' });
    await publish(ids.b!, { publicity: 'anonymous', location: 'hidden' });
    await publish(ids.retracted!, { publicity: 'named', location: 'exact' });
    await publish(ids.theirs!, { publicity: 'named', location: 'exact' });
    const stats = await publicStatistics(t.app.ctx);
    assert.equal(stats.total, 3, 'published in any case, never a retracted one');
    assert.deepEqual(counts(stats.by_region), { 'xj-tacheng': 1, 'xj-hotan': 1, unknown: 1 });
    assert.deepEqual(counts(stats.by_status), { camp: 1, disappeared: 1, imprisoned: 1 });
  });

  it('leaves the counts off the dashboard where they would cost a pass over every person (the operator)', async () => {
    assert.equal(await dashboardStatistics(t.app.ctx, systemPrincipal('test')), null);
    const own = await dashboardStatistics(t.app.ctx, (await authenticate(t.app.ctx.db, t.app.ctx.clock, t.tokens.researcher))!);
    assert.ok(own && own.total > 0);
  });

  it('is in the OpenAPI document', async () => {
    const paths = (await t.api('GET', '/api/v1/openapi.json', { token: null })).body.paths;
    assert.ok(paths['/api/v1/stats']?.get && paths['/api/v1/stats.csv']?.get);
    assert.deepEqual(Object.keys(paths['/api/v1/stats'].get.responses['200'].content['application/json'].schema.properties), ['by_status', 'by_ethnicity', 'by_region', 'by_year', 'total']);
  });

  it('answers bad parameters with a 400', async () => {
    for (const path of ['/api/v1/stats?format=xml', '/api/v1/stats?status=camp', '/api/v1/stats?format=csv&format=json', '/api/v1/stats.csv?x=1']) {
      const response = await t.api('GET', path);
      assert.equal(response.status, 400, `${path}: ${response.text}`);
      assert.equal(typeof response.body.error.message, 'string');
    }
    assert.equal((await web.get('/stats?x=%3Cscript%3E')).status, 400);
    assert.ok(!(await web.get('/stats?x=%3Cscript%3E')).html.includes('<script>'));
  });
});
