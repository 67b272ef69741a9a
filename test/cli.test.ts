import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.ts';
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

  it('exports every case file as JSON to a file', () => {
    const out = join(dataDir, 'export.json');
    const res = vigil(['export', '--format', 'json', '--out', out, ...storeArgs]);
    assert.equal(res.status, 0, res.stderr);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(exported.format, 'vigil-export');
    assert.equal(exported.persons.length, 1);
    assert.equal(exported.persons[0].occupation, 'herder');
    assert.equal(exported.persons[0].names[0].text, 'Жанаргүл Жұматай');
    assert.equal(exported.sources.length, 1);
    assert.equal(exported.sources[0].title, 'Voice message from her sister');
    for (const collection of ['actors', 'events', 'relations', 'interventions']) assert.deepEqual(exported[collection], []);
    const toStdout = vigil(['export', ...storeArgs]);
    assert.equal(toStdout.status, 0, toStdout.stderr);
    assert.deepEqual(JSON.parse(toStdout.stdout).persons, exported.persons);
  });
});
