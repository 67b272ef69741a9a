import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ACT_TYPES, INVOLVEMENTS } from '../src/events/events.schemas.ts';
import { fromHuridocs, HURIDOCS_THESAURI, type HuridocsField } from '../src/import/huridocs.ts';
import { PERSON_CSV_COLUMNS } from '../src/import/person-csv.ts';
import { SEXES } from '../src/persons/persons.schemas.ts';
import { RELIABILITY, SOURCE_KINDS } from '../src/sources/sources.schemas.ts';
import { STATUSES } from '../src/timeline/statuses.schemas.ts';
import { vigilInProcess } from './helpers/processes.ts';
import { BACKEND, createProcessStore } from './helpers/test-app.ts';

describe('HURIDOCS micro-thesauri → Vigil vocabularies (pure)', () => {
  const cases: Array<[HuridocsField, string, string | RegExp | null]> = [
    // Types of Acts: codes as printed, padded to twelve digits as OpenEvSys stores them, and labels in any case.
    ['act_type', '030101', 'arrest'],
    ['act_type', '030101000000', 'arrest'],
    ['act_type', '030102', 'detention'],
    ['act_type', '030103', 'disappearance'],
    ['act_type', 'Abduction; kidnapping', 'abduction'],
    ['act_type', '030105', 'house_arrest'],
    ['act_type', '  house   ARREST ', 'house_arrest'],
    ['act_type', '02010301', 'threat'],
    ['act_type', '02010302', 'threat'],
    ['act_type', '02010303', 'surveillance'],
    ['act_type', '020103', 'harassment'],
    ['act_type', '02011111', 'torture'],
    ['act_type', '01010601', 'death_in_custody'],
    ['act_type', '050106', 'travel_ban'],
    ['act_type', '02011101', /HURIDOCS code 02011101 "Rape" in Types of Acts has no Vigil equivalent/],
    ['act_type', '030108000000', /HURIDOCS code 030108 "Curfew"/],
    ['act_type', '99', null],
    ['act_type', 'kidnap', null],
    // Status at the End of the Act.
    ['status', '0101', 'deceased'],
    ['status', '0202', 'detained'],
    ['status', 'Arrested and currently held', 'detained'],
    ['status', '020101', 'released_restricted'],
    ['status', '020104', 'at_liberty'],
    ['status', 'disappeared', 'disappeared'],
    ['status', '0102', /HURIDOCS code 0102 "Wounded; injured" in Status at the End of the Act has no Vigil equivalent/],
    // Degree of Involvement.
    ['involvement', '0101', 'direct'],
    ['involvement', '0102', 'ordered'],
    ['involvement', '0501', 'indirect'],
    ['involvement', '0201', /no Vigil equivalent/],
    // Reliability; Sex; Source Type (labels only).
    ['reliability', '01', 'high'],
    ['reliability', '02', 'medium'],
    ['reliability', '03', 'unknown'],
    ['reliability', '05', 'low'],
    ['reliability', '04', null],
    ['sex', '01', 'male'],
    ['sex', 'Female', 'female'],
    ['sex', '03', null],
    ['source_kind', 'Testimony', 'testimony'],
    ['source_kind', 'press article', 'media_article'],
    ['source_kind', '01', null],
  ];
  for (const [field, given, expected] of cases) {
    it(`${field} ${JSON.stringify(given)} → ${expected instanceof RegExp ? 'no equivalent' : String(expected)}`, () => {
      const found = fromHuridocs(field, given);
      if (expected === null) assert.equal(found, null);
      else if (expected instanceof RegExp) assert.match(found && 'error' in found ? found.error : '', expected);
      else assert.deepEqual(found, { value: expected });
    });
  }

  it("every mapped term names one of Vigil's values, and no code appears twice in a thesaurus", () => {
    const vigil: Record<HuridocsField, readonly string[]> = { act_type: ACT_TYPES, status: STATUSES, involvement: INVOLVEMENTS, reliability: RELIABILITY, sex: SEXES, source_kind: SOURCE_KINDS };
    for (const [field, thesaurus] of Object.entries(HURIDOCS_THESAURI) as Array<[HuridocsField, (typeof HURIDOCS_THESAURI)[HuridocsField]]>) {
      for (const term of thesaurus.terms) if (term.vigil !== null) assert.ok(vigil[field].includes(term.vigil), `${field} ${term.label} → ${term.vigil}`);
      const codes = thesaurus.terms.flatMap((term) => (term.code ? [term.code] : []));
      assert.equal(new Set(codes).size, codes.length, field);
      for (const code of codes) assert.match(code, /^(\d\d){1,6}$/);
    }
  });
});

