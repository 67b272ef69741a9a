import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../src/app.ts';
import { createToken } from '../src/auth/tokens.service.ts';
import { readConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { openStore } from '../src/store.ts';
import { BACKEND, createProcessStore, personInput, TEST_DB } from './helpers/test-app.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'vigil.js');
// Distinctive, so a hit in raw bytes cannot be a coincidence.
const NAME = 'Qarlygash Tursynbekovakeytest';
const PASSPHRASE = 'steppe wind over the grazing land';

type ProcessStore = Awaited<ReturnType<typeof createProcessStore>>;
const stores: ProcessStore[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'vigil-keys-outside-'));

async function newStore(): Promise<ProcessStore> {
  const store = await createProcessStore('keys');
  stores.push(store);
  return store;
}

after(async () => {
  for (const store of stores) await store.drop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs `vigil` as a child process, with only the key settings given here. */
function vigil(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, VIGIL_DB: '', VIGIL_DATA: '', VIGIL_KEY: '', VIGIL_KEY_FILE: '', VIGIL_LOG: 'off', ...env },
    input: input ?? '',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertOneLineFailure(res: ReturnType<typeof vigil>, message: RegExp): void {
  assert.notEqual(res.status, 0, res.stdout);
  assert.match(res.stderr, message);
  assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
}

function config(store: ProcessStore, env: Record<string, string> = {}) {
  return { ...readConfig({ data: store.dataDir, db: store.dbUrl, port: 0 }, env), logger: false };
}

interface Added {
  id: string;
  /** The creator's token: the case is theirs to read. */
  token: string;
}

/** Starts Vigil on the store, adds a person named NAME through the API, and stops. */
async function addPerson(store: ProcessStore, env: Record<string, string> = {}): Promise<Added> {
  const app = await createApp(config(store, env));
  try {
    const url = await app.start();
    const { token } = await createToken(app.ctx.db, app.ctx.clock, { role: 'researcher', name: 'key tests' });
    const res = await fetch(`${url}/api/v1/persons`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(personInput({ names: [{ text: NAME, script: 'Latn', lang: 'en', kind: 'primary' }], national_id: 'KZ-KEYTEST-1' })),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return { id: ((await res.json()) as { id: string }).id, token };
  } finally {
    await app.stop();
  }
}

/** Reads the person back through the API as its creator: a name, and a field sealed by the application. */
async function readPerson(store: ProcessStore, added: Added, env: Record<string, string> = {}): Promise<{ name: string; nationalId: string }> {
  const app = await createApp(config(store, env));
  try {
    const url = await app.start();
    const res = await fetch(`${url}/api/v1/persons/${added.id}`, { headers: { authorization: `Bearer ${added.token}` } });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { names: Array<{ text: string }>; national_id: string };
    return { name: body.names[0]!.text, nationalId: body.national_id };
  } finally {
    await app.stop();
  }
}

/** Every file in the data directory (the vault's folders included) with its bytes' hash, size and mtime: any write shows. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true }).flatMap((entry): Array<[string, string]> => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return Object.entries(snapshot(path)).map(([name, value]) => [`${entry.name}/${name}`, value]);
      const stat = statSync(path);
      return [[entry.name, `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${stat.size} ${stat.mtimeMs}`]];
    }),
  );
}

/** What a key mistake must leave alone on PostgreSQL: keys, salt, audit, migrations, users. */
async function pgState(store: ProcessStore): Promise<unknown> {
  if (!store.dbUrl) return null;
  const client = new pg.Client({ connectionString: store.dbUrl });
  await client.connect();
  try {
    const tables = ['data_keys', 'settings', 'audit_entries', 'kysely_migration', 'users', 'api_tokens'];
    const state: Record<string, unknown> = {};
    for (const table of tables) state[table] = (await client.query(`select * from ${table} order by 1`)).rows;
    return state;
  } finally {
    await client.end();
  }
}

function writeKey(path: string): string {
  writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return path;
}

describe(`deployment key (${BACKEND})`, () => {
  it('a new store without a key gets a key file in the data directory, and the warning flag', async () => {
    const store = await newStore();
    const opened = await openStore(config(store));
    try {
      assert.equal(opened.keyBesideData, true);
    } finally {
      await opened.close();
    }
    const keyFile = join(store.dataDir, 'vigil.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.match(readFileSync(keyFile, 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);

    // Moved out and named by VIGIL_KEY_FILE, the same key opens the store and the flag clears.
    const outside = join(scratch, `moved-${randomBytes(4).toString('hex')}.key`);
    renameSync(keyFile, outside);
    const moved = await openStore(config(store, { VIGIL_KEY_FILE: outside }));
    assert.equal(moved.keyBesideData, false);
    await moved.close();
    // Copied rather than moved, it is still beside the data.
    writeFileSync(keyFile, readFileSync(outside));
    const copied = await openStore(config(store, { VIGIL_KEY_FILE: outside }));
    assert.equal(copied.keyBesideData, true);
    await copied.close();
  });

  if (!TEST_DB) {
    it('the SQLite file and its WAL hold no plaintext, and the header is not SQLite’s', async () => {
      const store = await newStore();
      const app = await createApp(config(store));
      const url = await app.start();
      const { token } = await createToken(app.ctx.db, app.ctx.clock, { role: 'researcher', name: 'bytes' });
      const res = await fetch(`${url}/api/v1/persons`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(personInput({ names: [{ text: NAME, script: 'Latn', lang: 'en', kind: 'primary' }] })),
      });
      assert.equal(res.status, 201);
      try {
        // The new rows are in the WAL until a checkpoint.
        const wal = readFileSync(join(store.dataDir, 'vigil.db-wal'));
        assert.ok(wal.length > 0);
        assert.equal(wal.includes(NAME), false, 'the name is in the WAL in plaintext');
        assert.equal(wal.includes('persons'), false, 'table names are in the WAL in plaintext');
      } finally {
        await app.stop();
      }
      const db = readFileSync(join(store.dataDir, 'vigil.db'));
      assert.notEqual(db.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
      assert.equal(db.includes(NAME), false, 'the name is in the file in plaintext');
      assert.equal(db.includes('CREATE TABLE'), false, 'the schema is in the file in plaintext');
    });
  }

  it('with VIGIL_KEY, the salt is stored with the store and the passphrase opens it again', async () => {
    const store = await newStore();
    const env = { VIGIL_KEY: PASSPHRASE };
    const added = await addPerson(store, env);
    assert.equal(existsSync(join(store.dataDir, 'vigil.key')), false, 'no key file is made when a passphrase is given');
    if (TEST_DB) {
      const state = (await pgState(store)) as { settings: Array<{ name: string; value: string }> };
      assert.match(state.settings.find((s) => s.name === 'key_salt')?.value ?? '', /^scrypt\$16\$8\$1\$[A-Za-z0-9+/]{22}==$/);
    } else {
      assert.match(readFileSync(join(store.dataDir, 'vigil.salt'), 'utf8'), /^scrypt\$16\$8\$1\$[A-Za-z0-9+/]{22}==\n$/);
    }
    assert.deepEqual(await readPerson(store, added, env), { name: NAME, nationalId: 'KZ-KEYTEST-1' });
    const opened = await openStore(config(store, env));
    assert.equal(opened.keyBesideData, false);
    await opened.close();
  });

  it('a wrong key file or passphrase fails with one line and writes nothing', async () => {
    const keyed = await newStore();
    const keyFile = writeKey(join(scratch, 'right.key'));
    await addPerson(keyed, { VIGIL_KEY_FILE: keyFile });
    const wrongFile = writeKey(join(scratch, 'wrong.key'));
    let files = snapshot(keyed.dataDir);
    let rows = await pgState(keyed);
    const byFile = vigil(['token', 'create', '--role', 'admin', ...keyed.storeArgs], { VIGIL_KEY_FILE: wrongFile });
    assertOneLineFailure(byFile, /the deployment key does not open this store \(wrong VIGIL_KEY or VIGIL_KEY_FILE\?\); nothing was written/);
    assert.deepEqual(snapshot(keyed.dataDir), files);
    assert.deepEqual(await pgState(keyed), rows);

    const phrased = await newStore();
    await addPerson(phrased, { VIGIL_KEY: PASSPHRASE });
    files = snapshot(phrased.dataDir);
    rows = await pgState(phrased);
    const byPassphrase = vigil(['token', 'create', '--role', 'admin', ...phrased.storeArgs], { VIGIL_KEY: `${PASSPHRASE}!` });
    assertOneLineFailure(byPassphrase, /does not open this store/);
    // Nor does the key file of a store that was made with a passphrase.
    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...phrased.storeArgs], { VIGIL_KEY_FILE: keyFile }), /does not open this store/);
    assert.deepEqual(snapshot(phrased.dataDir), files);
    assert.deepEqual(await pgState(phrased), rows);
    // The right key still works after all that.
    assert.equal(vigil(['token', 'create', '--role', 'admin', ...phrased.storeArgs], { VIGIL_KEY: PASSPHRASE }).status, 0);
  });

  it('a store that has a key refuses to start without one, and makes no new key', async () => {
    const store = await newStore();
    await addPerson(store);
    rmSync(join(store.dataDir, 'vigil.key'));
    const files = snapshot(store.dataDir);
    const rows = await pgState(store);
    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs]), /no deployment key: this store holds data under a key, but neither VIGIL_KEY nor VIGIL_KEY_FILE is set/);
    assert.deepEqual(snapshot(store.dataDir), files);
    assert.deepEqual(await pgState(store), rows);
  });

  it('VIGIL_KEY on a store without a passphrase salt says so', async () => {
    const store = await newStore();
    await addPerson(store, { VIGIL_KEY: PASSPHRASE });
    if (TEST_DB) {
      const client = new pg.Client({ connectionString: store.dbUrl });
      await client.connect();
      await client.query(`delete from settings where name = 'key_salt'`);
      await client.end();
    } else {
      rmSync(join(store.dataDir, 'vigil.salt'));
    }
    const files = snapshot(store.dataDir);
    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs], { VIGIL_KEY: PASSPHRASE }), /this store has no passphrase salt \(vigil\.salt in the data directory, or the key_salt setting on PostgreSQL\)/);
    assert.deepEqual(snapshot(store.dataDir), files);
    // A store under a key file was never under a passphrase: the same line, and no salt is made for it.
    const keyed = await newStore();
    await addPerson(keyed);
    const keyedFiles = snapshot(keyed.dataDir);
    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...keyed.storeArgs], { VIGIL_KEY: PASSPHRASE }), /it was not put under a passphrase, or the salt was lost/);
    assert.deepEqual(snapshot(keyed.dataDir), keyedFiles);
  });

  it('a malformed, missing or unreadable key, or a bad passphrase, is one clear line', async () => {
    const store = await newStore();
    const malformed = join(scratch, 'malformed.key');
    writeFileSync(malformed, 'this is not a key\n');
    const short = join(scratch, 'short.key');
    writeFileSync(short, `${randomBytes(16).toString('base64')}\n`);
    const directory = join(scratch, 'a-directory');
    mkdirSync(directory, { recursive: true });
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ VIGIL_KEY_FILE: malformed }, /the key file .*malformed\.key does not hold a key: it must hold 32 random bytes in base64/],
      [{ VIGIL_KEY_FILE: short }, /does not hold a key/],
      [{ VIGIL_KEY_FILE: join(scratch, 'absent.key') }, /cannot read the key file .*absent\.key \(ENOENT\)/],
      [{ VIGIL_KEY_FILE: directory }, /cannot read the key file .*a-directory \(EISDIR\)/],
      [{ VIGIL_KEY: 'short' }, /VIGIL_KEY: the passphrase must have at least 12 characters/],
      [{ VIGIL_KEY: PASSPHRASE, VIGIL_KEY_FILE: malformed }, /set VIGIL_KEY or VIGIL_KEY_FILE, not both/],
    ];
    for (const [env, message] of cases) {
      assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs], env), message);
    }
    // None of them made a store, a key or a salt.
    assert.deepEqual(snapshot(store.dataDir), {});
    if (TEST_DB) assert.equal(await tableCount(store), 0);
  });

  it('vigil key rotate moves the store to a new key file: the old key fails, the new opens everything', async () => {
    const store = await newStore();
    const added = await addPerson(store);
    const oldKey = join(store.dataDir, 'vigil.key');
    const newKey = join(scratch, `rotated-${randomBytes(4).toString('hex')}.key`);
    const res = vigil(['key', 'rotate', '--new-key-file', newKey, '--new-data-key', ...store.storeArgs]);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /wrote a new random key to .*rotated-/);
    assert.match(res.stdout, /re-wrapped 1 data key under the new deployment key/);
    assert.match(res.stdout, /added data key [0-9a-f]{12}/);
    assert.match(res.stdout, new RegExp(`from now on start Vigil with VIGIL_KEY_FILE=${newKey}`));
    assert.match(res.stdout, /vigil\.key holds the old key, which no longer opens this store/);
    if (!TEST_DB) assert.match(res.stdout, /re-encrypted .*vigil\.db under the new key/);
    assert.equal(statSync(newKey).mode & 0o777, 0o600);

    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs]), /does not open this store/);
    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs], { VIGIL_KEY_FILE: oldKey }), /does not open this store/);
    const env = { VIGIL_KEY_FILE: newKey };
    assert.deepEqual(await readPerson(store, added, env), { name: NAME, nationalId: 'KZ-KEYTEST-1' });

    const opened = await openStore(config(store, env));
    try {
      const keys = await opened.ctx.db.selectFrom('data_keys').select('id').execute();
      assert.equal(keys.length, 2);
      const entries = await opened.ctx.db.selectFrom('audit_entries').selectAll().where('action', '=', 'key.rotate').execute();
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.actor, 'system:cli');
      assert.deepEqual(JSON.parse(entries[0]!.detail!), { key_source: 'key-file', data_keys: 1, new_data_key: keys.map((k) => k.id).find((k) => entries[0]!.detail!.includes(k)) });
      // What is written from now on is sealed with the newest data key.
      const newest = (await opened.ctx.db.selectFrom('data_keys').select('id').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).id;
      assert.match(opened.ctx.cipher.seal('x', 'test:1'), new RegExp(`^vs1\\.${newest}\\.`));
    } finally {
      await opened.close();
    }
  });

  it('vigil key rotate moves the store to a passphrase read from standard input, and back to a key file', async () => {
    const store = await newStore();
    const first = writeKey(join(scratch, `first-${randomBytes(4).toString('hex')}.key`));
    const added = await addPerson(store, { VIGIL_KEY_FILE: first });
    const toPassphrase = vigil(['key', 'rotate', '--new-passphrase-stdin', ...store.storeArgs], { VIGIL_KEY_FILE: first }, `${PASSPHRASE}\n`);
    assert.equal(toPassphrase.status, 0, toPassphrase.stderr);
    assert.match(toPassphrase.stdout, /from now on start Vigil with the new passphrase in VIGIL_KEY/);
    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs], { VIGIL_KEY_FILE: first }), /does not open this store/);
    assert.deepEqual(await readPerson(store, added, { VIGIL_KEY: PASSPHRASE }), { name: NAME, nationalId: 'KZ-KEYTEST-1' });

    const second = writeKey(join(scratch, `second-${randomBytes(4).toString('hex')}.key`));
    const toFile = vigil(['key', 'rotate', '--new-key-file', second, ...store.storeArgs], { VIGIL_KEY: PASSPHRASE });
    assert.equal(toFile.status, 0, toFile.stderr);
    assert.doesNotMatch(toFile.stdout, /wrote a new random key/, 'an existing key file is used as it is');
    assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs], { VIGIL_KEY: PASSPHRASE }), /does not open this store/);
    assert.deepEqual(await readPerson(store, added, { VIGIL_KEY_FILE: second }), { name: NAME, nationalId: 'KZ-KEYTEST-1' });
  });

  it('vigil key rotate refuses bad input and a wrong current key, changing nothing', async () => {
    const store = await newStore();
    const current = writeKey(join(scratch, `current-${randomBytes(4).toString('hex')}.key`));
    await addPerson(store, { VIGIL_KEY_FILE: current });
    const files = snapshot(store.dataDir);
    const rows = await pgState(store);
    const target = join(scratch, `never-${randomBytes(4).toString('hex')}.key`);
    const env = { VIGIL_KEY_FILE: current };
    const cases: Array<[string[], Record<string, string>, string, RegExp]> = [
      [['key', 'rotate'], env, '', /give the new key with --new-key-file FILE or --new-passphrase-stdin \(one of them\)/],
      [['key', 'rotate', '--new-key-file', target, '--new-passphrase-stdin'], env, PASSPHRASE, /one of them/],
      [['key', 'rotate', '--new-passphrase-stdin'], env, 'too short\n', /the new passphrase on standard input: the passphrase must have at least 12 characters/],
      [['key', 'rotate', '--new-passphrase-stdin'], env, '', /at least 12 characters/],
      [['key', 'rotate', '--new-key-file', current], env, '', /the new key is the key in use/],
      [['key', 'rotate', '--new-key-file', target], { VIGIL_KEY_FILE: writeKey(join(scratch, 'stranger.key')) }, '', /does not open this store/],
      [['key', 'rotate', '--new-key-file', join(scratch, 'no-such-dir', 'k.key')], env, '', /cannot write the new key file .*k\.key \(ENOENT\)/],
    ];
    for (const [args, caseEnv, input, message] of cases) {
      assertOneLineFailure(vigil([...args, ...store.storeArgs], caseEnv, input), message);
    }
    assert.equal(existsSync(target), false, 'a failed rotation with a wrong current key made no new key file');
    assert.deepEqual(snapshot(store.dataDir), files);
    assert.deepEqual(await pgState(store), rows);
  });

  if (!TEST_DB) {
    it('vigil key rotate refuses while Vigil has the SQLite store open, and the old key still opens it', async () => {
      const store = await newStore();
      const added = await addPerson(store);
      const app = await createApp(config(store));
      const newKey = join(scratch, `busy-${randomBytes(4).toString('hex')}.key`);
      try {
        assertOneLineFailure(vigil(['key', 'rotate', '--new-key-file', newKey, ...store.storeArgs]), /the SQLite store is open in another process \(is Vigil running\?\)/);
      } finally {
        await app.stop();
      }
      assert.equal(existsSync(join(store.dataDir, 'vigil.db.rekeying')), false);
      assert.deepEqual(await readPerson(store, added), { name: NAME, nationalId: 'KZ-KEYTEST-1' });
      assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs], { VIGIL_KEY_FILE: newKey }), /does not open this store/);
    });

    it('a plaintext SQLite store from before encryption is encrypted in place on first start', async () => {
      for (const env of [{}, { VIGIL_KEY: PASSPHRASE }] as Array<Record<string, string>>) {
        const store = await newStore();
        await makePlaintextStore(store.dataDir);
        const file = join(store.dataDir, 'vigil.db');
        const before = readFileSync(file);
        assert.equal(before.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
        assert.equal(before.includes(NAME), true, 'the marker is there to be found in a plaintext file');

        const opened = await openStore(config(store, env));
        try {
          assert.deepEqual(opened.notices, ['the SQLite store was written in plaintext before encryption: it is now encrypted with the deployment key']);
          assert.ok(opened.migrated.includes('2026-11-29T0600-protection'), 'the older store was migrated too');
          const marker = await sql<{ display_name: string }>`select display_name from users where id = 'keytest'`.execute(opened.ctx.db);
          assert.equal(marker.rows[0]?.display_name, NAME);
        } finally {
          await opened.close();
        }
        const after = readFileSync(file);
        assert.notEqual(after.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
        assert.equal(after.includes(NAME), false);
        assert.deepEqual(readdirSync(store.dataDir).sort(), env.VIGIL_KEY ? ['vigil.db', 'vigil.salt'] : ['vigil.db', 'vigil.key']);
        // The next start just opens it.
        const again = await openStore(config(store, env));
        assert.deepEqual(again.notices, []);
        await again.close();
      }
    });
  }

  if (TEST_DB) {
    it('a PostgreSQL store from before the protection migration takes a passphrase', async () => {
      const store = await newStore();
      await migrateTo(store, '2026-11-29T0400-case-file');
      const env = { VIGIL_KEY: PASSPHRASE };
      const opened = await openStore(config(store, env));
      assert.ok(opened.migrated.includes('2026-11-29T0600-protection'));
      await opened.close();
      const added = await addPerson(store, env);
      assert.deepEqual(await readPerson(store, added, env), { name: NAME, nationalId: 'KZ-KEYTEST-1' });
      assertOneLineFailure(vigil(['token', 'create', '--role', 'admin', ...store.storeArgs], { VIGIL_KEY: `${PASSPHRASE}?` }), /does not open this store/);
    });
  }
});

