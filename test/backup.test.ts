import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { createApp, type App } from '../src/app.ts';
import { verifyAuditChain } from '../src/audit/audit.service.ts';
import { createToken } from '../src/auth/tokens.service.ts';
import { orderByDependencies } from '../src/backup/backup-body.ts';
import {
  backupStreamKeys,
  CHUNK_BYTES,
  createBackupDecryptor,
  createBackupEncryptor,
  DamagedBackupError,
  FLAG_GZIP,
  parseBackupHeader,
  WrongBackupKeyError,
} from '../src/backup/backup-cipher.ts';
import { listColumns, listDataTables, readSmallTable } from '../src/backup/backup.repository.ts';
import { createBackup, restoreBackup, RestoreTargetError, type BackupOptions } from '../src/backup/backup.service.ts';
import { readConfig } from '../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { generateSyntheticStore } from '../src/demo/synthetic.ts';
import { readKeyFile } from '../src/keys/deployment-key.ts';
import { sealContext } from '../src/keys/field-cipher.ts';
import { openStore, openStoreWithKey, type StoreConfig } from '../src/store.ts';
import { BACKEND, personInput, TEST_DB } from './helpers/test-app.ts';

/**
 * Backups through real stores: SQLite always; with VIGIL_TEST_DB, PostgreSQL too, and every
 * direction between the two. Stores are filled through the HTTP API of a running Vigil.
 */

type Backend = 'sqlite' | 'postgres';
const BACKENDS: Backend[] = TEST_DB ? ['sqlite', 'postgres'] : ['sqlite'];
const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');

/** Every table of the schema (checked against schema.ts at compile time, against the database below). */
const ALL_TABLES = [
  'acts', 'actors', 'api_tokens', 'audit_entries', 'audit_head', 'break_glass', 'case_members', 'citations', 'counters', 'data_keys',
  'events', 'interventions', 'notices', 'person_names', 'persons', 'relations', 'revisions', 'settings', 'sources', 'status_entries', 'users', 'watches', 'checkins', 'alerts', 'notifications', 'dossiers', 'dossier_releases', 'dossier_vetoes',
  'watch_inbound_senders', 'case_keys', 'evidence_blobs', 'evidence_items', 'evidence_links', 'custody_events', 'log_entries', 'log_nodes',
  'log_state', 'log_checkpoints', 'person_name_keys', 'person_distinct_pairs', 'text_search_keys', 'directory_entries',
] as const satisfies readonly (keyof Database)[];
type Unlisted = Exclude<keyof Database, (typeof ALL_TABLES)[number]>;
const allTablesListed: [Unlisted] extends [never] ? true : Unlisted = true;

const NAMES = ['Жанаргүл Жұматай', 'Zhanargul Zhumatai', 'ئابدۇرېھىم ھېيت', '阿不都热依木·海提'];
const NATIONAL_ID = '650101400123';
const CONTACT_PHONE = '+7 701 555 0199';
const HARD_TEXT = 'Ghulja "Yining"\tdistrict\\5 ]';

let schemaCounter = 0;

async function onTestDb<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DB });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Where a store lives: a data directory, and on PostgreSQL a schema of its own. */
interface Location {
  backend: Backend;
  dataDir: string;
  schema: string | undefined;
  config: StoreConfig;
  drop(): Promise<void>;
}

async function newLocation(backend: Backend, keyFile?: string): Promise<Location> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'vigil-backup-')), 'data');
  let schema: string | undefined;
  if (backend === 'postgres') {
    schema = `bk_${process.pid}_${Date.now()}_${schemaCounter++}`;
    await onTestDb((c) => c.query(`create schema ${schema}`));
  }
  return {
    backend,
    dataDir,
    schema,
    config: { dataDir, dbUrl: backend === 'postgres' ? TEST_DB : undefined, keyFile },
    async drop() {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
      if (schema) await onTestDb((c) => c.query(`drop schema ${schema} cascade`));
    },
  };
}

