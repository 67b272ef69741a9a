import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.ts';
import { createToken } from '../src/auth/tokens.service.ts';
import { readConfig } from '../src/config.ts';
import { BACKEND, personInput, createProcessStore } from './helpers/test-app.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');

describe(`vigil CLI (${BACKEND})`, () => {
  let store: Awaited<ReturnType<typeof createProcessStore>>;
  let dataDir: string;
  let storeArgs: string[];

  before(async () => {
    store = await createProcessStore('cli');
    ({ dataDir, storeArgs } = store);
  });

  after(async () => {
    await store.drop();
  });

  function vigil(args: string[], env: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '', ...env },
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('migrates, then says the schema is up to date', () => {
    const first = vigil(['migrate', ...storeArgs]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied: 2026-11-29T0400-case-file/);
    const second = vigil(['migrate', ...storeArgs]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /up to date/);
  });

  it('prints only the new token, which then works against the API', async () => {
    const res = vigil(['token', 'create', '--role', 'researcher', '--name', 'Aigerim', ...storeArgs]);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^vgl_[A-Za-z0-9_-]{43}\n$/);
    assert.equal(res.stderr, '');
    const token = res.stdout.trim();
    const app = await createApp({ ...readConfig({ data: dataDir, db: store.dbUrl, port: 0 }, {}), logger: false });
    try {
      const url = await app.start();
      const created = await fetch(`${url}/api/v1/persons`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(personInput({ occupation: 'herder' })),
      });
      assert.equal(created.status, 201);
      const source = await fetch(`${url}/api/v1/sources`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'voice_recording', title: 'Voice message from her sister', person_id: (await created.json()).id }),
      });
      assert.equal(source.status, 201);
    } finally {
      await app.stop();
    }
  });

  it('fails with one line and a non-zero status on bad input', () => {
    const cases: Array<[string[], RegExp]> = [
      [['token', 'create', '--role', 'superuser', ...storeArgs], /unknown role "superuser"/],
      [['token', 'create', ...storeArgs], /required option '--role/],
      [['export', '--format', 'xml', ...storeArgs], /unsupported export format "xml"/],
      [['serve', '--port', 'eighty', '--data', dataDir], /port must be a number/],
      [['migrate', '--db', 'mysql://root@localhost/x'], /--db takes a postgres:\/\/ URL/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const res = vigil(args);
      assert.notEqual(res.status, 0, args.join(' '));
      assert.match(res.stderr, message, args.join(' '));
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    }
  });

  it('exports every case file as JSON to a file, secrets opened, and audits each export', async () => {
    // More of a case file first, through the API: a relative with secret contact details, an intervention.
    const app = await createApp({ ...readConfig({ data: dataDir, db: store.dbUrl, port: 0 }, {}), logger: false });
    try {
      const url = await app.start();
      const { token } = await createToken(app.ctx.db, app.ctx.clock, { role: 'researcher', name: 'export test' });
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.equal(res.status, 201, await res.clone().text());
        return (await res.json()) as { id: string };
      };
      const victim = await post('/api/v1/persons', personInput({ national_id: 'SECRET-ID-650101', notes: 'Secret note: ask the cousin first.' }));
      const sister = await post('/api/v1/persons', personInput({ case_id: victim.id }));
      await post('/api/v1/relations', { from_person_id: victim.id, to_person_id: sister.id, relation: 'sister', trusted_contact: true, contact: { phone: '+86 139 0000 4127' } });
      await post('/api/v1/interventions', { person_id: victim.id, type: 'wgeid_urgent', note: 'Draft built from the case file', response: 'Acknowledged' });
      await post('/api/v1/sources', { kind: 'testimony', title: 'Call with the sister', person_id: victim.id, confidential: true, confidential_identity: 'Gulnaz, from a neighbour’s phone' });
    } finally {
      await app.stop();
    }

    const out = join(dataDir, 'export.json');
    const res = vigil(['export', '--format', 'json', '--out', out, ...storeArgs]);
    assert.equal(res.status, 0, res.stderr);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(exported.format, 'vigil-export');
    assert.equal(exported.persons.length, 3, 'every case, whoever its members are');
    assert.equal(exported.persons[0].occupation, 'herder');
    assert.equal(exported.persons[0].names[0].text, 'Жанаргүл Жұматай');
    assert.equal(exported.persons[1].national_id, 'SECRET-ID-650101');
    assert.equal(exported.persons[1].notes, 'Secret note: ask the cousin first.');
    assert.equal(exported.persons[2].case_id, exported.persons[1].id);
    assert.equal(exported.sources.length, 2);
    assert.equal(exported.sources[0].title, 'Voice message from her sister');
    assert.equal(exported.sources[1].confidential_identity, 'Gulnaz, from a neighbour’s phone');
    assert.equal(exported.relations.length, 1);
    assert.deepEqual(exported.relations[0].contact, { phone: '+86 139 0000 4127' });
    assert.equal(exported.relations[0].case_id, exported.persons[1].id);
    assert.equal(exported.interventions.length, 1);
    assert.deepEqual([exported.interventions[0].note, exported.interventions[0].response], ['Draft built from the case file', 'Acknowledged']);
    for (const collection of ['actors', 'events']) assert.deepEqual(exported[collection], []);
    const toStdout = vigil(['export', ...storeArgs]);
    assert.equal(toStdout.status, 0, toStdout.stderr);
    assert.deepEqual(JSON.parse(toStdout.stdout).persons, exported.persons);

    const check = await createApp({ ...readConfig({ data: dataDir, db: store.dbUrl, port: 0 }, {}), logger: false });
    try {
      const entries = await check.ctx.db.selectFrom('audit_entries').select(['actor', 'detail']).where('action', '=', 'export.create').orderBy('seq').execute();
      assert.equal(entries.length, 2, 'one entry per export');
      for (const entry of entries) {
        assert.equal(entry.actor, 'system:cli');
        assert.deepEqual(JSON.parse(entry.detail!), { format: 'json', complete: true, persons: 3, sources: 2, actors: 0, events: 0, relations: 1, interventions: 1 });
      }
      // Reading the secrets for the export is the operator's, at the server: no per-record read entries.
      const reads = await check.ctx.db.selectFrom('audit_entries').select('action').where('action', 'like', '%.read_secret').execute();
      assert.deepEqual(reads, []);
    } finally {
      await check.stop();
    }
  });
});