/** A store as Vigil wrote it before encryption: plain SQLite, schema of the first migration, one marked row. */
async function makePlaintextStore(dataDir: string): Promise<void> {
  const handle = openDatabase({ dataDir });
  try {
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateTo('2026-11-29T0400-case-file');
    if (error) throw error;
    // A token's name: the protection migration turns it into a user's display name.
    await sql`insert into api_tokens (id, name, role, token_hash, created_at) values ('keytest', ${NAME}, 'admin', 'keytest-hash', '2026-01-01T00:00:00Z')`.execute(handle.db);
  } finally {
    await handle.close();
  }
}

async function migrateTo(store: ProcessStore, name: string): Promise<void> {
  const handle = openDatabase({ url: store.dbUrl, dataDir: store.dataDir });
  try {
    const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(handle.db)).rows[0]!.schema;
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
    const { error } = await migrator.migrateTo(name);
    if (error) throw error;
  } finally {
    await handle.close();
  }
}

async function tableCount(store: ProcessStore): Promise<number> {
  const client = new pg.Client({ connectionString: store.dbUrl });
  await client.connect();
  try {
    return Number((await client.query(`select count(*) as n from information_schema.tables where table_schema = current_schema()`)).rows[0].n);
  } finally {
    await client.end();
  }
}