describe(`import of HURIDOCS-coded rows (${BACKEND})`, () => {
  const stores: Array<Awaited<ReturnType<typeof createProcessStore>>> = [];
  after(async () => {
    for (const store of stores) await store.drop();
  });
  const row = (values: Partial<Record<(typeof PERSON_CSV_COLUMNS)[number], string>>) =>
    PERSON_CSV_COLUMNS.map((column) => {
      const value = values[column] ?? '';
      return /[",\n;]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
    }).join(',');

  it('CSV and JSON accept HURIDOCS codes and labels in the vocabulary columns; a term without a Vigil equivalent is a bad row', async () => {
    const store = await createProcessStore('huridocs');
    stores.push(store);
    const csv = join(store.dataDir, 'huridocs.csv');
    writeFileSync(
      csv,
      [
        PERSON_CSV_COLUMNS.join(','),
        row({ external_id: 'h-1', names: 'Latn:en:primary:Aigul Serik', sex: '02', status: '0202', status_date: '2020-05' }),
        row({ external_id: 'h-2', names: 'Latn:en:primary:Berik Nur', sex: 'Male', status: 'Arrested and released - undergoing trial', status_date: '2021' }),
        row({ external_id: 'h-3', names: 'Latn:en:primary:Wounded Person', sex: 'female', status: '0102', status_date: '2021' }),
      ].join('\n'),
    );
    const refused = await vigilInProcess(['import', csv, ...store.storeArgs]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^line 4: status: unknown value "0102" \(HURIDOCS code 0102 "Wounded; injured" in Status at the End of the Act has no Vigil equivalent\)$/m);
    assert.match(refused.stderr, /1 bad row; nothing written/);
    const written = await vigilInProcess(['import', csv, '--skip-bad', ...store.storeArgs]);
    assert.match(written.stdout, /imported 3 rows: 2 new, 0 already in the store, 1 bad/);

    // A JSON export whose event uses HURIDOCS codes for the act type, its status at the end and the perpetrator's involvement.
    const out = join(store.dataDir, 'export.json');
    assert.equal((await vigilInProcess(['export', '--out', out, ...store.storeArgs])).status, 0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    const byName = (name: string) => exported.persons.find((p: { names: Array<{ text: string }> }) => p.names[0]!.text === name);
    assert.equal(byName('Aigul Serik').sex, 'female');
    assert.equal(byName('Aigul Serik').current_status.status, 'detained');
    assert.equal(byName('Berik Nur').sex, 'male');
    assert.equal(byName('Berik Nur').current_status.status, 'released_restricted');

    const victim = byName('Aigul Serik').id;
    const actor = '01a00000-0000-7000-8000-0000000000a1';
    const source = '01a00000-0000-7000-8000-0000000000b1';
    const event = '01a00000-0000-7000-8000-0000000000c1';
    const file = join(store.dataDir, 'huridocs.json');
    writeFileSync(
      file,
      [
        // The layout vigil export writes: one record a line, each list's closing bracket on its last record's line.
        '{"format":"vigil-export","version":1,"exported_at":"2026-11-29T00:00:00.000Z",',
        '"persons":[],',
        '"sources":[',
        `${JSON.stringify({ id: source, kind: 'Testimony', title: 'Her brother', reliability: '02', person_id: victim })}],`,
        '"actors":[',
        `${JSON.stringify({ id: actor, name: 'County police', names: [], type: 'police' })}],`,
        '"events":[',
        `${JSON.stringify({ id: event, title: 'Taken', person_id: victim, acts: [{ type: '030101000000', victim_id: victim, status_at_end: '0202', perpetrators: [{ actor_id: actor, involvement: '0102' }] }] })}]}`,
      ].join('\n'),
    );
    const imported = await vigilInProcess(['import', file, ...store.storeArgs]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /imported 3 rows: 3 new/);
    const again = join(store.dataDir, 'again.json');
    assert.equal((await vigilInProcess(['export', '--out', again, ...store.storeArgs])).status, 0);
    const after = JSON.parse(readFileSync(again, 'utf8'));
    assert.deepEqual([after.sources[0].kind, after.sources[0].reliability], ['testimony', 'medium']);
    const act = after.events[0].acts[0];
    assert.deepEqual([act.type, act.status_at_end, act.perpetrators[0].involvement], ['arrest', 'detained', 'ordered']);
  });
});