/** A running Vigil on a location, with a researcher token. */
async function startApp(location: Location): Promise<{ app: App; api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>; stop(): Promise<void> }> {
  const config = { ...readConfig({ data: location.dataDir, db: location.config.dbUrl, port: 0 }, {}), logger: false };
  const app = await createApp(config, location.schema ? { dbSchema: location.schema } : {});
  const url = await app.start();
  const { token } = await createToken(app.ctx.db, app.ctx.clock, { role: 'researcher', name: 'backup test' });
  return {
    app,
    async api(method, path, body) {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    stop: () => app.stop(),
  };
}

/** Records of every kind, through the API. Returns the ids of the persons. */
async function fillStore(api: Awaited<ReturnType<typeof startApp>>['api']): Promise<{ persons: string[]; secretPerson: string }> {
  const created = async (method: string, path: string, body: unknown) => {
    const res = await api(method, path, body);
    assert.ok(res.status === 201 || res.status === 200, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const detainee = await created('POST', '/api/v1/persons', personInput({
    names: [
      { text: NAMES[0], script: 'Cyrl', lang: 'kk', kind: 'primary' },
      { text: NAMES[1], script: 'Latn', lang: 'en', kind: 'transliteration' },
    ],
    national_id: NATIONAL_ID,
    notes: 'Taken from home at night; family not informed.',
    // Quotes, a backslash, a tab, a closing bracket and a character outside the BMP: JSON's hard cases.
    hometown: HARD_TEXT,
    occupation: 'herder 🐑',
  }));
  const other = await created('POST', '/api/v1/persons', personInput({
    names: [
      { text: NAMES[2], script: 'Arab', lang: 'ug', kind: 'primary' },
      { text: NAMES[3], script: 'Hans', lang: 'zh', kind: 'alias' },
    ],
  }));
  const sister = await created('POST', '/api/v1/persons', personInput());
  await created('POST', `/api/v1/persons/${detainee.id}/statuses`, { status: 'detained', date: '2021-02-19' });
  await created('POST', `/api/v1/persons/${detainee.id}/statuses`, { status: 'imprisoned', date: '2022-04' });
  await created('PATCH', `/api/v1/persons/${detainee.id}`, { occupation: 'herder 🐑, then driver', version: 1 });
  const source = await created('POST', '/api/v1/sources', { kind: 'testimony', title: 'Sister, by phone', person_id: detainee.id, confidential: true, confidential_identity: 'Gulnar, +7 701 555 0101' });
  const top = await created('POST', '/api/v1/actors', { name: 'Ili Prefecture PSB', type: 'police' });
  const later = await created('POST', '/api/v1/actors', { name: 'Xinjiang Public Security Department', type: 'police' });
  // An older row that references a newer one: a restore cannot insert this table in row order.
  await created('PATCH', `/api/v1/actors/${top.id}`, { parent_id: later.id, version: 1 });
  await created('POST', '/api/v1/events', {
    title: 'Night arrest at home',
    date: '2021-02-19',
    place: 'Ghulja',
    acts: [{ type: 'arrest', victim_id: detainee.id, perpetrators: [{ actor_id: top.id, involvement: 'direct' }], citations: [{ source_id: source.id, hand: 'first_hand' }] }],
    citations: [{ source_id: source.id, hand: 'second_hand' }],
  });
  await created('POST', '/api/v1/relations', { from_person_id: detainee.id, to_person_id: sister.id, relation: 'sister', trusted_contact: true, contact: { phone: CONTACT_PHONE } });
  await created('POST', '/api/v1/interventions', { person_id: detainee.id, type: 'wgeid_urgent', date: '2021-03-02', status: 'sent', note: 'with the sister’s consent' });
  await created('POST', `/api/v1/persons/${other.id}/retract`, { reason: 'entered twice' });
  return { persons: [detainee.id, other.id, sister.id], secretPerson: detainee.id };
}

function openHandle(location: Location): DatabaseHandle {
  if (location.backend === 'postgres') return openDatabase({ url: TEST_DB, dataDir: location.dataDir, schema: location.schema });
  throw new Error('open SQLite stores with openStore (the file is encrypted)');
}

/** Every row of every table, as sorted JSON, columns by name. */
async function dumpStore(location: Location): Promise<Record<string, string[]>> {
  const store = await openStore(location.config, { dbSchema: location.schema });
  try {
    const { db, dialect } = store.ctx;
    const dump: Record<string, string[]> = {};
    for (const table of await listDataTables(db, dialect)) {
      const columns = (await listColumns(db, dialect, table)).map((column) => column.name).sort();
      dump[table] = await readSmallTable(db, table, columns);
    }
    return dump;
  } finally {
    await store.close();
  }
}

async function backupOf(location: Location, file: string, options: BackupOptions = {}) {
  const { store, key } = await openStoreWithKey(location.config, { dbSchema: location.schema });
  try {
    return await createBackup(store, key, file, options);
  } finally {
    await store.close();
  }
}

/** The plaintext lines of a backup. */
async function bodyLines(file: string, key: Buffer): Promise<string[]> {
  const header = parseBackupHeader(readFileSync(file).subarray(0, 4096));
  const chunks: Buffer[] = [];
  const stages = [createReadStream(file, { start: header.bytes.length }), createBackupDecryptor(backupStreamKeys(header, key))] as const;
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  };
  if (header.flags & FLAG_GZIP) await pipeline(...stages, createGunzip(), collect);
  else await pipeline(...stages, collect);
  return Buffer.concat(chunks).toString('utf8').split('\n').slice(0, -1);
}

async function writeBody(file: string, key: Buffer, lines: string[]): Promise<void> {
  await pipeline(Readable.from([lines.map((line) => `${line}\n`).join('')]), createBackupEncryptor(key, { flags: 0, keySalt: null }), createWriteStream(file));
}

/** What a refused restore must leave: nothing at all in the target. */
async function assertUntouched(location: Location): Promise<void> {
  if (location.backend === 'sqlite') {
    const left = existsSync(location.dataDir) ? readdirSync(location.dataDir) : [];
    assert.deepEqual(left, [], `left in the data directory: ${left.join(', ')}`);
    return;
  }
  const tables = await onTestDb(async (c) => (await c.query(`select table_name from information_schema.tables where table_schema = $1`, [location.schema])).rows);
  assert.deepEqual(tables, [], 'the target schema gained tables');
}

describe(`backup and restore (${BACKEND})`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'vigil-backup-files-'));
  const locations: Location[] = [];
  const location = async (backend: Backend, keyFile?: string) => {
    const made = await newLocation(backend, keyFile);
    locations.push(made);
    return made;
  };
  after(async () => {
    for (const made of locations) await made.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('orders tables parents first, and refuses a cycle', () => {
    assert.equal(allTablesListed, true);
    const keys = [
      { table: 'b', column: 'a_id', references: 'a' },
      { table: 'c', column: 'b_id', references: 'b' },
      { table: 'c', column: 'parent_id', references: 'c' },
      { table: 'a', column: 'x_id', references: 'elsewhere' },
    ];
    assert.deepEqual(orderByDependencies(['c', 'b', 'a', 'd'], keys), ['a', 'b', 'c', 'd']);
    assert.throws(() => orderByDependencies(['a', 'b'], [{ table: 'a', column: 'b_id', references: 'b' }, { table: 'b', column: 'a_id', references: 'a' }]), /cycle \(a, b\)/);
  });

  it('encrypts a body of any length into chunks that decrypt only whole, in order and with the key', async () => {
    const key = randomBytes(32);
    const encrypt = async (body: Buffer) => {
      const parts: Buffer[] = [];
      await pipeline(Readable.from([body]), createBackupEncryptor(key, { flags: 0, keySalt: 'scrypt$16$8$1$AAAAAAAAAAAAAAAAAAAAAA==' }), async (source: AsyncIterable<Buffer>) => {
        for await (const part of source) parts.push(part);
      });
      return Buffer.concat(parts);
    };
    const decrypt = async (file: Buffer, withKey = key) => {
      const header = parseBackupHeader(file);
      const parts: Buffer[] = [];
      await pipeline(Readable.from([file.subarray(header.bytes.length)]), createBackupDecryptor(backupStreamKeys(header, withKey)), async (source: AsyncIterable<Buffer>) => {
        for await (const part of source) parts.push(part);
      });
      return Buffer.concat(parts);
    };
    for (const length of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES]) {
      const body = randomBytes(length);
      const file = await encrypt(body);
      const header = parseBackupHeader(file);
      assert.equal(header.keySalt, 'scrypt$16$8$1$AAAAAAAAAAAAAAAAAAAAAA==');
      assert.deepEqual(await decrypt(file), body, `length ${length}`);
      // Cut at every chunk boundary and inside the last chunk: always refused.
      const sealed = CHUNK_BYTES + 16;
      for (let cut = header.bytes.length; cut < file.length; cut += sealed) {
        await assert.rejects(decrypt(file.subarray(0, cut)), DamagedBackupError, `length ${length} cut at ${cut}`);
      }
      await assert.rejects(decrypt(file.subarray(0, file.length - 1)), DamagedBackupError);
      await assert.rejects(decrypt(Buffer.concat([file, Buffer.from([0])])), DamagedBackupError);
      await assert.rejects(decrypt(file, randomBytes(32)), WrongBackupKeyError);
    }
    const three = await encrypt(randomBytes(3 * CHUNK_BYTES));
    const start = parseBackupHeader(three).bytes.length;
    const sealed = CHUNK_BYTES + 16;
    const swapped = Buffer.concat([three.subarray(0, start), three.subarray(start + sealed, start + 2 * sealed), three.subarray(start, start + sealed), three.subarray(start + 2 * sealed)]);
    await assert.rejects(decrypt(swapped), /chunk 0 failed its integrity check/);
    const flipped = Buffer.from(three);
    flipped[start + sealed + 100]! ^= 1;
    await assert.rejects(decrypt(flipped), /chunk 1 failed its integrity check/);
  });

  for (const from of BACKENDS) {
    for (const to of BACKENDS) {
      it(`restores a ${from} backup into an empty ${to} store, row for row`, async () => {
        const source = await location(from);
        const app = await startApp(source);
        let filled;
        try {
          filled = await fillStore(app.api);
        } finally {
          await app.stop();
        }
        const before = await dumpStore(source);
        const file = join(scratch, `${from}-to-${to}.vbk`);
        const summary = await backupOf(source, file);
        assert.equal(summary.tables, ALL_TABLES.length);
        assert.equal(statSync(file).mode & 0o777, 0o600);
        assert.deepEqual(readdirSync(scratch).filter((name) => name.includes('.partial')), []);
        // The backup is audited in the source, after the snapshot.
        const sourceAfter = await dumpStore(source);
        assert.equal(sourceAfter.audit_entries!.length, before.audit_entries!.length + 1);
        assert.match(sourceAfter.audit_entries!.find((entry) => !before.audit_entries!.includes(entry))!, /backup\.create/);

        const keyFile = join(source.dataDir, 'vigil.key');
        const target = await location(to, keyFile);
        const restored = await restoreBackup(target.config, file, { dbSchema: target.schema });
        assert.deepEqual([restored.from, restored.to, restored.tables, restored.rows], [from, to, ALL_TABLES.length, summary.rows]);

        const after = await dumpStore(target);
        assert.deepEqual(Object.keys(after).sort(), [...ALL_TABLES].sort());
        for (const table of ALL_TABLES) {
          if (table === 'audit_entries' || table === 'audit_head') continue;
          assert.deepEqual(after[table], before[table], table);
        }
        assert.ok(before.persons!.length >= 3 && before.revisions!.length > 5 && before.relations!.length === 1);
        assert.ok(after.persons!.some((row) => (JSON.parse(row) as unknown[]).includes(HARD_TEXT)), 'the hard string came through as given');
        // The restored chain is the source's, then the restore's own entry.
        const added = after.audit_entries!.filter((entry) => !before.audit_entries!.includes(entry));
        assert.equal(added.length, 1);
        assert.match(added[0]!, /backup\.restore/);
        assert.equal(after.audit_entries!.length, before.audit_entries!.length + 1);

        const store = await openStore(target.config, { dbSchema: target.schema });
        try {
          const verified = await verifyAuditChain(store.ctx.db);
          assert.equal(verified.ok, true, JSON.stringify(verified));
          assert.equal(verified.count, after.audit_entries!.length);
          // Sealed values open under the restored data keys.
          const person = await store.ctx.db.selectFrom('persons').select(['national_id']).where('id', '=', filled.secretPerson).executeTakeFirstOrThrow();
          assert.equal(store.ctx.cipher.open(person.national_id!, sealContext('persons', 'national_id', filled.secretPerson)), NATIONAL_ID);
        } finally {
          await store.close();
        }
        // The file holds no plaintext of the record.
        const bytes = readFileSync(file);
        for (const secret of [...NAMES, NATIONAL_ID, CONTACT_PHONE, 'Gulnar']) assert.equal(bytes.indexOf(Buffer.from(secret)), -1, secret);
      });
    }
  }

  it('restores a store keyed by a passphrase with the passphrase alone, its salt carried in the backup', async () => {
    const passphrase = 'the river remembers every name';
    const source = await location('sqlite');
    source.config = { ...source.config, keyPassphrase: passphrase };
    const { store } = await openStoreWithKey(source.config);
    await store.close();
    const salt = readFileSync(join(source.dataDir, 'vigil.salt'), 'utf8').trim();
    assert.match(salt, /^scrypt\$/);
    const file = join(scratch, 'passphrase.vbk');
    await backupOf(source, file);
    for (const to of BACKENDS) {
      const wrong = await location(to);
      wrong.config = { ...wrong.config, keyPassphrase: 'not the passphrase at all' };
      await assert.rejects(restoreBackup(wrong.config, file, { dbSchema: wrong.schema }), WrongBackupKeyError);
      await assertUntouched(wrong);
      const keyFileOnly = await location(to, join(scratch, 'no-such.key'));
      await assert.rejects(restoreBackup(keyFileOnly.config, file, { dbSchema: keyFileOnly.schema }), /cannot read the key file/);
      await assertUntouched(keyFileOnly);

      const target = await location(to);
      target.config = { ...target.config, keyPassphrase: passphrase };
      await restoreBackup(target.config, file, { dbSchema: target.schema });
      if (to === 'sqlite') assert.equal(readFileSync(join(target.dataDir, 'vigil.salt'), 'utf8').trim(), salt);
      else assert.ok((await dumpStore(target)).settings!.includes(JSON.stringify(['key_salt', salt])));
      assert.equal(existsSync(join(target.dataDir, 'vigil.key')), false);
      // The restored store opens with the passphrase and nothing else.
      const reopened = await openStore(target.config, { dbSchema: target.schema });
      await reopened.close();
    }
    const keyFileSource = await location('sqlite');
    const { store: plainKeyed } = await openStoreWithKey(keyFileSource.config);
    await plainKeyed.close();
    await backupOf(keyFileSource, join(scratch, 'key-file.vbk'));
    const byPassphrase = await location('sqlite');
    byPassphrase.config = { ...byPassphrase.config, keyPassphrase: passphrase };
    await assert.rejects(restoreBackup(byPassphrase.config, join(scratch, 'key-file.vbk')), /made under a key file, not a passphrase/);
    await assertUntouched(byPassphrase);
  });

  for (const backend of BACKENDS) {
    it(`backs up one consistent snapshot while Vigil keeps writing (${backend})`, async () => {
      const source = await location(backend);
      const app = await startApp(source);
      const file = join(scratch, `snapshot-${backend}.vbk`);
      let before: string[];
      const during: string[] = [];
      try {
        before = (await fillStore(app.api)).persons;
        const write = async () => {
          const res = await app.api('POST', '/api/v1/persons', personInput({ national_id: 'written during the backup' }));
          assert.equal(res.status, 201);
          during.push(res.body.id);
          assert.equal((await app.api('POST', `/api/v1/persons/${res.body.id}/statuses`, { status: 'detained', date: '2024-01-01' })).status, 201);
        };
        // Persons (and their names, statuses, revisions, audit entries) are written between every two tables read.
        await backupOf(source, file, { compress: backend === 'sqlite', afterTable: write });
        await write();
      } finally {
        await app.stop();
      }
      assert.ok(during.length > ALL_TABLES.length);
      const target = await location(backend, join(source.dataDir, 'vigil.key'));
      await restoreBackup(target.config, file, { dbSchema: target.schema });
      const restored = await dumpStore(target);
      const final = await dumpStore(source);
      const restoredPersons = await personIds(target);
      assert.deepEqual(restoredPersons.sort(), [...before].sort());
      for (const id of during) assert.ok(!restoredPersons.includes(id));
      // Every restored row is a row of the source as it was: nothing half-written came along.
      for (const table of ALL_TABLES) {
        if (table === 'audit_entries' || table === 'audit_head' || table === 'counters' || table === 'api_tokens') continue;
        // The worker's sequencer places waiting log entries (leaf_index) and grows the log's size meanwhile.
        if (table === 'log_entries' || table === 'log_state') continue;
        for (const row of restored[table]!) assert.ok(final[table]!.includes(row), `${table}: ${row}`);
      }
      const store = await openStore(target.config, { dbSchema: target.schema });
      try {
        const verified = await verifyAuditChain(store.ctx.db);
        assert.equal(verified.ok, true, JSON.stringify(verified));
      } finally {
        await store.close();
      }
    });
  }

  async function personIds(at: Location): Promise<string[]> {
    const store = await openStore(at.config, { dbSchema: at.schema });
    try {
      return (await store.ctx.db.selectFrom('persons').select('id').execute()).map((row) => row.id);
    } finally {
      await store.close();
    }
  }

  describe('refuses a damaged, altered or misdirected backup and writes nothing', () => {
    let source: Location;
    let keyFile: string;
    let key: Buffer;
    let plain: Buffer;
    let compressed: Buffer;
    let lines: string[];
    before(async () => {
      source = await location(BACKENDS.at(-1)!);
      const app = await startApp(source);
      try {
        await fillStore(app.api);
      } finally {
        await app.stop();
      }
      // Enough rows for many chunks.
      const store = await openStore(source.config, { dbSchema: source.schema });
      try {
        await generateSyntheticStore(store, { persons: 300, seed: 7 });
      } finally {
        await store.close();
      }
      keyFile = join(source.dataDir, 'vigil.key');
      key = readKeyFile(keyFile);
      await backupOf(source, join(scratch, 'plain.vbk'));
      await backupOf(source, join(scratch, 'compressed.vbk'), { compress: true });
      plain = readFileSync(join(scratch, 'plain.vbk'));
      compressed = readFileSync(join(scratch, 'compressed.vbk'));
      lines = await bodyLines(join(scratch, 'plain.vbk'), key);
      assert.ok(plain.length > 8 * CHUNK_BYTES, `only ${plain.length} bytes`);
    });

    const attempt = async (to: Backend, bytes: Buffer, expected: RegExp | (new (...args: any[]) => Error), options: { keyFile?: string } = {}) => {
      const target = await location(to, options.keyFile ?? keyFile);
      const file = join(scratch, `attempt-${randomBytes(4).toString('hex')}.vbk`);
      writeFileSync(file, bytes);
      await assert.rejects(restoreBackup(target.config, file, { dbSchema: target.schema }), expected as RegExp);
      await assertUntouched(target);
    };

    for (const to of BACKENDS) {
      it(`a truncated file (${to})`, async () => {
        const header = parseBackupHeader(plain).bytes.length;
        const sealed = CHUNK_BYTES + 16;
        for (const length of [0, 7, header - 1, header, header + 100, header + sealed, header + 5 * sealed, plain.length - 1]) {
          await attempt(to, plain.subarray(0, length), DamagedBackupError);
        }
        await attempt(to, compressed.subarray(0, compressed.length - 40), DamagedBackupError);
      });

      it(`one flipped byte, anywhere (${to})`, async () => {
        const header = parseBackupHeader(plain).bytes.length;
        // Magic, version, flags, salt length, salt, nonce prefix, key check, digest; then the chunks.
        for (const at of [0, 8, 9, 11, 12, header - 30, header - 20, header - 1, header, header + 5 * CHUNK_BYTES, plain.length - 1]) {
          const flipped = Buffer.from(plain);
          flipped[at]! ^= 0x20;
          await attempt(to, flipped, DamagedBackupError);
        }
        const flipped = Buffer.from(compressed);
        flipped[Math.floor(compressed.length / 2)]! ^= 1;
        await attempt(to, flipped, DamagedBackupError);
      });

      it(`bytes appended, and chunks swapped (${to})`, async () => {
        await attempt(to, Buffer.concat([plain, Buffer.from('x')]), DamagedBackupError);
        const header = parseBackupHeader(plain).bytes.length;
        const sealed = CHUNK_BYTES + 16;
        const swapped = Buffer.concat([plain.subarray(0, header + sealed), plain.subarray(header + 2 * sealed, header + 3 * sealed), plain.subarray(header + sealed, header + 2 * sealed), plain.subarray(header + 3 * sealed)]);
        await attempt(to, swapped, DamagedBackupError);
      });

      it(`a wrong key, and no key at all (${to})`, async () => {
        const wrongKeyFile = join(scratch, 'wrong.key');
        writeFileSync(wrongKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
        await attempt(to, plain, WrongBackupKeyError, { keyFile: wrongKeyFile });
        const keyless = await location(to);
        await assert.rejects(restoreBackup(keyless.config, join(scratch, 'plain.vbk'), { dbSchema: keyless.schema }), /restore needs the deployment key/);
        await assertUntouched(keyless);
      });

      it(`a well-sealed body that does not hold together (${to})`, async () => {
        const manifest = JSON.parse(lines[0]!);
        const trailerAt = lines.length - 1;
        const personsAt = lines.indexOf('{"table":"persons"}');
        const namesAt = lines.indexOf('{"table":"person_names"}');
        const revisionsAt = lines.indexOf('{"table":"revisions"}');
        assert.ok(personsAt > 0 && namesAt > 0 && revisionsAt > 0 && lines[revisionsAt + 1]!.startsWith('['));
        const cases: Array<[string, string[], RegExp]> = [
          ['no trailer', lines.slice(0, -1), /ends before its trailer/],
          ['a line after the trailer', [...lines, '[1]'], /goes on after its end/],
          ['a row too short', lines.map((line, i) => (i === personsAt + 1 ? '["x"]' : line)), /does not fit its table/],
          ['a row value of another type', lines.map((line, i) => (i === personsAt + 1 ? line.replace(/^\[/, '[{"a":1},').replace(/,[^,]*\]$/, ']') : line)), /unknown type/],
          ['a line that is not JSON', lines.map((line, i) => (i === personsAt + 1 ? '[not json' : line)), /not JSON/],
          ['a row dropped', lines.filter((_, i) => i !== revisionsAt + 1), /table revisions has \d+ rows, not/],
          ['a row twice', lines.flatMap((line, i) => (i === revisionsAt + 1 ? [line, line] : [line])), /refused rows of revisions .*(UNIQUE|unique|duplicate)/],
          ['tables swapped', swapTables(lines, personsAt, namesAt), /out of place/],
          ['a table left out', [...lines.slice(0, namesAt), ...lines.slice(nextMarker(lines, namesAt))], /out of place/],
          ['a newer Vigil', [JSON.stringify({ ...manifest, migrations: [...manifest.migrations, '2099-01-01T0000-future'] }), ...lines.slice(1)], /another version of Vigil/],
          ['tables of a later schema than it names', [JSON.stringify({ ...manifest, migrations: manifest.migrations.slice(0, 1) }), ...lines.slice(1)], /its tables do not match its schema \(.*users/],
          ['a column unknown to the schema', [JSON.stringify({ ...manifest, tables: manifest.tables.map((t: any) => (t.name === 'settings' ? { ...t, columns: [...t.columns.slice(0, -1), 'surprise'] } : t)) }), ...lines.slice(1)], /columns of settings/],
          ['a row whose parent is missing', lines.filter((_, i) => !(i > personsAt && i < nextMarker(lines, personsAt))).map((line) => (line.startsWith('{"trailer"') ? line.replace(/"persons":\d+/, '"persons":0') : line)), /refused rows of \w+ from the backup \(.*(FOREIGN KEY|foreign key)/],
          ['no manifest', lines.slice(1), /manifest is malformed/],
        ];
        assert.equal(lines[trailerAt]!.startsWith('{"trailer"'), true);
        for (const [name, body, expected] of cases) {
          const file = join(scratch, `crafted.vbk`);
          await writeBody(file, key, body);
          const target = await location(to, keyFile);
          await assert.rejects(restoreBackup(target.config, file, { dbSchema: target.schema }), expected, name);
          await assertUntouched(target);
        }
      });

      it(`a target that is not empty, which stays as it was (${to})`, async () => {
        const target = await location(to, keyFile);
        await restoreBackup(target.config, join(scratch, 'plain.vbk'), { dbSchema: target.schema });
        const once = await dumpStore(target);
        await assert.rejects(restoreBackup(target.config, join(scratch, 'compressed.vbk'), { dbSchema: target.schema }), RestoreTargetError);
        assert.deepEqual(await dumpStore(target), once);
        // A store opened once (under the same key) holds a data key of its own: not empty either.
        const used = await location(to, keyFile);
        await (await openStore(used.config, { dbSchema: used.schema })).close();
        const usedOnce = await dumpStore(used);
        assert.equal(usedOnce.data_keys!.length, 1);
        await assert.rejects(
          restoreBackup(used.config, join(scratch, 'plain.vbk'), { dbSchema: used.schema }),
          to === 'sqlite' ? /already holds a store \(vigil\.db\); restore into a new data directory; nothing was restored/ : /the target store is not empty \(table data_keys has rows\)/,
        );
        assert.deepEqual(await dumpStore(used), usedOnce);
      });
    }

    if (TEST_DB) {
      it('restores into a PostgreSQL schema that was migrated but never used', async () => {
        const target = await location('postgres', keyFile);
        const handle = openHandle(target);
        try {
          const { migrateToLatest } = await import('../src/db/database.ts');
          await migrateToLatest(handle.db);
        } finally {
          await handle.close();
        }
        const older = join(scratch, 'older.vbk');
        const manifest = JSON.parse(lines[0]!);
        await writeBody(older, key, [JSON.stringify({ ...manifest, migrations: manifest.migrations.slice(0, 1) }), ...lines.slice(1)]);
        await assert.rejects(restoreBackup(target.config, older, { dbSchema: target.schema }), /the target database has a newer schema than the backup/);
        const restored = await restoreBackup(target.config, join(scratch, 'compressed.vbk'), { dbSchema: target.schema });
        assert.ok(restored.rows > 1000);
        assert.equal((await personIds(target)).length, (await personIds(source)).length);
      });
    }
  });

  function nextMarker(all: string[], from: number): number {
    const at = all.findIndex((line, i) => i > from && line.startsWith('{'));
    return at;
  }

  function swapTables(all: string[], a: number, b: number): string[] {
    const [first, second] = a < b ? [a, b] : [b, a];
    const firstEnd = nextMarker(all, first);
    const secondEnd = nextMarker(all, second);
    return [...all.slice(0, first), ...all.slice(second, secondEnd), ...all.slice(firstEnd, second), ...all.slice(first, firstEnd), ...all.slice(secondEnd)];
  }

  describe('vigil backup and vigil restore', () => {
    const vigil = (args: string[], env: Record<string, string> = {}) => {
      const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '', VIGIL_KEY: '', VIGIL_KEY_FILE: '', ...env }, timeout: 120_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    const args = (at: Location) => ['--data', at.dataDir, ...(at.schema ? ['--db', withSearchPath(at.schema)] : [])];

    it('writes a backup while the store is open, restores it, and refuses a second restore in one line', async () => {
      const backend = BACKENDS.at(-1)!;
      const source = await location(backend);
      const app = await startApp(source);
      try {
        await fillStore(app.api);
        const file = join(scratch, 'cli.vbk');
        const made = vigil(['backup', file, '--compress', ...args(source)]);
        assert.equal(made.status, 0, made.stderr);
        assert.match(made.stdout, new RegExp(`^backup written to .*cli\\.vbk: \\d+ rows in ${ALL_TABLES.length} tables, \\d+ bytes\n$`));
        assert.equal(statSync(file).mode & 0o777, 0o600);
        const target = await location(backend, join(source.dataDir, 'vigil.key'));
        const env = { VIGIL_KEY_FILE: join(source.dataDir, 'vigil.key') };
        const restored = vigil(['restore', file, ...args(target)], env);
        assert.equal(restored.status, 0, restored.stderr);
        assert.match(restored.stdout, new RegExp(`^restored \\d+ rows in ${ALL_TABLES.length} tables from a backup made .* \\((sqlite|postgres) → (sqlite|postgres)\\)\n$`));
        assert.equal((await personIds(target)).length, 3);
        const again = vigil(['restore', file, ...args(target)], env);
        assert.equal(again.status, 1);
        assert.match(again.stderr, /^vigil: .*(not empty|already holds a store).*nothing was restored\n$/);
        const keyless = await location(backend);
        const noKey = vigil(['restore', file, ...args(keyless)]);
        assert.equal(noKey.status, 1);
        assert.match(noKey.stderr, /^vigil: restore needs the deployment key/);
        await assertUntouched(keyless);
        const nowhere = vigil(['backup', join(scratch, 'missing-dir', 'x.vbk'), ...args(source)]);
        assert.equal(nowhere.status, 1);
        assert.match(nowhere.stderr, /^vigil: cannot write a backup into .*missing-dir \(ENOENT\)\n$/);
        const notBackup = join(scratch, 'not-a-backup.vbk');
        writeFileSync(notBackup, 'hello');
        const refused = vigil(['restore', notBackup, ...args(keyless)], env);
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, /^vigil: the backup file is damaged or altered \(not a Vigil backup file\); nothing was restored\n$/);
      } finally {
        await app.stop();
      }
    });
  });
});

function withSearchPath(schema: string): string {
  const url = new URL(TEST_DB!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
