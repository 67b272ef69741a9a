import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3-multiple-ciphers';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { StoreInUseError, WrongKeyError } from '../keys/key-errors.ts';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The raw SQLite connection, for bulk work that Kysely would slow down; null on PostgreSQL. */
  sqlite: SqliteDatabase.Database | null;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…`; absent means SQLite in the data directory. */
  url?: string | undefined;
  dataDir: string;
  /** PostgreSQL schema to use (tests give each run its own). */
  schema?: string | undefined;
  /** SQLite: the raw 32-byte key the file is encrypted with (src/keys derives it); absent means plaintext. */
  key?: Buffer | undefined;
  /** SQLite: open read-only and change nothing, not even the journal mode. */
  readonly?: boolean | undefined;
  /** SQLite: the file in the data directory, if not the store's own. */
  file?: string | undefined;
}

/** The store's SQLite file in the data directory. */
export const SQLITE_FILE = 'vigil.db';
const REKEY_FILE = `${SQLITE_FILE}.rekeying`;

// COUNT(*) and bigint columns come back as strings from pg; every value we store fits a double.
pg.types.setTypeParser(20, (value) => Number(value));

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // Vigil's queries are short lookups: JIT compiling one (past jit_above_cost) took 25–37 ms where running it took
    // about 1 ms (issue 6, full-text search). Sent on each new connection before anything else it runs.
    pool.on('connect', (client) => void client.query('set jit = off').catch(() => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqlite: null, close: () => db.destroy() };
  }
  if (options.url) throw new Error(`unsupported database URL (use postgres://…, or leave it out for SQLite)`);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(join(options.dataDir, options.file ?? SQLITE_FILE), { readonly: options.readonly ?? false });
  if (options.key) unlock(sqlite, options.key);
  // SQLite3 Multiple Ciphers leaves temporary files unencrypted: sorts and temp tables stay in memory.
  sqlite.pragma('temp_store = MEMORY');
  if (!options.readonly) sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL survives a killed process; only power loss can drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 64 MB of page cache instead of 2 MB: reads at 10^6 persons stop going back to the OS for every page.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', sqlite, close: () => db.destroy() };
}

/** How the SQLite file looks on disk, read from its first bytes without opening it. */
export function sqliteFileState(dataDir: string): 'absent' | 'plaintext' | 'encrypted' {
  const file = join(dataDir, SQLITE_FILE);
  if (!existsSync(file)) return 'absent';
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 16, 0) === 0) return 'absent';
  } finally {
    closeSync(fd);
  }
  return header.toString('latin1') === 'SQLite format 3\0' ? 'plaintext' : 'encrypted';
}

/**
 * Keys the connection before any other statement and proves the key by reading the schema: a
 * wrong key fails here, having written nothing.
 */
function unlock(sqlite: SqliteDatabase.Database, key: Buffer): void {
  try {
    applyKey(sqlite, key);
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    sqlite.close();
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new WrongKeyError();
    throw error;
  }
}

function applyKey(sqlite: SqliteDatabase.Database, key: Buffer): void {
  if (key.length !== 32) throw new Error('the SQLite key must be 32 bytes');
  // SQLCipher 4's format: AES-256-CBC with an HMAC-SHA512 on every page, so a changed page fails
  // to read; the most widely used SQLite encryption format. x'…' is a raw key: no second KDF.
  sqlite.pragma(`cipher = 'sqlcipher'`);
  sqlite.pragma('legacy = 4');
  sqlite.pragma(`key = "x'${key.toString('hex')}'"`);
}

/**
 * Rewrites the SQLite store under a new key (`from` null: encrypts a plaintext store). A copy is
 * made beside the file under the new key, `edit` runs on the copy, and one rename puts the copy in
 * place: a crash at any point leaves the old file or the new one, each whole and each with its key.
 * Refuses while another process has the store open.
 */
export async function rewriteSqliteStore(dataDir: string, from: Buffer | null, to: Buffer, edit?: (copy: DatabaseHandle) => Promise<void>): Promise<void> {
  const live = join(dataDir, SQLITE_FILE);
  const copy = join(dataDir, REKEY_FILE);
  removeRekeyCopy(dataDir);
  // VACUUM INTO encrypts its output with the key of the connection's main database, so the copy
  // is made from an empty, keyed scratch database that has the store attached.
  const scratchDir = mkdtempSync(join(tmpdir(), 'vigil-rekey-'));
  const scratch = new SqliteDatabase(join(scratchDir, 'scratch.db'));
  try {
    applyKey(scratch, to);
    scratch.prepare('attach database ? as store key ?').run(live, from ? `x'${from.toString('hex')}'` : '');
    scratch.pragma('busy_timeout = 2000');
    // Leaving WAL needs the only connection, which tells whether Vigil is running; the lock
    // taken by the next read is then held until the end, so no other process writes meanwhile.
    scratch.pragma('store.locking_mode = EXCLUSIVE');
    try {
      scratch.pragma('store.journal_mode = DELETE');
      scratch.prepare('select count(*) from store.sqlite_master').get();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new StoreInUseError();
      throw error;
    }
    scratch.prepare('vacuum store into ?').run(copy);
    if (edit) {
      const handle = openDatabase({ dataDir, file: REKEY_FILE, key: to });
      try {
        await edit(handle);
      } finally {
        await handle.close();
      }
    }
    fsyncPath(copy);
    renameSync(copy, live);
    fsyncPath(dataDir);
  } catch (error) {
    removeRekeyCopy(dataDir);
    throw error;
  } finally {
    scratch.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** A copy left by a rewrite that crashed before its rename: never the live store. */
export function removeRekeyCopy(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(join(dataDir, REKEY_FILE + suffix), { force: true });
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing is a
 * large share of a small query's cost. Bounded, since `in (?, ?, …)` lists vary in length.
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(query: string) {
      let statement = statements.get(query);
      if (!statement) {
        if (statements.size >= 1000) statements.clear();
        statement = sqlite.prepare(query);
        statements.set(query, statement);
      }
      return statement;
    },
    close() {
      sqlite.close();
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; safe to run on every start. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const dialect: Dialect = db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
  // Kysely looks for its migration tables in every schema unless told which; with several
  // Vigil schemas in one PostgreSQL database it would find another store's tables.
  const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
