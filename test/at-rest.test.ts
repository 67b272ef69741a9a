import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BACKEND, personInput, startTestApp, TEST_DB, type TestApp } from './helpers/test-app.ts';

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * DESIGN §3: a copy of the data directory or the database, without the deployment key, reveals no
 * name, contact, source identity or note. The test writes known values through the API, then
 * searches the raw bytes (and a pg_dump) for every one of them.
 */
describe(`nothing readable at rest (${BACKEND})`, () => {
  let t: TestApp;
  // Distinctive values, so a hit cannot be a coincidence.
  const secrets = {
    cyrillic: 'Жанаргүлтест Жұматайтест',
    latin: 'Zhanargultest Zhumataitest',
    arabic: 'جانارگۇلتەست',
    chinese: '加娜尔古丽测试',
    father: 'Жұматайәкесі',
    nationalId: 'KZ-880417-SECRET',
    notes: 'Notes: she hides the phone in the flour tin',
    statusNote: 'Seen by a cellmate in block seven',
    identity: 'Cousin Marat, works at the county office',
    sourceTitle: 'Testimony of the cellmate Gulbahar',
    phone: '+7 701 555 4242',
    email: 'sister.secret@example.org',
    eventDescription: 'Taken from her mother’s flat at dawn by four men',
    interventionNote: 'Lawyer Serikbayev will file on Monday',
    reason: 'Entered under the wrong case by Serikbayev',
    watchPin: '73826190',
    watchDuressPin: '90162837',
    webhookSecret: 'whsec-lantern-quarry-8812',
    escalationEmail: 'nightduty.lantern@ngo.example',
    contactNote: 'Called from the bazaar phone booth',
    directoryNote: 'Reached through the consulate clerk Zhaksylykov',
  };

  before(async () => {
    t = await startTestApp();
    const api = (method: string, path: string, body: unknown) => t.api(method, path, { body });
    const person = await api(
      'POST',
      '/api/v1/persons',
      personInput({
        names: [
          { text: secrets.cyrillic, script: 'Cyrl', lang: 'kk' },
          { text: secrets.latin, script: 'Latn', lang: 'en', kind: 'transliteration' },
          { text: secrets.arabic, script: 'Arab', lang: 'ug', kind: 'alias' },
          { text: secrets.chinese, script: 'Hans', lang: 'zh', kind: 'official_chinese' },
        ],
        father_name: secrets.father,
        national_id: secrets.nationalId,
        notes: secrets.notes,
      }),
    );
    assert.equal(person.status, 201, person.text);
    const id = person.body.id;
    const relative = await api('POST', '/api/v1/persons', personInput({ case_id: id }));
    assert.equal(relative.status, 201, relative.text);
    assert.equal((await api('POST', `/api/v1/persons/${id}/statuses`, { status: 'detained', date: '2021-02-19', note: secrets.statusNote })).status, 201);
    const source = await api('POST', '/api/v1/sources', { kind: 'testimony', title: secrets.sourceTitle, person_id: id, confidential: true, confidential_identity: secrets.identity });
    assert.equal(source.status, 201, source.text);
    const relation = await api('POST', '/api/v1/relations', { from_person_id: id, to_person_id: relative.body.id, relation: 'sister', contact: { phone: secrets.phone, email: secrets.email } });
    assert.equal(relation.status, 201, relation.text);
    const event = await api('POST', '/api/v1/events', { title: 'Detention', date: '2021-02-19', person_id: id, description: secrets.eventDescription, acts: [{ type: 'arrest', victim_id: id, perpetrators: [] }] });
    assert.equal(event.status, 201, event.text);
    assert.equal((await api('POST', '/api/v1/interventions', { person_id: id, type: 'lawyer', status: 'draft', note: secrets.interventionNote })).status, 201);
    const directoryEntry = await t.api('POST', '/api/v1/directory', { token: t.tokens.coordinator, body: { kind: 'diplomatic_mission', name: 'Consulate', note: secrets.directoryNote } });
    assert.equal(directoryEntry.status, 201, directoryEntry.text);
    assert.equal((await api('POST', `/api/v1/relations/${relation.body.id}/retract`, { reason: secrets.reason })).status, 200);
    const watch = await api('POST', '/api/v1/watches', {
      person_id: id,
      interval: 'PT24H',
      grace: 'PT1H',
      pin: secrets.watchPin,
      duress_pin: secrets.watchDuressPin,
      escalation: [{ after: 'PT0S', ack_within: 'PT30M', notify: [{ email: secrets.escalationEmail }, { webhook: 'https://hooks.ngo.example/x', secret: secrets.webhookSecret }] }],
    });
    assert.equal(watch.status, 201, watch.text);
    const contact = await api('POST', `/api/v1/watches/${watch.body.id}/contact`, { at: new Date().toISOString(), channel: 'phone_call', note: secrets.contactNote });
    assert.equal(contact.status, 201, contact.text);
    // Each value really is in the store, readable through Vigil with the key.
    const read = await t.api('GET', `/api/v1/persons/${id}`);
    assert.equal(read.body.national_id, secrets.nationalId);
  });
  after(async () => {
    await t?.stop();
  });

  function assertAbsent(haystack: Buffer, where: string): void {
    for (const [label, value] of Object.entries(secrets)) {
      for (const part of value.split(/[\s,:]+/).filter((w) => w.length >= 6)) {
        assert.equal(haystack.indexOf(Buffer.from(part, 'utf8')), -1, `${where} shows ${label} ("${part}")`);
        assert.equal(haystack.indexOf(Buffer.from(part, 'utf16le')), -1, `${where} shows ${label} in UTF-16 ("${part}")`);
      }
    }
  }

  // Each backend's test runs in its own pass of the suite (CI runs both).
  if (BACKEND === 'sqlite') it('the data directory, database file and its write-ahead log included, shows none of them', async () => {
    const files = filesUnder(t.dataDir);
    assert.ok(files.some((f) => f.endsWith('vigil.db')), 'the store is in the data directory');
    for (const file of files) {
      const bytes = readFileSync(file);
      assertAbsent(bytes, file);
      if (file.endsWith('.db')) assert.notEqual(bytes.subarray(0, 15).toString('latin1'), 'SQLite format 3', 'the database file is encrypted');
    }
  });

  else it('a pg_dump of the store, and the data directory, show none of them', async () => {
    const schema = (await t.app.ctx.db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).executeTakeFirstOrThrow()).s;
    const url = new URL(TEST_DB!);
    url.searchParams.delete('options');
    const dump = execFileSync('pg_dump', ['--no-owner', '-n', schema, url.toString()], { maxBuffer: 256 * 1024 * 1024 });
    assert.ok(dump.includes(Buffer.from('CREATE TABLE')), 'the dump holds the tables');
    assert.ok(dump.includes(Buffer.from('VG-000001')), 'the dump holds the case rows');
    assertAbsent(dump, 'pg_dump');
    for (const file of filesUnder(t.dataDir)) assertAbsent(readFileSync(file), file);
  });
});
